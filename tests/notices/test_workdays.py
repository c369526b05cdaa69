"""The working-day calendar with the real 2025 and 2026 calendars: national holidays and swapped working
days (chinesecalendar), the Xinjiang regional days, precedence, and the missing-data error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from alarfund.notices import workdays
from alarfund.notices.workdays import Calendar, CalendarMissing, Entry

D = dt.date
#: 2025, as the autonomous region announced it (and the data migration seeds it).
XINJIANG_2025 = [
    *(Entry(D(2025, 3, d), "xinjiang", "holiday", "肉孜节") for d in (29, 30, 31)),
    *(Entry(D(2025, 6, d), "xinjiang", "holiday", "古尔邦节") for d in (6, 7, 8, 9, 10)),
]
CAL_2025 = Calendar.of(XINJIANG_2025, xinjiang_years=[2025])
CAL_2026 = Calendar.of([], xinjiang_years=[2026])  # 2026 Xinjiang days not entered in these tests


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 1, 26), True),  # Sunday, swapped working day before the Spring Festival
        (D(2025, 1, 28), False),  # Spring Festival
        (D(2025, 2, 8), True),  # Saturday, swapped working day
        (D(2025, 9, 28), True),  # Sunday, swapped working day before National Day
        (D(2025, 10, 1), False),
        (D(2025, 10, 8), False),  # National Day and Mid-Autumn: 1–8 October off
        (D(2025, 10, 9), True),
        (D(2025, 10, 11), True),  # Saturday, swapped working day
        (D(2025, 3, 31), False),  # Monday: 肉孜节 (Xinjiang only)
        (D(2025, 6, 6), False),  # Friday: 古尔邦节 (Xinjiang only)
        (D(2025, 6, 10), False),  # Tuesday: 古尔邦节
        (D(2025, 6, 11), True),
    ],
)
def test_2025_days(day: dt.date, working: bool) -> None:
    assert CAL_2025.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 2, 14), True),  # Saturday, swapped working day (Spring Festival)
        (D(2026, 2, 28), True),  # Saturday, swapped working day
        (D(2026, 9, 20), True),  # Sunday, swapped working day before National Day
        (D(2026, 10, 1), False),
        (D(2026, 10, 7), False),  # National Day week: 1–7 October off
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # Saturday, swapped working day
        (D(2026, 10, 11), False),
    ],
)
def test_2026_national_days_from_the_library(day: dt.date, working: bool) -> None:
    assert CAL_2026.is_working_day(day) is working


def test_notice_spanning_rozi_festival_2025() -> None:
    # Thu 27, Fri 28 March; 29–31 March off (Sat, Sun and Monday 肉孜节); Tue 1, Wed 2, Thu 3 April.
    assert CAL_2025.earliest_end(D(2025, 3, 27), 5) == D(2025, 4, 3)
    # Without the Xinjiang day, Monday 31 March would be counted and the notice one day too short.
    national_only = Calendar.of([], xinjiang_years=[2025])
    assert national_only.earliest_end(D(2025, 3, 27), 5) == D(2025, 4, 2)
    assert CAL_2025.working_days_between(D(2025, 3, 27), D(2025, 4, 3)) == 5


def test_notice_spanning_national_day_week_2025_with_swapped_days() -> None:
    # Thu 25, Fri 26, (Sat 27 off), Sun 28 swapped working day, Mon 29, Tue 30 September.
    assert CAL_2025.earliest_end(D(2025, 9, 25), 5) == D(2025, 9, 30)
    # Tue 30 Sep; 1–8 Oct off; Thu 9, Fri 10, Sat 11 (swapped working day), (Sun 12), Mon 13.
    assert CAL_2025.earliest_end(D(2025, 9, 30), 5) == D(2025, 10, 13)


def test_notice_spanning_national_day_week_2026() -> None:
    # Wed 30 Sep; 1–7 Oct off; Thu 8, Fri 9, Sat 10 (swapped working day), (Sun 11), Mon 12.
    assert CAL_2026.earliest_end(D(2026, 9, 30), 5) == D(2026, 10, 12)
    # Starting on a day off: the count starts on the next working day.
    assert CAL_2026.first_working_day(D(2026, 10, 3)) == D(2026, 10, 8)
    assert CAL_2026.earliest_end(D(2026, 10, 3), 5) == D(2026, 10, 13)  # Thu 8, Fri 9, Sat 10, Mon 12, Tue 13


def test_add_working_days_and_between() -> None:
    assert CAL_2025.add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert CAL_2025.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert CAL_2025.working_days_between(D(2025, 10, 1), D(2025, 10, 12)) == 3
    assert CAL_2025.working_days_between(D(2025, 10, 12), D(2025, 10, 1)) == 0


def test_a_year_outside_the_library_is_an_error_naming_it() -> None:
    with pytest.raises(CalendarMissing) as missing:
        CAL_2025.earliest_end(D(2026, 12, 28), 5)  # 2026 is in the library, but Xinjiang 2026 not confirmed
    assert missing.value.year == 2026 and missing.value.xinjiang and not missing.value.national
    with pytest.raises(CalendarMissing) as missing:
        CAL_2026.earliest_end(D(2026, 12, 28), 5)  # runs into 2027: no library data, nothing entered
    error = missing.value
    assert error.year == 2027 and error.national and error.xinjiang
    assert "2027" in error.zh and "国务院办公厅" in error.zh and "肉孜节" in error.zh
    assert "2027" in error.en and "administrator" in error.en
    with translation.override("en"):
        assert str(error) == error.en
    with translation.override("zh-hans"):
        assert str(error) == error.zh


def test_a_year_entered_by_the_administrator_counts_weekdays_and_its_days() -> None:
    entries = [
        Entry(D(2027, 1, 1), "national", "holiday", "元旦"),
        Entry(D(2027, 1, 2), "national", "workday", "调休上班"),
    ]
    calendar = Calendar.of(entries, national_years=[2027], xinjiang_years=[2026, 2027])
    assert not calendar.is_working_day(D(2027, 1, 1))  # Friday, holiday entered
    assert calendar.is_working_day(D(2027, 1, 2))  # Saturday, swapped working day entered
    assert not calendar.is_working_day(D(2027, 1, 3))  # Sunday
    assert calendar.earliest_end(D(2026, 12, 30), 5) == D(2027, 1, 5)  # Wed, Thu, Sat 2, Mon 4, Tue 5
    assert calendar.verdict(D(2027, 1, 4)).source == "weekday"


def test_precedence_local_over_regional_over_library() -> None:
    entries = [
        Entry(D(2025, 10, 8), "national", "workday", "（假设）"),
        Entry(D(2025, 10, 9), "xinjiang", "holiday", "（假设）"),
        Entry(D(2025, 10, 9), "local", "workday", "（假设）师市例外"),
    ]
    calendar = Calendar.of(entries, xinjiang_years=[2025])
    assert calendar.verdict(D(2025, 10, 8)) == workdays.Verdict(D(2025, 10, 8), True, "national", "（假设）")
    assert calendar.verdict(D(2025, 10, 9)).source == "local" and calendar.is_working_day(D(2025, 10, 9))
    assert calendar.verdict(D(2025, 10, 7)).source == "library"


@pytest.mark.django_db
def test_the_seeded_xinjiang_2025_days_are_in_the_database_calendar() -> None:
    assert not workdays.is_working_day(D(2025, 3, 31))
    assert not workdays.is_working_day(D(2025, 6, 9))
    assert workdays.earliest_end(D(2025, 3, 27), 5) == D(2025, 4, 3)
    assert workdays.add_working_days(D(2025, 3, 28), 1) == D(2025, 4, 1)
    assert workdays.working_days_between(D(2025, 3, 24), D(2025, 4, 4)) == 8  # 5 + 3; 4 April: 清明节
    with pytest.raises(CalendarMissing):
        workdays.is_working_day(D(2027, 3, 1))
