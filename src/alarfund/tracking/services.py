"""Starting imports, making a list current, failures, and the audited parcel-count default.

The hook for the applications upload flow (the lead wires it; docs/tracking.md):

    version = document_upload(...)                     # material "tracking_numbers"
    tracking.services.material_uploaded(by=by, application=application,
                                        material_code=material_code, version=version, context=context)

``material_uploaded`` does nothing for other materials and returns the queued ``ImportJob`` for a
tracking-number list: the request returns at once, ``alarfund worker`` runs the import.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alarfund.accounts.permissions import Refused
from alarfund.audit.models import AuditResult
from alarfund.audit.services import Actor, AuditContext, audit_record
from alarfund.evidence.models import DocumentFile, DocumentVersion

from . import checks
from .access import can_start
from .models import AuditedParcelsDefault, ImportJob, ImportPhase, ImportStatus
from .store import delete_rows

logger = logging.getLogger("alarfund.tracking")

MATERIAL = "tracking_numbers"
SUBJECT = "application"

__all__ = [
    "current_job",
    "latest_job",
    "make_current",
    "material_uploaded",
    "refresh_stats",
    "sweep_interrupted",
    "tracking_import_rerun",
    "tracking_import_start",
]


def latest_job(application: Any) -> ImportJob | None:
    return ImportJob.objects.filter(application_id=application.pk).order_by("-created_at").first()


def current_job(application: Any) -> ImportJob | None:
    return ImportJob.objects.filter(application_id=application.pk, is_current=True).first()


def _version_and_file(application: Any, item: Any) -> tuple[DocumentVersion, DocumentFile | None]:
    if isinstance(item, DocumentFile):
        version, document_file = item.version, item
    elif isinstance(item, DocumentVersion):
        version, document_file = item, None
    else:
        raise TypeError("document_version_or_file must be a DocumentVersion or a DocumentFile")
    document = version.document
    if (
        document.subject_type != SUBJECT
        or document.subject_id != application.pk
        or document.material_code != MATERIAL
        or document.organisation_id != application.organisation_id
    ):
        raise ValueError("the document is not this application's tracking-number list")
    return version, document_file


def tracking_import_start(
    *, by: Any, application: Any, document_version_or_file: Any, context: AuditContext | None = None
) -> ImportJob:
    """Queue the import of an uploaded tracking-number list (a version: all its files; or one file).

    Returns at once with the queued job; the background worker imports. An older import of the same
    application that is still queued or running is stopped (the newer upload wins). ``by=None`` is a
    trusted command. Raises ``Refused`` if ``by`` may not start imports for this application.
    """
    if by is not None:
        decision = can_start(by, application)
        if not decision:
            raise Refused(decision)
    version, document_file = _version_and_file(application, document_version_or_file)
    from .tasks import import_tracking_numbers

    user = by if getattr(by, "is_authenticated", False) else None
    with transaction.atomic():
        stopped = ImportJob.objects.filter(
            application_id=application.pk, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
        ).update(status=ImportStatus.CANCELLED, phase=ImportPhase.DONE, finished_at=timezone.now())
        job = ImportJob.objects.create(
            application_id=application.pk,
            round_id=application.round_id,
            sales_year=application.round.sales_year,
            organisation_id=application.organisation_id,
            document_version=version,
            document_file=document_file,
            created_by=user,
        )
        audit_record(
            action="tracking.import_start",
            actor=Actor.of(by),
            context=context,
            object_type="application",
            object_id=application.pk,
            details={
                "job": str(job.pk),
                "version": version.number,
                "file": str(document_file.pk) if document_file else None,
                "stopped_older": stopped,
            },
        )
        # The database backend stores the task in this transaction: it exists if and only if the job does.
        result = import_tracking_numbers.enqueue(str(job.pk))
        ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def material_uploaded(
    *, by: Any, application: Any, material_code: str, version: Any, context: AuditContext | None = None
) -> ImportJob | None:
    """The upload flow's hook: after a ``tracking_numbers`` upload, queue its import."""
    if material_code != MATERIAL:
        return None
    return tracking_import_start(
        by=by, application=application, document_version_or_file=version, context=context
    )


