"""The plan over READY applications: budgets binding or not, the annual cap, figure sources, exclusions."""

from __future__ import annotations

import pytest

from alarfund.applications.models import ApplicationStatus, FigureSource
from alarfund.plans.commitments import commitment_create
from alarfund.plans.services import plan_start

from .helpers import D, category, paid

pytestmark = pytest.mark.django_db


def test_non_binding_round_pays_the_formula(officer, make_plan_round, make_ready) -> None:
    round_ = make_plan_round()
    a = make_ready(round_, lines=["5.1", "5.2"], online_sales="1200000", loan_interest_paid="30000")
    b = make_ready(round_, lines=["10"], parcels=60000)
    commitment_create(
        by=officer, round=round_, article="12", label="大数据服务", provider="某数据公司", amount="120000"
    )
    version = plan_start(by=officer, round=round_)
    assert paid(version, a) == {"5.1": D("50000.00"), "5.2": D("9000.00")}
    assert paid(version, b) == {"10": D("30000.00")}
    assert version.total == D("89000.00")
    assert version.commitments_total == D("120000.00")
    assert category(version, "10") == {"entitled": "30000.00", "budget": "1600000.00", "paid": "30000.00"}
    assert version.sources == {str(a.pk): "final", str(b.pk): "final"}


def test_binding_category_budget_is_prorated_to_the_budget_exactly(
    officer, make_plan_round, make_ready
) -> None:
    round_ = make_plan_round(budget_10="50000")
    a = make_ready(round_, lines=["10"], parcels=60000)  # 30,000
    b = make_ready(round_, lines=["10"], parcels=100000)  # 50,000 (the cap is 80,000)
    version = plan_start(by=officer, round=round_)
    # 80,000 entitled > 50,000: each × 5/8.
    assert paid(version, a) == {"10": D("18750.00")}
    assert paid(version, b) == {"10": D("31250.00")}
    assert category(version, "10") == {
        "entitled": "80000.00",
        "budget": "50000.00",
        "paid": "50000.00",
        "factor": "0.625000",
    }


def test_annual_cap_with_commitments_scales_the_unbudgeted_lines(
    officer, make_plan_round, make_ready
) -> None:
    round_ = make_plan_round(budget_total="200000")
    a = make_ready(round_, lines=["5.1", "5.2"], online_sales="1200000", loan_interest_paid="30000")
    b = make_ready(round_, lines=["10"], parcels=60000)
    commitment_create(
        by=officer, round=round_, article="12", label="大数据服务", provider="某数据公司", amount="120000"
    )
    version = plan_start(by=officer, round=round_)
    # 80,000 left for awards; Art. 10 keeps 30,000; 5.1 + 5.2 (59,000) scaled to 50,000 (factor 50/59).
    assert paid(version, a) == {"5.1": D("42372.88"), "5.2": D("7627.12")}
    assert paid(version, b) == {"10": D("30000.00")}
    assert version.total + version.commitments_total == D("200000.00")


def test_applications_not_ready_are_left_out_and_named(officer, make_plan_round, make_ready) -> None:
    round_ = make_plan_round()
    ready = make_ready(round_, lines=["10"], parcels=60000)
    audited = make_ready(round_, lines=["10"], parcels=90000, status=ApplicationStatus.AUDITED)
    version = plan_start(by=officer, round=round_)
    assert [a["id"] for a in version.outputs["applicants"]] == [str(ready.pk)]
    assert version.excluded == [
        {"id": str(audited.pk), "name": audited.organisation.name, "status": "audited"}
    ]


def test_final_figures_win_and_fallback_is_recorded(officer, make_plan_round, make_ready) -> None:
    round_ = make_plan_round()
    declared_only = make_ready(round_, lines=["10"], parcels=60000, sources=(FigureSource.DECLARED,))
    both = make_ready(
        round_, lines=["10"], parcels=60000, sources=(FigureSource.DECLARED, FigureSource.AUDITED)
    )
    version = plan_start(by=officer, round=round_)
    assert version.sources == {str(declared_only.pk): "declared", str(both.pk): "audited"}
