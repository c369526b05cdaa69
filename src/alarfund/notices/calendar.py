"""The administrator keeps the working-day calendar: days with their source, and each year's confirmation.

Every write checks ``CALENDAR_MANAGE``, changes the table and records the audit event (with the day's
or year's full content, before and after) in one transaction. A published notice keeps the period it
was published with; closing it re-checks the period against the calendar as it is then (services).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alarfund.accounts.permissions import Capability, require
from alarfund.audit.services import Actor, AuditContext, audit_record
from alarfund.stale import check_version

from . import workdays
from .models import CalendarDay, CalendarYear, DayKind, Region

#: The years the overview lists: from the first sales year of the measure to next year.
FIRST_YEAR = 2025
PARTS = ("national", "xinjiang")


def _day_details(day: CalendarDay) -> dict[str, Any]:
    return {
        "date": day.date.isoformat(),
        "region": day.region,
        "kind": day.kind,
        "name": day.name,
        "source": day.source,
    }


def calendar_day_add(
    *,
    by: Any,
    date: dt.date | None,
    region: str,
    kind: str,
    name: str,
    source: str,
    context: AuditContext | None = None,
) -> CalendarDay:
    require(by, Capability.CALENDAR_MANAGE)
    errors: dict[str, list[str]] = {}
    name, source = (name or "").strip(), (source or "").strip()
    if not isinstance(date, dt.date):
        errors["date"] = [_("Enter the date.")]
    if region not in Region.values:
        errors["region"] = [_("Choose the region the day applies to.")]
    if kind not in DayKind.values:
        errors["kind"] = [_("Choose whether the day is a day off or a working day.")]
    if not name:
        errors["name"] = [_("Name the day (e.g. Eid al-Fitr, or a working day swapped for National Day).")]
    if not source:
        errors["source"] = [_("Name the document the day comes from (issuer, number and date).")]
    if errors:
        raise ValidationError(errors)
    assert date is not None
    try:
        with transaction.atomic():
            day = CalendarDay.objects.create(
                date=date, region=region, kind=kind, name=name[:100], source=source[:300], entered_by=by
            )
            audit_record(
                action="calendar.day_add",
                actor=Actor.of(by),
                context=context,
                object_type="calendar_day",
                object_id=day.pk,
                details=_day_details(day),
            )
    except IntegrityError:
        raise ValidationError(
            {"date": [_("This date is already entered for this region: remove it first to change it.")]}
        ) from None
    return day


def calendar_day_remove(*, by: Any, day: CalendarDay, context: AuditContext | None = None) -> None:
    require(by, Capability.CALENDAR_MANAGE)
    with transaction.atomic():
        current = CalendarDay.objects.select_for_update().filter(pk=day.pk).first()
        if current is None:
            return
        details = _day_details(current)
        current.delete()
        audit_record(
            action="calendar.day_remove",
            actor=Actor.of(by),
            context=context,
            object_type="calendar_day",
            object_id=day.pk,
            details=details,
        )


def calendar_year_set(
    *,
    by: Any,
    year: int,
    part: str,
    source: str,
    lock: int | None = None,
    context: AuditContext | None = None,
) -> CalendarYear:
    """Confirm (source given) or withdraw the confirmation (blank source) of one part of a year."""
    require(by, Capability.CALENDAR_MANAGE)
    source = (source or "").strip()[:300]
    if part not in PARTS:
        raise ValidationError(_("Choose the national calendar or the Xinjiang regional days."))
    if not FIRST_YEAR <= year <= timezone.localdate().year + 5:
        raise ValidationError(_("Choose a year of the measure's period or the years just after."))
    if part == "national" and source and workdays.library_covers(year):
        raise ValidationError(
            _("The built-in calendar already has the national holidays of this year; only enter exceptions.")
        )
    with transaction.atomic():
        row, created = CalendarYear.objects.select_for_update().get_or_create(year=year)
        if not created:
            check_version(row.lock, lock)
        field = f"{part}_source"
        before = getattr(row, field)
        setattr(row, field, source)
        row.updated_by = by
        row.lock += 1
        row.save()
        audit_record(
            action="calendar.year_confirm" if source else "calendar.year_unconfirm",
            actor=Actor.of(by),
            context=context,
            object_type="calendar_year",
            object_id=row.pk,
            details={"year": year, "part": part, "before": before, "after": source},
        )
    return row


# -- reading ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearState:
    year: int
    library: bool
    national_source: str
    xinjiang_source: str
    days: int
    lock: int

    @property
    def national_known(self) -> bool:
        return self.library or bool(self.national_source)

    @property
    def complete(self) -> bool:
        return self.national_known and bool(self.xinjiang_source)


def years_overview(today: dt.date | None = None) -> list[YearState]:
    today = today or timezone.localdate()
    rows = {row.year: row for row in CalendarYear.objects.all()}
    last = max([today.year + 1, *rows])
    counts: dict[int, int] = {}
    for date in CalendarDay.objects.values_list("date", flat=True):
        counts[date.year] = counts.get(date.year, 0) + 1
    states = []
    for year in range(FIRST_YEAR, last + 1):
        row = rows.get(year)
        states.append(
            YearState(
                year=year,
                library=workdays.library_covers(year),
                national_source=row.national_source if row else "",
                xinjiang_source=row.xinjiang_source if row else "",
                days=counts.get(year, 0),
                lock=row.lock if row else 0,
            )
        )
    return states
