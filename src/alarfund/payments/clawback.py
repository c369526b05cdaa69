"""Art. 20: a fraud finding → a recovery order for what was paid → recoveries until settled → a ban.

Recording a finding needs the decision document (checked by the evidence app, kept privately) and both
capabilities of the bureau officer who handles it: PAYMENT_PREPARE (the recovery) and REGISTER_MANAGE
(the ban is an entry of the BAN register, made through `registers.services.register_entry_create`, so
the eligibility gate blocks the enterprise in later rounds with no code of its own here). The ban runs
from the finding date for `art20.ban_years` years (registers.rules.default_ban_end).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from alarfund import idempotency
from alarfund.accounts.models import Organisation
from alarfund.accounts.permissions import Capability, Refused, check, require
from alarfund.applications.models import Application
from alarfund.audit.services import Actor, AuditContext, audit_record
from alarfund.evidence import validation
from alarfund.evidence.exceptions import UploadRefused
from alarfund.evidence.models import StoredFile
from alarfund.evidence.services import discard_stored, documents_storage, store_checked
from alarfund.plans.commitments import parse_money
from alarfund.plans.services import OutOfSequence
from alarfund.registers.models import Category, Register, RegisterEntry
from alarfund.registers.selectors import active_entries
from alarfund.registers.services import register_entry_create
from alarfund.rounds.models import Round

from .models import (
    FINDING_TRANSITIONS,
    FindingFile,
    FindingStatus,
    FraudFinding,
    Payment,
    PaymentStatus,
    Recovery,
)

logger = logging.getLogger("alarfund.payments")
DECISION_MATERIAL = "fraud_decision"
Outcome = idempotency.Outcome


def paid_in_round(organisation: Organisation, round_: Round) -> Decimal:
    """What the organisation was paid under the measure in the round (paid payments of any version)."""
    total = Payment.objects.filter(
        organisation=organisation, plan_version__round=round_, status=PaymentStatus.PAID
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal(0)


def recovered(finding: FraudFinding) -> Decimal:
    return finding.recoveries.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def outstanding(finding: FraudFinding) -> Decimal:
    return finding.amount_due - recovered(finding)


def _ban_for(
    by: Any,
    organisation: Organisation,
    found_on: dt.date,
    decision_number: str,
    description: str,
    context: AuditContext | None,
) -> RegisterEntry:
    """The BAN entry of the finding: the existing one for the same finding date, or a new one."""
    existing = (
        active_entries()
        .filter(register=Register.BAN, category=Category.FRAUD, uscc=organisation.uscc, occurred_on=found_on)
        .first()
    )
    if existing is not None:
        return existing
    return register_entry_create(
        by=by,
        data={
            "register": Register.BAN,
            "category": Category.FRAUD,
            "uscc": organisation.uscc,
            "name": organisation.name,
            "occurred_on": found_on,
            "source_reference": decision_number,
            "description": description[:4000],
        },
        context=context,
    )


def _store(prepared: validation.Prepared, *, by: Any, finding: FraudFinding) -> tuple[FindingFile, str]:
    name = store_checked(prepared)
    row = FindingFile.objects.create(
        finding=finding,
        **StoredFile.fields_of(prepared, name),
        uploaded_by=by,
    )
    return row, name


def finding_record(
    *,
    by: Any,
    round: Round,
    organisation: Organisation,
    found_on: dt.date | None,
    decision_number: str,
    description: str,
    upload: Any,
    application: Application | None = None,
    amount_due: Any = None,
    reduction_reason: str = "",
    token: str | None = None,
    context: AuditContext | None = None,
) -> Outcome:
    """Record the finding with its decision document, the amount to recover (what was paid, or less
    with a reason, never more) and the ban."""
    require(by, Capability.PAYMENT_PREPARE)
    require(by, Capability.REGISTER_MANAGE)
    errors: dict[str, list[str]] = {}
    decision_number = " ".join((decision_number or "").split())[:100]
    description = (description or "").strip()
    reduction_reason = (reduction_reason or "").strip()
    if not decision_number:
        errors["decision_number"] = [_("Enter the number of the decision document.")]
    if not description:
        errors["description"] = [_("Describe the facts found.")]
    if not isinstance(found_on, dt.date):
        errors["found_on"] = [_("Enter the date of the finding.")]
    elif found_on > timezone.localdate():
        errors["found_on"] = [_("The date of the finding cannot be in the future.")]
    if application is not None and (
        application.organisation_id != organisation.pk or application.round_id != round.pk
    ):
        errors["application"] = [_("The application is not this organisation's in this round.")]
    due = None
    if amount_due not in (None, ""):
        due = parse_money(amount_due, "amount_due", errors, positive=False)
    if upload is None:
        errors["file"] = [_("Upload the decision document.")]
    prepared = None
    if upload is not None and not errors:
        try:
            prepared = validation.prepare(upload, material_code=DECISION_MATERIAL)
        except UploadRefused as refusal:
            errors["file"] = [str(refusal.messages[0])]
    names: list[str] = []

    def work() -> dict[str, Any]:
        if errors:
            raise ValidationError(errors)
        assert isinstance(found_on, dt.date) and prepared is not None
        Organisation.objects.select_for_update().get(pk=organisation.pk)  # one finding at a time per payee
        if FraudFinding.objects.filter(
            organisation=organisation, round=round, decision_number=decision_number
        ).exists():
            raise ValidationError({"decision_number": [_("This decision is already recorded.")]})
        paid = paid_in_round(organisation, round)
        amount = paid if due is None else due
        if amount > paid:
            raise ValidationError(
                {
                    "amount_due": [
                        _("At most what was paid can be recovered: %(paid)s yuan.") % {"paid": f"{paid:,.2f}"}
                    ]
                }
            )
        if amount < paid and not reduction_reason:
            raise ValidationError({"reduction_reason": [_("Say why less than what was paid is recovered.")]})
        ban = _ban_for(by, organisation, found_on, decision_number, description, context)
        finding = FraudFinding.objects.create(
            organisation=organisation,
            round=round,
            application=application,
            found_on=found_on,
            decision_number=decision_number,
            description=description[:4000],
            amount_paid=paid,
            amount_due=amount,
            reduction_reason=reduction_reason[:2000] if amount < paid else "",
            status=FindingStatus.SETTLED if amount == 0 else FindingStatus.OPEN,
            settled_at=timezone.now() if amount == 0 else None,
            ban_entry=ban,
            recorded_by=by,
        )
        row, name = _store(prepared, by=by, finding=finding)
        names.append(name)
        audit_record(
            action="fraud_finding.record",
            actor=Actor.of(by),
            context=context,
            object_type="fraud_finding",
            object_id=finding.pk,
            details={
                "organisation": str(organisation.pk),
                "round": str(round.pk),
                "decision_number": decision_number,
                "found_on": found_on.isoformat(),
                "amount_paid": str(paid),
                "amount_due": str(amount),
                "ban_entry": str(ban.pk),
                "ban_until": ban.end_date.isoformat() if ban.end_date else None,
                "file": str(row.pk),
                "sha256": row.sha256,
            },
        )
        return {"finding": str(finding.pk)}

    try:
        return idempotency.run(
            token=token, user=by, action="fraud_finding.record", target=round.pk, work=work
        )
    except BaseException:
        for name in names:
            discard_stored(name)
        raise
    finally:
        if prepared is not None:
            prepared.close()


def recovery_record(
    *,
    by: Any,
    finding: FraudFinding,
    amount: Any,
    received_on: dt.date | None,
    reference: str,
    token: str | None = None,
    context: AuditContext | None = None,
) -> Outcome:
    """A sum received back; never more than is outstanding. The last one settles the finding."""
    require(by, Capability.PAYMENT_PREPARE)
    errors: dict[str, list[str]] = {}
    value = parse_money(amount, "amount", errors)
    reference = " ".join((reference or "").split())[:100]
    if not reference:
        errors["reference"] = [_("Enter the receipt or voucher reference.")]
    if not isinstance(received_on, dt.date):
        errors["received_on"] = [_("Enter the date the money was received.")]
    elif received_on > timezone.localdate():
        errors["received_on"] = [_("The date cannot be in the future.")]

    def work() -> dict[str, Any]:
        current = FraudFinding.objects.select_for_update().get(pk=finding.pk)
        if current.status != FindingStatus.OPEN:
            raise OutOfSequence(_("This recovery order is settled: nothing more can be recorded."))
        if errors:
            raise ValidationError(errors)
        assert value is not None and isinstance(received_on, dt.date)
        left = outstanding(current)
        if value > left:
            raise ValidationError(
                {
                    "amount": [
                        _("At most the outstanding %(left)s yuan can be recorded.") % {"left": f"{left:,.2f}"}
                    ]
                }
            )
        if current.recoveries.filter(reference=reference).exists():
            raise ValidationError({"reference": [_("This reference is already recorded for this order.")]})
        row = Recovery.objects.create(
            finding=current, amount=value, received_on=received_on, reference=reference, recorded_by=by
        )
        settled = value == left
        if settled:
            if FindingStatus.SETTLED not in FINDING_TRANSITIONS[current.status]:
                raise OutOfSequence(_("This change of status is not allowed."))
            current.status = FindingStatus.SETTLED
            current.settled_at = timezone.now()
            current.save(update_fields=["status", "settled_at"])
        audit_record(
            action="fraud_finding.recovery",
            actor=Actor.of(by),
            context=context,
            object_type="fraud_finding",
            object_id=current.pk,
            details={
                "recovery": str(row.pk),
                "amount": str(value),
                "received_on": received_on.isoformat(),
                "reference": reference,
                "outstanding": str(left - value),
                "settled": settled,
            },
        )
        return {"finding": str(current.pk)}

    return idempotency.run(
        token=token, user=by, action="fraud_finding.recovery", target=finding.pk, work=work
    )


READERS = (Capability.PAYMENT_PREPARE, Capability.PAYMENT_RELEASE, Capability.OVERSIGHT_VIEW)


def can_read(user: Any) -> Any:
    """Officer, approver and the Finance Bureau read payments, findings and the reconciliation."""
    refusal = None
    for capability in READERS:
        decision = check(user, capability)
        if decision:
            return decision
        refusal = refusal or decision
    return refusal


def finding_file_open(
    *, user: Any, file_id: uuid.UUID, context: AuditContext | None = None
) -> tuple[FindingFile, IO[bytes]]:
    decision = can_read(user)
    if not decision:
        raise Refused(decision)
    row = FindingFile.objects.filter(pk=file_id).first()
    if row is None:
        raise Http404
    handle = documents_storage().open(row.stored_name, "rb")
    audit_record(
        action="finding_file.view",
        actor=Actor.of(user),
        context=context,
        object_type="finding_file",
        object_id=row.pk,
        details={"finding": str(row.finding_id), "sha256": row.sha256},
    )
    return row, handle
