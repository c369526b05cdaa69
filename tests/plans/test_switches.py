"""Each interpretation switch changes the plan as policy-rules §6 says (amounts computed by hand)."""

from __future__ import annotations

import pytest

from alarfund.plans.commitments import commitment_create
from alarfund.plans.models import PlanVersion
from alarfund.plans.services import plan_set_switches, plan_start

from .helpers import D, paid

pytestmark = pytest.mark.django_db


def _with(officer, version: PlanVersion, **switches: str) -> PlanVersion:
    return plan_set_switches(by=officer, version=version, interpretation=switches, lock=version.lock)


def test_i1_art5_threshold(officer, make_plan_round, make_ready) -> None:
    round_ = make_plan_round()
    a = make_ready(round_, lines=["5.1"], online_sales="1000000")
    version = plan_start(by=officer, round=round_)
    assert paid(version, a) == {}  # exactly 1,000,000 is not "more than"
    version = _with(officer, version, art5_threshold="inclusive")
    assert paid(version, a) == {"5.1": D("50000.00")}


def test_i2_art7_threshold(officer, make_plan_round, make_ready) -> None:
    round_ = make_plan_round()
    a = make_ready(round_, lines=["7"], promotion_fees="50000", local_product_seller=True)
    version = plan_start(by=officer, round=round_)
    assert paid(version, a) == {}
    version = _with(officer, version, art7_threshold="inclusive")
    assert paid(version, a) == {"7": D("7500.00")}  # 15% of 50,000


def test_i3_art19_scope(officer, make_plan_round, make_ready) -> None:
    round_ = make_plan_round()
    a = make_ready(
        round_,
        lines=["5.1", "5.2", "6"],
        online_sales="12000000",
        loan_interest_paid="10000",
        local_brand_seller=True,
    )
    version = plan_start(by=officer, round=round_)
    # article: 5.1 + 5.2 (53,000) against Art. 6 (100,000): Art. 6 only.
    assert paid(version, a) == {"5.1": D("0"), "5.2": D("0"), "6": D("100000.00")}
    version = _with(officer, version, art19_scope="item")
    # item: 5.1 (50,000) against 6 (100,000); 5.2 is always kept.
    assert paid(version, a) == {"5.1": D("0"), "5.2": D("3000.00"), "6": D("100000.00")}
    assert version.total == D("103000.00")


def test_i4_proration(officer, make_plan_round, make_ready) -> None:
    round_ = make_plan_round(budget_7="40000")
    a = make_ready(round_, lines=["7"], promotion_fees="400000", local_product_seller=True)  # 50,000 (cap)
    b = make_ready(round_, lines=["7"], promotion_fees="100000", local_product_seller=True)  # 15,000
    version = plan_start(by=officer, round=round_)
    # scale_awards: × 40/65; largest remainder gives the last fen to b.
    assert (paid(version, a)["7"], paid(version, b)["7"]) == (D("30769.23"), D("9230.77"))
    version = _with(officer, version, proration="scale_rate")
    # scale_rate: one rate r with min(r × 400,000, 50,000) + min(r × 100,000, 50,000) = 40,000 → r = 8%.
    assert (paid(version, a)["7"], paid(version, b)["7"]) == (D("32000.00"), D("8000.00"))


def test_i5_rounding_unit(officer, make_plan_round, make_ready) -> None:
    round_ = make_plan_round()
    a = make_ready(round_, lines=["5.1", "5.2"], online_sales="2000000", loan_interest_paid="30005")
    version = plan_start(by=officer, round=round_)
    assert paid(version, a)["5.2"] == D("9001.50")
    version = _with(officer, version, rounding_unit="1")
    assert paid(version, a)["5.2"] == D("9002.00")  # half-up to the yuan


def test_i6_sales_basis(officer, make_plan_round, make_ready) -> None:
    round_ = make_plan_round()
    a = make_ready(
        round_, lines=["5.1", "6"], online_sales="3000000", total_sales="12000000", local_brand_seller=True
    )
    version = plan_start(by=officer, round=round_)
    assert paid(version, a) == {"5.1": D("50000.00")}  # online 3,000,000: no Art. 6 tier
    version = _with(officer, version, sales_basis="total")
    assert paid(version, a) == {"5.1": D("0"), "6": D("100000.00")}  # total 12,000,000: tier 2 wins Art. 19


def test_i7_annual_cap(officer, make_plan_round, make_ready) -> None:
    round_ = make_plan_round(budget_total="200000")
    a = make_ready(round_, lines=["5.1", "5.2"], online_sales="1200000", loan_interest_paid="30000")
    b = make_ready(round_, lines=["10"], parcels=60000)
    commitment_create(
        by=officer, round=round_, article="12", label="大数据服务", provider="某数据公司", amount="120000"
    )
    version = plan_start(by=officer, round=round_)
    assert paid(version, b) == {"10": D("30000.00")}
    version = _with(officer, version, annual_cap="scale_all")
    # every line × 80,000 / 89,000; the one remaining fen goes to the largest remainder (5.2).
    assert paid(version, a) == {"5.1": D("44943.82"), "5.2": D("8089.89")}
    assert paid(version, b) == {"10": D("26966.29")}
    assert version.total == D("80000.00")
