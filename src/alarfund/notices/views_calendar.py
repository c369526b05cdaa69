"""The administrator's working-day calendar: the years and what is missing, one year's entered days
and the library's holidays beside them, add or remove a day with its source, confirm a year."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alarfund.accounts.decorators import capability_required
from alarfund.accounts.permissions import Capability
from alarfund.audit.services import AuditContext
from alarfund.stale import StaleEdit

from . import calendar, workdays
from .forms import DayForm, YearForm
from .models import CalendarDay

#: Ids of its own: the day form on the same page has fields of the same names (a label names one element).
YEAR_FORM_IDS = "year_%s"


def _year(request: HttpRequest) -> int | None:
    raw = (request.GET.get("year") or request.POST.get("year") or "").strip()
    return int(raw) if raw.isdigit() and 1900 < int(raw) < 2200 else None


def _library_days(year: int) -> list[workdays.Verdict]:
    """The library's holidays on weekdays and working days on weekends of a year it covers."""
    if not workdays.library_covers(year):
        return []
    plain = workdays.Calendar.of([], xinjiang_years=[year])
    out = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        verdict = plain.verdict(day)
        if verdict.working != (day.weekday() < 5):
            out.append(verdict)
        day += dt.timedelta(days=1)
    return out


def _context(request: HttpRequest, **extra: object) -> dict[str, object]:
    year = _year(request)
    years = calendar.years_overview()
    state = next((s for s in years if s.year == year), None)
    context: dict[str, object] = {
        "years": years,
        "year": year,
        "state": state,
        "entries": CalendarDay.objects.filter(date__year=year).select_related("entered_by") if year else [],
        "library_days": _library_days(year) if year else [],
        "day_form": DayForm(initial={"date": dt.date(year, 1, 1)} if year else None),
        "year_form": YearForm(initial={"year": year}, auto_id=YEAR_FORM_IDS),
        "errors": [],
    }
    context.update(extra)
    return context


@capability_required(Capability.CALENDAR_MANAGE)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "notices/calendar.html", _context(request))


def _back(year: int | None) -> HttpResponse:
    url = reverse("notices:calendar")
    return redirect(f"{url}?year={year}" if year else url)


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for errors in exc.message_dict.values() for m in errors]
    return [str(m) for m in exc.messages]


@capability_required(Capability.CALENDAR_MANAGE)
@require_POST
def day_add(request: HttpRequest) -> HttpResponse:
    form = DayForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        day = calendar.calendar_day_add(
            by=request.user,
            date=data.get("date"),
            region=request.POST.get("region", ""),
            kind=request.POST.get("kind", ""),
            name=request.POST.get("name", ""),
            source=request.POST.get("source", ""),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        context = _context(request, day_form=form, errors=_messages(exc))
        return render(request, "notices/calendar.html", context, status=400)
    messages.success(request, _("The day is entered."))
    return _back(day.date.year)


@capability_required(Capability.CALENDAR_MANAGE)
@require_POST
def day_remove(request: HttpRequest, day_id: uuid.UUID) -> HttpResponse:
    day = get_object_or_404(CalendarDay, pk=day_id)
    year = day.date.year
    calendar.calendar_day_remove(by=request.user, day=day, context=AuditContext.of(request))
    messages.success(request, _("The day is removed."))
    return _back(year)


@capability_required(Capability.CALENDAR_MANAGE)
@require_POST
def year_set(request: HttpRequest) -> HttpResponse:
    form = YearForm(request.POST, auto_id=YEAR_FORM_IDS)
    if not form.is_valid():
        context = _context(request, year_form=form, errors=[_("Choose the year and the part.")])
        return render(request, "notices/calendar.html", context, status=400)
    raw_lock = request.POST.get("lock", "")
    try:
        calendar.calendar_year_set(
            by=request.user,
            year=form.cleaned_data["year"],
            part=form.cleaned_data["part"],
            source=form.cleaned_data["source"],
            lock=int(raw_lock) if raw_lock.isdigit() else None,
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        status = 409 if isinstance(exc, StaleEdit) else 400
        context = _context(request, year_form=form, errors=_messages(exc))
        return render(request, "notices/calendar.html", context, status=status)
    if form.cleaned_data["source"]:
        messages.success(request, _("The year is marked complete for this part."))
    else:
        messages.success(
            request, _("The confirmation is withdrawn: the year is unknown again for this part.")
        )
    return _back(form.cleaned_data["year"])
