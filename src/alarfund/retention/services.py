"""The retention job (security checklist 29 and 38; PIPL Art. 19 and 47; 网络安全法 Art. 21).

What it does, in this order, each time it runs (`alarfund retention`, daily from the host's scheduler):

1. Copies the audit trail to the separate store (`audit.archive`). Audit events are never deleted by the
   job — the database refuses it anyway — so none younger than `audit_min_days` can be lost.
2. Deletes the files of *sensitive* application documents (ID card images) whose retention period has
   ended: the period starts at local midnight after the round's application window closed and lasts
   `sensitive_documents_days`. The row stays as a record (type, size, SHA-256, the date of deletion);
   its original file name, which may carry a person's name, is replaced by the material code.
   Financial records — plans, payments, commitments, business documents, bank details of payees — are
   kept: they are accounting records, not covered by this rule.
3. Anonymises the name and contact of objectors (public notice, Art. 17) when their period ends.
4. Removes one-time form tokens long past their lifetime (`idempotency.purge`).

A legal hold stops the deletion: an organisation with an open fraud finding (Art. 20) keeps every file
until the case is settled. Each deletion is audited (`retention.purge`), in the same transaction as the
row's change; the stored file is removed after the commit (and again by the next run if that failed).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alarfund import idempotency
from alarfund.audit.archive import archive_audit
from alarfund.audit.models import AuditEvent
from alarfund.audit.services import Actor, audit_record
from alarfund.evidence.models import Document, DocumentFile
from alarfund.evidence.services import documents_storage

logger = logging.getLogger("alarfund.retention")

SUBJECT_APPLICATION = "application"
SYSTEM = Actor(username="retention-job", role="system")


@dataclass
class RetentionReport:
    now: dt.datetime
    dry_run: bool
    audit_archived: int = 0
    audit_events: int = 0
    purged_files: list[str] = field(default_factory=list)
    held_files: list[str] = field(default_factory=list)
    anonymised_objections: list[str] = field(default_factory=list)
    expired_tokens: int = 0


def policy() -> dict[str, int]:
    return dict(settings.ALARFUND_RETENTION)


def local_midnight_after(day: dt.date) -> dt.datetime:
    """The start of the next day in the platform's time zone (Asia/Shanghai), as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def sensitive_document_expiry(window_end: dt.date) -> dt.datetime:
    return local_midnight_after(window_end) + dt.timedelta(days=policy()["sensitive_documents_days"])


def organisations_on_hold() -> set[Any]:
    """Organisations with an open fraud finding (Art. 20): nothing of theirs is deleted."""
    if not apps.is_installed("alarfund.payments"):
        return set()
    try:
        finding = apps.get_model("payments", "FraudFinding")
    except LookupError:
        return set()
    return set(finding.objects.filter(status="open").values_list("organisation_id", flat=True))


def _expired_sensitive_files(now: dt.datetime) -> Iterable[tuple[DocumentFile, Document]]:
    application = apps.get_model("applications", "Application")
    windows = dict(
        application.objects.values_list("pk", "round__window_end")  # one row per application
    )
    documents = Document.objects.filter(sensitive=True, subject_type=SUBJECT_APPLICATION)
    for document in documents.iterator():
        window_end = windows.get(document.subject_id)
        if window_end is None or now < sensitive_document_expiry(window_end):
            continue
        for document_file in DocumentFile.objects.filter(version__document=document, purged_at__isnull=True):
            yield document_file, document


def _purge(document_file: DocumentFile, document: Document, now: dt.datetime) -> None:
    with transaction.atomic():
        locked = DocumentFile.objects.select_for_update().get(pk=document_file.pk)
        if locked.purged_at is not None:
            return
        locked.purged_at = now
        locked.original_name = f"{document.material_code}.{locked.kind}"
        locked.save(update_fields=["purged_at", "original_name"])
        audit_record(
            action="retention.purge",
            actor=SYSTEM,
            object_type="document_file",
            object_id=locked.pk,
            details={
                "document": str(document.pk),
                "material_code": document.material_code,
                "organisation": str(document.organisation_id),
                "sha256": locked.sha256,
                "rule": "sensitive_documents_days",
                "days": policy()["sensitive_documents_days"],
            },
        )
        name = locked.stored_name
        transaction.on_commit(lambda: _delete_stored(name))


def _delete_stored(name: str) -> None:
    storage = documents_storage()
    try:
        if storage.exists(name):
            storage.delete(name)
    except Exception:  # the next run tries again (see _sweep)
        logger.exception("retention: could not delete a stored file; it will be retried")


def _sweep() -> None:
    """Files already marked deleted whose stored copy a failed run left behind."""
    for name in DocumentFile.objects.filter(purged_at__isnull=False).values_list("stored_name", flat=True):
        _delete_stored(name)


def _anonymise_objections(now: dt.datetime, report: RetentionReport) -> None:
    """Objectors' names and contacts, `objection_contact_days` after their notice closed."""
    if not apps.is_installed("alarfund.notices"):
        return
    from alarfund.notices.retention import anonymise, expired_objection_ids  # that app owns the fields

    for objection_id in expired_objection_ids(now, days=policy()["objection_contact_days"]):
        report.anonymised_objections.append(str(objection_id))
        if not report.dry_run:
            anonymise(objection_id, now=now, actor=SYSTEM)


def retention_run(*, now: dt.datetime | None = None, dry_run: bool = False) -> RetentionReport:
    now = now or timezone.now()
    report = RetentionReport(now=now, dry_run=dry_run)
    if not dry_run:
        report.audit_archived = archive_audit(Path(settings.ALARFUND_AUDIT_ARCHIVE_DIR)).written
    held = organisations_on_hold()
    for document_file, document in list(_expired_sensitive_files(now)):
        if document.organisation_id in held:
            report.held_files.append(str(document_file.pk))
            continue
        report.purged_files.append(str(document_file.pk))
        if not dry_run:
            _purge(document_file, document, now)
    _anonymise_objections(now, report)
    if not dry_run:
        _sweep()
        report.expired_tokens = idempotency.purge(now=now)
    report.audit_events = AuditEvent.objects.count()
    return report
