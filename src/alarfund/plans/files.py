"""The plan's files: the 师市 approval document of a version and the deliverables of a commitment.

Each upload goes through the evidence app's content checks (`evidence.validation.prepare`: type by
content, size, no active content, image metadata removed) and lands in the private documents storage
under a generated name. Opening a file checks the reader's capability and is audited.
"""

from __future__ import annotations

import logging
import uuid
from typing import IO, Any

from django.http import Http404

from alarfund.accounts.permissions import ALLOWED, Capability, Decision, Refused, check
from alarfund.audit.models import AuditResult
from alarfund.audit.services import Actor, AuditContext, audit_record
from alarfund.evidence import validation
from alarfund.evidence.models import StoredFile
from alarfund.evidence.services import discard_stored, documents_storage, store_checked

from .models import Commitment, PlanFile, PlanVersion

logger = logging.getLogger("alarfund.plans")

#: Material codes (lower-case) for the upload limits and accepted kinds of the evidence app.
APPROVAL_MATERIAL = "plan_approval"
DELIVERABLE_MATERIAL = "commitment_deliverable"
#: Who may open the plan's files: those who prepare, approve, pay or oversee the plan.
READERS: tuple[Capability, ...] = (
    Capability.PLAN_PREPARE,
    Capability.PLAN_APPROVE,
    Capability.PAYMENT_PREPARE,
    Capability.OVERSIGHT_VIEW,
)


def can_read_plan(user: Any) -> Decision:
    refusal = None
    for capability in READERS:
        decision = check(user, capability)
        if decision:
            return ALLOWED
        refusal = refusal or decision
    assert refusal is not None
    return refusal


def prepare_upload(upload: Any, *, material_code: str) -> validation.Prepared:
    """Check one file (raises `UploadRefused`, a ValidationError with the reason, if not accepted)."""
    return validation.prepare(upload, material_code=material_code)


def store(
    prepared: validation.Prepared,
    *,
    by: Any,
    subject: str,
    version: PlanVersion | None = None,
    commitment: Commitment | None = None,
    title: str = "",
) -> tuple[PlanFile, str]:
    """Save the checked file and its row (call inside the caller's transaction; on failure the caller
    removes the stored name with `discard`)."""
    name = store_checked(prepared)
    row = PlanFile.objects.create(
        subject=subject,
        version=version,
        commitment=commitment,
        title=title[:200],
        **StoredFile.fields_of(prepared, name),
        uploaded_by=by,
    )
    return row, name


discard = discard_stored


def plan_file_open(
    *, user: Any, file_id: uuid.UUID, context: AuditContext | None = None
) -> tuple[PlanFile, IO[bytes]]:
    """Check, audit and open one of the plan's files."""
    decision = can_read_plan(user)
    if not decision:
        raise Refused(decision)
    row = PlanFile.objects.filter(pk=file_id).first()
    if row is None:
        audit_record(
            action="plan_file.view",
            result=AuditResult.REFUSED,
            actor=Actor.of(user),
            context=context,
            object_type="plan_file",
            object_id=file_id,
            details={"code": "not_found"},
        )
        raise Http404
    handle = documents_storage().open(row.stored_name, "rb")
    audit_record(
        action="plan_file.view",
        actor=Actor.of(user),
        context=context,
        object_type="plan_file",
        object_id=row.pk,
        details={"subject": row.subject, "sha256": row.sha256},
    )
    return row, handle