def tracking_import_rerun(*, by: Any, application: Any, context: AuditContext | None = None) -> ImportJob:
    """Import the application's latest uploaded list again (after a failure or an interruption)."""
    version = (
        DocumentVersion.objects.filter(
            document__subject_type=SUBJECT,
            document__subject_id=application.pk,
            document__material_code=MATERIAL,
        )
        .order_by("-number")
        .first()
    )
    if version is None:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError(_("No tracking-number list has been uploaded for this application."))
    return tracking_import_start(
        by=by, application=application, document_version_or_file=version, context=context
    )


class Superseded(Exception):
    """A newer list became current first: this one is dropped."""


def make_current(job: ImportJob, *, stats: dict[str, int], clock: Any = None) -> ImportJob:
    """The swap: in one transaction the job becomes the application's list in force (the previous one is
    replaced), its counts are stored and the audited parcel count's default follows. Then the rows of the
    replaced list are removed and the counts of other lists sharing numbers with either are refreshed."""
    from .importer import Cancelled

    with transaction.atomic():
        jobs = list(
            ImportJob.objects.select_for_update()
            .filter(Q(pk=job.pk) | Q(application_id=job.application_id, is_current=True))
            .order_by("created_at")
        )
        me = next(j for j in jobs if j.pk == job.pk)
        previous = [j for j in jobs if j.is_current and j.pk != job.pk]
        if me.status != ImportStatus.RUNNING or any(j.created_at > me.created_at for j in previous):
            raise Cancelled()
        for old in previous:
            old.is_current = False
            old.status = ImportStatus.SUPERSEDED
            old.save(update_fields=["is_current", "status"])
        now = timezone.now()
        me.status = ImportStatus.SUCCEEDED
        me.phase = ImportPhase.DONE
        me.is_current = True
        me.finished_at = now
        me.stats = stats
        me.valid_unique = stats["valid_unique"]
        me.stats_updated_at = now
        me.save(
            update_fields=[
                "status",
                "phase",
                "is_current",
                "finished_at",
                "stats",
                "valid_unique",
                "stats_updated_at",
            ]
        )
        audit_record(
            action="tracking.import",
            object_type="application",
            object_id=me.application_id,
            details={"job": str(me.pk), "replaced": [str(j.pk) for j in previous], **stats},
        )
        apply_parcels_default(me.application, value=stats["valid_unique"], job=me)
    if clock is not None:
        clock.lap("swap")
    from .tasks import tracking_lists_follow_up

    # Removing the replaced rows and recounting the other lists that share numbers with this one (or with
    # the replaced one) is work for the next task: this list's result is in force already.
    tracking_lists_follow_up.enqueue(str(me.pk), [str(j.pk) for j in previous])
    return me


def follow_up(job_id: uuid.UUID, replaced: list[uuid.UUID]) -> list[uuid.UUID]:
    """After a swap: in the current lists that share a number with the new or the replaced list (same
    round, or a later one), redo the cross-list bits of those numbers only; remove the replaced rows;
    recount those lists (and move their audited defaults)."""
    me = ImportJob.objects.filter(pk=job_id).first()
    if me is None:
        return []
    changed = [me.pk, *replaced]
    checks.refresh_planner_statistics()  # the new list's rows are unknown to the planner until then
    # Read every shared number first (the overlap between lists: small unless a list was copied).
    shared = list(checks.shared_numbers(changed))
    jobs = {
        job.pk: job
        for job in ImportJob.objects.filter(pk__in={pk for pk, _numbers in shared}, is_current=True).filter(
            Q(round_id=me.round_id) | Q(sales_year__gt=me.sales_year)
        )
    }
    for pk, numbers in shared:
        if pk in jobs:
            checks.mark_cross_duplicates(jobs[pk], numbers=numbers)
    delete_rows(replaced)
    refresh_stats(list(jobs))
    return list(jobs)


