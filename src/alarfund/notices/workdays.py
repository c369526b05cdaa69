"""Working days in Alar (Art. 17(三): the notice lasts at least 5 working days).

Which days are working days, by precedence:

1. the administrator's table (``CalendarDay``): local exceptions over Xinjiang regional days over
   national days entered by hand;
2. the ``chinesecalendar`` library (national holidays and swapped working days, years it covers);
3. Monday to Friday, only in a year whose national calendar the administrator marked complete.

A year is known only if its national calendar is (library, or the administrator's confirmation) AND
its Xinjiang regional days are confirmed (肉孜节, 古尔邦节: the library has none of them). Asking about
a day of an unknown year raises :class:`CalendarMissing`, which says which year to enter and where;
the platform never falls back to counting weekdays (docs/adr/0012-working-day-calendar.md).

:class:`Calendar` is pure (no database); :func:`current` loads the administrator's table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import chinese_calendar
from django.utils.translation import get_language

#: Local exceptions win over regional days, regional days over national days entered by hand.
REGION_PRECEDENCE = ("local", "xinjiang", "national")
#: No notice period spans more than this many calendar days (a guard against an all-holiday table).
MAX_SPAN_DAYS = 400


class CalendarMissing(Exception):
    """A day of a year whose calendar is not (completely) entered: the administrator must enter it."""

    def __init__(self, year: int, *, national: bool, xinjiang: bool) -> None:
        self.year = year
        self.national = national
        self.xinjiang = xinjiang
        parts_zh, parts_en = [], []
        if national:
            parts_zh.append(f"国务院办公厅公布的 {year} 年全国节假日放假和调休上班日期")
            parts_en.append(
                f"the national holidays and swapped working days of {year} (State Council General Office notice)"
            )
        if xinjiang:
            parts_zh.append(
                f"自治区人民政府办公厅公布的 {year} 年肉孜节、古尔邦节等少数民族习惯节日放假和调休日期"
                "（如无，也须确认）"
            )
            parts_en.append(
                f"the Xinjiang regional days off of {year} (Eid al-Fitr and Eid al-Adha; autonomous region notice), "
                "or a confirmation that there are none"
            )
        self.zh = (
            f"{year} 年的工作日历尚未录入完整，无法计算工作日：缺少{'；'.join(parts_zh)}。"
            f"请系统管理员在“工作日历”页面录入 {year} 年的上述日期并确认该年完整后再试。"
        )
        self.en = (
            f"The working-day calendar of {year} is not complete, so working days cannot be counted: "
            f"missing {'; and '.join(parts_en)}. The administrator must enter them on the "
            f"'Working-day calendar' page and mark {year} complete, then try again."
        )
        super().__init__(self.en)

    def __str__(self) -> str:
        return self.zh if (get_language() or "zh-hans").startswith("zh") else self.en


def library_is_workday(day: dt.date) -> bool | None:
    """The library's answer, or None for a year it has no data for."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def library_covers(year: int) -> bool:
    return library_is_workday(dt.date(year, 1, 1)) is not None


def library_name(day: dt.date) -> str:
    try:
        _on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return ""
    return str(name or "")


@dataclass(frozen=True)
class Entry:
    date: dt.date
    region: str
    kind: str  # "holiday" | "workday"
    name: str = ""


@dataclass(frozen=True)
class Verdict:
    """One day's answer and where it comes from (the admin page and the docs show it)."""

    date: dt.date
    working: bool
    source: str  # "local" | "xinjiang" | "national" (table), "library", "weekday"
    name: str = ""


