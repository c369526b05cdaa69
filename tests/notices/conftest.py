"""Fixtures of the notice tests: a round with READY applications and a frozen plan version; the
current year made known to the calendar (its Xinjiang days confirmed) so pages work on any date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from alarfund.notices import workdays
from alarfund.notices.models import CalendarYear
from alarfund.plans.services import plan_freeze, plan_start
from tests.plans.conftest import approver, make_plan_round, make_ready, officer  # noqa: F401

pytestmark = pytest.mark.django_db


def confirm_year(year: int) -> None:
    """Test-only: the year's Xinjiang days (and national calendar where not built in) confirmed."""
    row, _created = CalendarYear.objects.get_or_create(year=year)
    row.xinjiang_source = row.xinjiang_source or "测试：已确认"
    if not workdays.library_covers(year):
        row.national_source = row.national_source or "测试：已确认"
    row.save()


@pytest.fixture
def known_today(db: Any) -> dt.date:
    today = timezone.localdate()
    confirm_year(today.year)
    confirm_year(today.year + 1)
    return today


@pytest.fixture
def frozen(officer, make_plan_round, make_ready, make_org) -> Any:  # noqa: F811
    """A frozen version of three rewarded applicants in two jurisdictions (one hostile name)."""
    round_ = make_plan_round()
    make_ready(round_, lines=["10"], parcels=60000, org=make_org(jurisdiction="regiment_12"))
    make_ready(
        round_,
        lines=["5.1", "5.2"],
        online_sales="1200000",
        loan_interest_paid="30000",
        org=make_org(name='=HYPERLINK("x")公司', jurisdiction="alar_city"),
    )
    make_ready(round_, lines=["10"], parcels=100000, org=make_org(jurisdiction="regiment_12"))
    version = plan_start(by=officer, round=round_)
    return plan_freeze(by=officer, version=version, lock=version.lock)