def refresh_stats(job_ids: list[uuid.UUID]) -> None:
    """Recount lists whose duplicates may have changed because another list was imported or replaced."""
    for job in ImportJob.objects.filter(pk__in=job_ids, is_current=True).select_related("application"):
        stats = checks.compute_stats(job)
        with transaction.atomic():
            ImportJob.objects.filter(pk=job.pk).update(
                stats=stats, valid_unique=stats["valid_unique"], stats_updated_at=timezone.now()
            )
            if job.valid_unique != stats["valid_unique"]:
                apply_parcels_default(job.application, value=stats["valid_unique"], job=job)


def import_failed(
    job: ImportJob, *, code: str, params: dict[str, Any] | None = None, cancelled: bool = False
) -> None:
    """Mark the job failed (or stopped) and remove anything it stored."""
    status = ImportStatus.CANCELLED if cancelled else ImportStatus.FAILED
    ImportJob.objects.filter(pk=job.pk, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]).update(
        status=status,
        phase=ImportPhase.DONE,
        finished_at=timezone.now(),
        error_code=code[:40],
        error_params={k: str(v)[:300] for k, v in (params or {}).items()},
    )
    delete_rows([job.pk])
    audit_record(
        action="tracking.import",
        result=AuditResult.FAILURE,
        object_type="application",
        object_id=job.application_id,
        details={"job": str(job.pk), "code": code or status},
    )


def sweep_interrupted(*, now: dt.datetime | None = None) -> int:
    """Imports whose worker died (no progress for ``ALARFUND_TRACKING_STALE_SECONDS``, default 15
    minutes) are marked interrupted and their staged rows removed."""
    seconds = int(getattr(settings, "ALARFUND_TRACKING_STALE_SECONDS", 15 * 60))
    cutoff = (now or timezone.now()) - dt.timedelta(seconds=seconds)
    stale = list(
        ImportJob.objects.filter(status=ImportStatus.RUNNING, heartbeat_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    for job in ImportJob.objects.filter(pk__in=stale):
        import_failed(job, code="interrupted")
    return len(stale)


#: Until the audit is recorded, the audited parcel count follows the list; afterwards it is the auditor's.
OPEN_FOR_DEFAULT = ("draft", "submitted", "returned", "association_accepted", "bureau_accepted")


def apply_parcels_default(application: Any, *, value: int, job: ImportJob | None) -> str:
    """Set the audited figures' parcel count to ``value`` unless the auditor has entered their own.

    * no audited figures yet: created, the money figures copied from the declared ones (the auditor
      starts from what was declared), parcels = ``value``;
    * the audited parcels still equal the default written last time: updated to ``value``;
    * otherwise (the auditor changed it, or audited figures were entered before any list): kept.
    After the audit is recorded (status "audited" or later) nothing changes. Returns what happened.
    """
    from alarfund.applications.models import Figures, FigureSource

    status = type(application).objects.filter(pk=application.pk).values_list("status", flat=True).first()
    if status not in OPEN_FOR_DEFAULT:
        return "frozen"
    with transaction.atomic():
        audited = (
            Figures.objects.select_for_update()
            .filter(application_id=application.pk, source=FigureSource.AUDITED)
            .first()
        )
        record = (
            AuditedParcelsDefault.objects.select_for_update().filter(application_id=application.pk).first()
        )
        if audited is None:
            declared = Figures.objects.filter(
                application_id=application.pk, source=FigureSource.DECLARED
            ).first()
            money = {}
            if declared is not None:
                from alarfund.applications.services import MONEY_FIELDS

                money = {name: getattr(declared, name) for name in MONEY_FIELDS}
            Figures.objects.create(
                application_id=application.pk, source=FigureSource.AUDITED, parcels=value, **money
            )
            outcome = "created"
        elif record is not None and audited.parcels == record.value:
            if audited.parcels != value:
                audited.parcels = value
                audited.save(update_fields=["parcels", "updated_at"])
            outcome = "updated"
        else:
            outcome = "kept"
        if outcome != "kept":
            AuditedParcelsDefault.objects.update_or_create(
                application_id=application.pk, defaults={"value": value, "job": job, "set_at": timezone.now()}
            )
        audit_record(
            action="tracking.parcels_default",
            object_type="application",
            object_id=application.pk,
            details={"value": value, "outcome": outcome, "job": str(job.pk) if job else None},
        )
    return outcome