@dataclass
class Calendar:
    """The administrator's entries and confirmations; the library fills in the rest."""

    entries: Mapping[dt.date, list[Entry]] = field(default_factory=dict)
    national_years: frozenset[int] = frozenset()
    xinjiang_years: frozenset[int] = frozenset()

    @classmethod
    def of(
        cls,
        entries: Iterable[Entry],
        *,
        national_years: Iterable[int] = (),
        xinjiang_years: Iterable[int] = (),
    ) -> Calendar:
        by_day: dict[dt.date, list[Entry]] = {}
        for entry in entries:
            by_day.setdefault(entry.date, []).append(entry)
        return cls(by_day, frozenset(national_years), frozenset(xinjiang_years))

    # -- what is known ----------------------------------------------------------------------------

    def national_known(self, year: int) -> bool:
        return library_covers(year) or year in self.national_years

    def xinjiang_known(self, year: int) -> bool:
        return year in self.xinjiang_years

    def require_year(self, year: int) -> None:
        national, xinjiang = self.national_known(year), self.xinjiang_known(year)
        if not (national and xinjiang):
            raise CalendarMissing(year, national=not national, xinjiang=not xinjiang)

    # -- one day ----------------------------------------------------------------------------------

    def verdict(self, day: dt.date) -> Verdict:
        self.require_year(day.year)
        entries = {e.region: e for e in self.entries.get(day, [])}
        for region in REGION_PRECEDENCE:
            if region in entries:
                entry = entries[region]
                return Verdict(day, entry.kind == "workday", region, entry.name)
        answer = library_is_workday(day)
        if answer is not None:
            return Verdict(day, answer, "library", library_name(day))
        return Verdict(day, day.weekday() < 5, "weekday")

    def is_working_day(self, day: dt.date) -> bool:
        return self.verdict(day).working

    # -- periods ----------------------------------------------------------------------------------

    def first_working_day(self, day: dt.date) -> dt.date:
        """``day`` if it is a working day, else the next working day."""
        for offset in range(MAX_SPAN_DAYS):
            candidate = day + dt.timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {MAX_SPAN_DAYS} days of {day}")

    def earliest_end(self, starts_on: dt.date, n: int) -> dt.date:
        """The n-th working day counted from ``starts_on`` (itself included if it is a working day)."""
        if n < 1:
            raise ValueError("a notice lasts at least one working day")
        counted = 0
        for offset in range(MAX_SPAN_DAYS):
            day = starts_on + dt.timedelta(days=offset)
            if self.is_working_day(day):
                counted += 1
                if counted == n:
                    return day
        raise ValueError(f"fewer than {n} working days within {MAX_SPAN_DAYS} days of {starts_on}")

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The working day ``n`` working days after ``start`` (``start`` itself not counted)."""
        return self.earliest_end(start + dt.timedelta(days=1), n)

    def working_days_between(self, first: dt.date, last: dt.date) -> int:
        """How many working days from ``first`` to ``last``, both included (0 if ``last`` < ``first``)."""
        count, day = 0, first
        while day <= last:
            count += self.is_working_day(day)
            day += dt.timedelta(days=1)
        return count

    def days(self, first: dt.date, last: dt.date) -> list[Verdict]:
        out, day = [], first
        while day <= last:
            out.append(self.verdict(day))
            day += dt.timedelta(days=1)
        return out


def current() -> Calendar:
    """The calendar as the administrator entered it (database) over the library."""
    from .models import CalendarDay, CalendarYear

    entries = [
        Entry(date=d.date, region=d.region, kind=d.kind, name=d.name) for d in CalendarDay.objects.all()
    ]
    years = list(CalendarYear.objects.all())
    return Calendar.of(
        entries,
        national_years=[y.year for y in years if y.national_confirmed],
        xinjiang_years=[y.year for y in years if y.xinjiang_confirmed],
    )


# -- the module-level shortcuts over the current calendar -------------------------------------------


def is_working_day(day: dt.date) -> bool:
    return current().is_working_day(day)


def earliest_end(starts_on: dt.date, n: int) -> dt.date:
    return current().earliest_end(starts_on, n)


def add_working_days(start: dt.date, n: int) -> dt.date:
    return current().add_working_days(start, n)


def working_days_between(first: dt.date, last: dt.date) -> int:
    return current().working_days_between(first, last)
