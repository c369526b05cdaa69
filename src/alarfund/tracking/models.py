"""Import jobs and the imported tracking numbers.

* ``ImportJob``: one import of one uploaded file (a ``DocumentFile`` of the material
  ``tracking_numbers``) for one application. It carries the progress shown by the progress bar, the
  outcome (counts, warnings or the reason it failed) and ``is_current``: the application's one list in
  force. Round, sales year and organisation are copied onto it so the duplicate checks need no joins.
* ``TrackingNumber``: one row of the file, normalised, with the problems found while reading
  (``flags``). Rows of a job that is not current are invisible to every check and report: an import is
  staged under its job and made current in one short transaction at the end (docs/tracking.md).
* ``AuditedParcelsDefault``: the parcel count this app last wrote into the application's audited
  figures, so a value the auditor entered is never overwritten.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alarfund.config.choices import TextChoices


def time_ordered_uuid() -> uuid.UUID:
    """A version-7 UUID (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. A new job's id
    sorts after the existing ones, so its rows go to the right-hand edge of the rows' primary-key index
    (job · sheet · row) instead of into the middle of it: measured ≈ 1 s less for 1,000,000 rows
    beside 10,000,000 (docs/tracking.md). Still unguessable (74 random bits); it tells the creation time,
    which the job shows anyway."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | (rand >> 62 & 0xFFF) << 64 | 0b10 << 62
    return uuid.UUID(int=value | (rand & (1 << 62) - 1))


class ImportStatus(TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Stopped: a newer file was uploaded")
    SUPERSEDED = "superseded", _("Replaced by a newer import")


#: The only status changes a job can make (``services._transition`` enforces it).
TRANSITIONS: dict[str, frozenset[str]] = {
    ImportStatus.QUEUED: frozenset({ImportStatus.RUNNING, ImportStatus.FAILED, ImportStatus.CANCELLED}),
    ImportStatus.RUNNING: frozenset({ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.CANCELLED}),
    ImportStatus.SUCCEEDED: frozenset({ImportStatus.SUPERSEDED}),
    ImportStatus.FAILED: frozenset(),
    ImportStatus.CANCELLED: frozenset(),
    ImportStatus.SUPERSEDED: frozenset(),
}
FINISHED = frozenset(
    {ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.CANCELLED, ImportStatus.SUPERSEDED}
)


class ImportPhase(TextChoices):
    WAITING = "waiting", _("Waiting for the background worker")
    READING = "reading", _("Reading the rows")
    CHECKING = "checking", _("Checking for duplicates")
    DONE = "done", _("Done")


class ImportJob(models.Model):
    id = models.UUIDField(primary_key=True, default=time_ordered_uuid, editable=False)
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="tracking_imports",
    )
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="+")
    sales_year = models.PositiveSmallIntegerField(_("sales year"))
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    #: The uploaded version imported: all its files as one list, or only ``document_file`` if set.
    document_version = models.ForeignKey(
        "evidence.DocumentVersion",
        verbose_name=_("uploaded version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    document_file = models.ForeignKey(
        "evidence.DocumentFile",
        verbose_name=_("file"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    phase = models.CharField(max_length=16, choices=ImportPhase.choices, default=ImportPhase.WAITING)
    is_current = models.BooleanField(_("list in force"), default=False)
    rows_total = models.PositiveIntegerField(_("rows (estimate)"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    #: Why it failed: a stable code and the values of its message (rendered in the reader's language).
    error_code = models.CharField(max_length=40, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    #: Per sheet: name, header row, the columns found and the other columns' names (kept in the file).
    sheets = models.JSONField(default=list, blank=True)
    #: File-level remarks, e.g. no ship-date column: [{"code": ..., "params": {...}}].
    warnings = models.JSONField(default=list, blank=True)
    #: Counts of the report (rows, each problem, valid unique), refreshed when other lists change.
    stats = models.JSONField(default=dict, blank=True)
    valid_unique = models.PositiveIntegerField(_("valid unique numbers"), null=True, blank=True)
    stats_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tracking-number import")
        verbose_name_plural = _("tracking-number imports")
        ordering: ClassVar[list[str]] = ["-created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(is_current=True),
                name="tracking_one_current_list_per_application",
            ),
            models.CheckConstraint(
                name="tracking_only_succeeded_is_current",
                condition=Q(is_current=False) | Q(status="succeeded"),
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["application", "created_at"], name="tracking_job_app_created"),
            models.Index(fields=["round", "is_current"], name="tracking_job_round_current"),
            models.Index(fields=["status", "heartbeat_at"], name="tracking_job_status_beat"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.SUCCEEDED:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_read / self.rows_total))


class TrackingNumber(models.Model):
    """One row of an imported list. Bulk-loaded (COPY on PostgreSQL): no sequence, no foreign-key check
    per row; the job's rows are removed by the import services, never by a cascade."""

    pk = models.CompositePrimaryKey("job_id", "sheet", "row_no")
    # No index of its own: the primary key (job · sheet · row) starts with it.
    job = models.ForeignKey(
        ImportJob, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    sheet = models.PositiveSmallIntegerField(_("sheet"))
    row_no = models.PositiveIntegerField(_("row"))
    #: Normalised: upper case, no spaces or hyphens, full-width characters folded. On PostgreSQL the
    #: column compares bytes (``COLLATE "C"``, migration 0002): keep it if this field is ever altered.
    number = models.CharField(_("tracking number"), max_length=40)
    #: The carrier whose pattern the number fits ("" if none).
    carrier = models.CharField(_("carrier"), max_length=8, blank=True)
    #: The courier named in the row: a carrier code if recognised, else the text (shortened).
    courier = models.CharField(_("courier"), max_length=24, blank=True)
    ship_date = models.DateField(_("ship date"), null=True, blank=True)
    flags = models.PositiveSmallIntegerField(default=0)
    #: The cell as written, when it differs from ``number`` (shortened, control characters replaced).
    raw = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("tracking number")
        verbose_name_plural = _("tracking numbers")
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["number"], name="tracking_number_idx")]

    def __str__(self) -> str:
        return self.number


class AuditedParcelsDefault(models.Model):
    """The Art. 10 parcel count this app last wrote into the application's audited figures."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="tracking_parcels_default"
    )
    value = models.PositiveBigIntegerField()
    job = models.ForeignKey(ImportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.application_id}: {self.value}"
