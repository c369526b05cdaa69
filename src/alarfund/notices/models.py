"""The working-day calendar, the public notice (公示, Art. 17(三)) and the objections to it.

* ``CalendarDay``: one day entered by the administrator (a national holiday or swapped working day of
  a year the library does not cover, a Xinjiang regional day such as 肉孜节 or 古尔邦节, a local
  exception), with its source document. It overrides the library for that date (workdays.py).
* ``CalendarYear``: the administrator's confirmation that a year's national calendar (only needed
  where the library has no data) and its Xinjiang regional days are entered completely. A year
  without both is unknown: computing a period across it is an error, never a guess.
* ``Notice``: the published list of a frozen plan version, with its period in working days.
  Status changes only through ``NOTICE_TRANSITIONS``.
* ``Objection``: filed by anyone during the period; the objector's name and contact are encrypted.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alarfund.config.choices import TextChoices
from alarfund.sensitive_fields import EncryptedTextField

MONEY = {"max_digits": 14, "decimal_places": 2}
#: Field-encryption kinds of the objector's personal data (bound as associated data).
OBJECTOR_NAME = "objector_name"
OBJECTOR_CONTACT = "objector_contact"


class Region(TextChoices):
    NATIONAL = "national", _("National (State Council)")
    XINJIANG = "xinjiang", _("Xinjiang (autonomous region)")
    LOCAL = "local", _("Local exception (Division and city)")


class DayKind(TextChoices):
    HOLIDAY = "holiday", _("Day off")
    WORKDAY = "workday", _("Working day")


class CalendarDay(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    date = models.DateField(_("date"))
    region = models.CharField(_("region"), max_length=16, choices=Region.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100)
    source = models.CharField(_("source document"), max_length=300)
    #: Null for the days seeded by a data migration (their source names the document).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering: ClassVar[list[str]] = ["date", "region"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["date", "region"], name="calendar_day_unique_per_region"),
            models.CheckConstraint(name="calendar_day_has_source", condition=~Q(source="")),
        ]

    def __str__(self) -> str:
        return f"{self.date} · {self.region} · {self.kind}"


class CalendarYear(models.Model):
    """What the administrator confirmed for one year (a blank source: not confirmed)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    year = models.PositiveIntegerField(_("year"), unique=True)
    #: The national holidays and swapped working days of the year are entered (years the library lacks).
    national_source = models.CharField(_("national calendar: source"), max_length=300, blank=True)
    #: The Xinjiang regional days of the year are entered (or there are none beyond the national ones).
    xinjiang_source = models.CharField(_("Xinjiang regional days: source"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    lock = models.PositiveIntegerField(default=1)  # optimistic locking

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering: ClassVar[list[str]] = ["year"]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def national_confirmed(self) -> bool:
        return bool(self.national_source)

    @property
    def xinjiang_confirmed(self) -> bool:
        return bool(self.xinjiang_source)


class NoticeStatus(TextChoices):
    PUBLISHED = "published", _("Published: notice period running")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: The only status changes of a notice (services enforce it; a test covers every other pair).
NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    NoticeStatus.PUBLISHED: frozenset({NoticeStatus.CLOSED, NoticeStatus.WITHDRAWN}),
    NoticeStatus.CLOSED: frozenset(),
    NoticeStatus.WITHDRAWN: frozenset(),
}


class Notice(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="notices")
    plan_version = models.ForeignKey("plans.PlanVersion", on_delete=models.PROTECT, related_name="notices")
    status = models.CharField(
        _("status"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.PUBLISHED
    )
    starts_on = models.DateField(_("published from"))
    #: The first working day counted (``starts_on`` itself, or the next working day).
    first_working_day = models.DateField(_("first working day counted"))
    #: The last working day of the period (Art. 17: at least `working_days` working days).
    earliest_end = models.DateField(_("last working day of the notice period"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    #: The public list as published: [{application, name, jurisdiction, lines: [{article, amount}], total}].
    content = models.JSONField(default=list)
    total = models.DecimalField(_("total"), default=0, **MONEY)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)
    #: A notice published again after an upheld objection names the notice it replaces (重新公示).
    reissue_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reissued_by"
    )
    lock = models.PositiveIntegerField(default=1)  # optimistic locking

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering: ClassVar[list[str]] = ["-published_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # One live notice per plan version, and per round.
            models.UniqueConstraint(
                fields=["plan_version"], condition=Q(status="published"), name="notice_one_live_per_version"
            ),
            models.UniqueConstraint(
                fields=["round"], condition=Q(status="published"), name="notice_one_live_per_round"
            ),
            models.CheckConstraint(
                name="notice_period_ordered",
                condition=Q(first_working_day__gte=models.F("starts_on"))
                & Q(earliest_end__gte=models.F("first_working_day")),
            ),
            models.CheckConstraint(
                name="notice_closed_has_date",
                condition=~Q(status="closed") | Q(closed_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.starts_on} – {self.earliest_end}"

    @property
    def is_live(self) -> bool:
        return self.status == NoticeStatus.PUBLISHED


class ObjectionStatus(TextChoices):
    OPEN = "open", _("Open: being examined")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Objection(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    #: The enterprise concerned (null: the list as a whole).
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enterprise_name = models.CharField(_("enterprise concerned"), max_length=200, blank=True)
    tracking_code = models.CharField(max_length=20, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    name = EncryptedTextField(_("name"), kind=OBJECTOR_NAME)
    contact = EncryptedTextField(_("contact (phone or e-mail)"), kind=OBJECTOR_CONTACT)
    text = models.TextField(_("objection"))
    #: Keyed hash of the client address (rate limit across processes; the address itself is not kept).
    client_hash = models.CharField(max_length=64, db_index=True, blank=True, editable=False)
    filed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finding = models.TextField(_("finding"), blank=True)
    # -- the optional attachment (checked by the evidence app, private storage, generated name) --
    attachment_stored_name = models.CharField(max_length=100, blank=True, editable=False)
    attachment_name = models.CharField(_("attachment"), max_length=150, blank=True)
    attachment_kind = models.CharField(max_length=8, blank=True)
    attachment_content_type = models.CharField(max_length=100, blank=True)
    attachment_size = models.BigIntegerField(default=0)
    attachment_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering: ClassVar[list[str]] = ["filed_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                name="objection_decided_has_finding",
                condition=Q(status="open") | (~Q(finding="") & Q(decided_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def has_attachment(self) -> bool:
        return bool(self.attachment_stored_name)
