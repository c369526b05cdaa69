"""Conformance: Art. 19 (I3), category budgets and proration (I4, I5), the annual cap (I7).

Expected values are worked out by hand from policy-rules.md §4–§6 (largest-remainder rounding: scale,
round down to the unit, hand out the missing units to the largest remainders, ties to the smaller id
in string order, then line order 5.1, 5.2, 6, 7, 8, 9, 10).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

try:
    from . import conformance_helpers as h
except ImportError:  # tests/policy is not a package: the helper sits next to this file
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import conformance_helpers as h


def plan_of(applicants: list[dict[str, Any]], switches: dict[str, Any] | None = None, **top: Any) -> dict:
    return h.compute(h.round_doc(applicants, switches=switches, **top))


def paid_by_id(plan: dict[str, Any], article: str) -> dict[str, str]:
    """{applicant id: paid} for one article (applicants with that line only)."""
    result = {}
    for entry in plan["applicants"]:
        for ln in entry["lines"]:
            if ln["article"] == article:
                result[entry["id"]] = ln["paid"]
    return result


def assert_totals_consistent(plan: dict[str, Any]) -> None:
    cents = 0
    for entry in plan["applicants"]:
        own = sum(int(ln["paid"].replace(".", "")) for ln in entry["lines"])
        assert int(entry["total"].replace(".", "")) == own
        cents += own
    assert int(plan["total"].replace(".", "")) == cents


# --- Art. 19 (I3): Art. 5 and Art. 6 are not both paid ------------------------------------------------


def brand(online: str, interest: str = "0", **more: Any) -> dict[str, Any]:
    return h.applicant(
        "A001", online_sales=online, loan_interest_paid=interest, local_brand_seller=True, **more
    )


#: (switches, applicant fields, {article: (entitled, paid, excluded)}, total)
ART19_CASES = [
    (  # exact tie 5.1 (50,000) = 6 (50,000): Art. 6 is paid
        {"art19_scope": "article"},
        brand("6000000"),
        {"5.1": ("50000.00", "0.00", True), "6": ("50000.00", "50000.00", False)},
        "50000.00",
    ),
    (  # default scope is `article`
        {},
        brand("6000000"),
        {"5.1": ("50000.00", "0.00", True), "6": ("50000.00", "50000.00", False)},
        "50000.00",
    ),
    (
        {"art19_scope": "item"},
        brand("6000000"),
        {"5.1": ("50000.00", "0.00", True), "6": ("50000.00", "50000.00", False)},
        "50000.00",
    ),
    (  # 5.1 + 5.2 = 50,030 > 50,000: Art. 5 wins under `article`
        {"art19_scope": "article"},
        brand("6000000", "100"),
        {
            "5.1": ("50000.00", "50000.00", False),
            "5.2": ("30.00", "30.00", False),
            "6": ("50000.00", "0.00", True),
        },
        "50030.00",
    ),
    (  # one fen above the tie
        {"art19_scope": "article"},
        brand("6000000", "0.02"),
        {
            "5.1": ("50000.00", "50000.00", False),
            "5.2": ("0.01", "0.01", False),
            "6": ("50000.00", "0.00", True),
        },
        "50000.01",
    ),
    (  # `item`: 5.1 vs 6 is a tie -> 6; 5.2 always kept
        {"art19_scope": "item"},
        brand("6000000", "100"),
        {
            "5.1": ("50000.00", "0.00", True),
            "5.2": ("30.00", "30.00", False),
            "6": ("50000.00", "50000.00", False),
        },
        "50030.00",
    ),
    (  # 5.1 + 5.2 = 70,000 < 100,000
        {"art19_scope": "article"},
        brand("12000000", "100000"),
        {
            "5.1": ("50000.00", "0.00", True),
            "5.2": ("20000.00", "0.00", True),
            "6": ("100000.00", "100000.00", False),
        },
        "100000.00",
    ),
    (
        {"art19_scope": "item"},
        brand("12000000", "100000"),
        {
            "5.1": ("50000.00", "0.00", True),
            "5.2": ("20000.00", "20000.00", False),
            "6": ("100000.00", "100000.00", False),
        },
        "120000.00",
    ),
    (
        {"art19_scope": "item"},
        brand("25000000", "10000"),
        {
            "5.1": ("50000.00", "0.00", True),
            "5.2": ("3000.00", "3000.00", False),
            "6": ("150000.00", "150000.00", False),
        },
        "153000.00",
    ),
    (  # I6 total: online 1.5M (Art. 5) and total 20M (Art. 6 top tier)
        {"art19_scope": "article", "sales_basis": "total"},
        brand("1500000", "66666.67", total_sales="20000000"),
        {
            "5.1": ("50000.00", "0.00", True),
            "5.2": ("20000.00", "0.00", True),
            "6": ("150000.00", "150000.00", False),
        },
        "150000.00",
    ),
    (  # I6 total, tier 1 (50,000) vs 5.1 + 5.2 (50,000 + 9,000)
        {"sales_basis": "total"},
        brand("1500000", "30000", total_sales="7000000"),
        {
            "5.1": ("50000.00", "50000.00", False),
            "5.2": ("9000.00", "9000.00", False),
            "6": ("50000.00", "0.00", True),
        },
        "59000.00",
    ),
    (  # no Art. 6 entitlement: nothing excluded
        {},
        h.applicant("A001", online_sales="6000000", loan_interest_paid="100"),
        {"5.1": ("50000.00", "50000.00", False), "5.2": ("30.00", "30.00", False)},
        "50030.00",
    ),
    (  # no Art. 5 entitlement (online 1M, exclusive), Art. 6 under I6 total
        {"sales_basis": "total"},
        brand("1000000", "30000", total_sales="5000000"),
        {"6": ("50000.00", "50000.00", False)},
        "50000.00",
    ),
    (  # rounding to the yuan happens before the comparison: 0.495 -> 0, so a tie -> Art. 6
        {"rounding_unit": "1"},
        brand("6000000", "1.65"),
        {"5.1": ("50000.00", "0.00", True), "6": ("50000.00", "50000.00", False)},
        "50000.00",
    ),
    (
        {"rounding_unit": "0.01"},
        brand("6000000", "1.65"),
        {
            "5.1": ("50000.00", "50000.00", False),
            "5.2": ("0.50", "0.50", False),
            "6": ("50000.00", "0.00", True),
        },
        "50000.50",
    ),
    (
        {"rounding_unit": "1"},
        brand("6000000", "1.70"),
        {
            "5.1": ("50000.00", "50000.00", False),
            "5.2": ("1.00", "1.00", False),
            "6": ("50000.00", "0.00", True),
        },
        "50001.00",
    ),
]


@pytest.mark.parametrize(("switches", "who", "expected", "total"), ART19_CASES)
def test_art19(switches: dict[str, str], who: dict[str, Any], expected: dict[str, tuple], total: str) -> None:
    plan = plan_of([who], switches)
    got = {a: (ln["entitled"], ln["paid"], ln["excluded"]) for a, ln in h.lines_by_article(plan).items()}
    assert got == expected
    assert h.one(plan)["total"] == total
    assert plan["total"] == total
    # categories: only non-excluded entitlements
    assert set(plan["categories"]) == {a for a, (_, _, excluded) in expected.items() if not excluded}
    for article, (entitled, paid, excluded) in expected.items():
        if not excluded:
            assert plan["categories"][article] == {"entitled": entitled, "paid": paid}


def test_art19_categories_sum_only_non_excluded_lines() -> None:
    applicants = [
        brand("6000000"),  # tie: 5.1 excluded, 6 paid
        h.applicant("B", online_sales="2000000"),  # 5.1 only
        h.applicant("C", online_sales="12000000", loan_interest_paid="10", local_brand_seller=True),
    ]
    plan = plan_of(applicants)
    assert plan["categories"] == {
        "5.1": {"entitled": "50000.00", "paid": "50000.00"},
        "6": {"entitled": "150000.00", "paid": "150000.00"},
    }
    assert h.line(plan, "5.2", "C") == {
        **h.line(plan, "5.2", "C"),
        "entitled": "3.00",
        "paid": "0.00",
        "excluded": True,
    }
    assert plan["total"] == "200000.00"


# --- Category budgets (Art. 7, 8, 10), I4 scale_awards ------------------------------------------------


def express(applicant_id: str, parcels: int = 160000, **more: Any) -> dict[str, Any]:
    return h.applicant(applicant_id, parcels=parcels, **more)


def test_worked_example_21_express_applicants() -> None:
    ids = [f"A{n:02d}" for n in range(1, 22)]
    plan = plan_of([express(i) for i in reversed(ids)])
    got = paid_by_id(plan, "10")
    assert got == {i: ("76190.48" if n < 13 else "76190.47") for n, i in enumerate(ids)}
    for entry in plan["applicants"]:
        (ln,) = entry["lines"]
        assert ln["entitled"] == "80000.00"
        assert ln["excluded"] is False
    assert plan["categories"] == {
        "10": {"entitled": "1680000.00", "budget": "1600000.00", "paid": "1600000.00", "factor": "0.952381"}
    }
    assert plan["total"] == "1600000.00"
    assert [a["id"] for a in plan["applicants"]] == list(reversed(ids))
    assert_totals_consistent(plan)


def test_worked_example_same_amounts_whatever_the_input_order() -> None:
    ids = [f"A{n:02d}" for n in range(1, 22)]
    shuffled = ids[10:] + ids[:10][::-1]
    plan = plan_of([express(i) for i in shuffled])
    assert paid_by_id(plan, "10") == {i: ("76190.48" if n < 13 else "76190.47") for n, i in enumerate(ids)}


def test_ties_go_to_the_smaller_id_in_string_order() -> None:
    # three lines of 80,000 against 100,000.01: each 33,333.3366…, 2 fen left -> "A10" < "A2" < "A9"
    plan = plan_of([express("A9"), express("A10"), express("A2")], budgets={"10": "100000.01"})
    assert paid_by_id(plan, "10") == {"A9": "33333.33", "A10": "33333.34", "A2": "33333.34"}
    assert plan["categories"]["10"]["paid"] == "100000.01"
    assert plan["categories"]["10"]["budget"] == "100000.01"


def test_ties_one_unit_left_goes_to_A10_not_A9() -> None:
    plan = plan_of([express("A9"), express("A10"), express("A2")], budgets={"10": "100000"})
    assert paid_by_id(plan, "10") == {"A9": "33333.33", "A10": "33333.34", "A2": "33333.33"}


def test_ties_with_rounding_unit_yuan() -> None:
    plan = plan_of(
        [express("A9"), express("A10"), express("A2")], {"rounding_unit": "1"}, budgets={"10": "100000"}
    )
    assert paid_by_id(plan, "10") == {"A9": "33333.00", "A10": "33334.00", "A2": "33333.00"}
    assert plan["categories"]["10"]["paid"] == "100000.00"


def test_largest_remainder_beats_the_smaller_id() -> None:
    # 80,000 and 50,000 against 100,000: 61,538.4615… and 38,461.5384…; the fen goes to B (0.85 > 0.15)
    plan = plan_of([express("A"), express("B", 100000)], budgets={"10": "100000"})
    assert paid_by_id(plan, "10") == {"A": "61538.46", "B": "38461.54"}


def test_art7_budget_scale_awards() -> None:
    applicants = [
        h.applicant("A", local_product_seller=True, promotion_fees="1000000"),  # 50,000 (capped)
        h.applicant("B", local_product_seller=True, promotion_fees="100000"),  # 15,000
        h.applicant("C", local_product_seller=True, promotion_fees="60000"),  # 9,000
    ]
    plan = plan_of(applicants, budgets={"7": "70000"})
    # × 70,000 / 74,000: 47,297.297…, 14,189.189…, 8,513.513… -> 2 fen to B then A
    assert paid_by_id(plan, "7") == {"A": "47297.30", "B": "14189.19", "C": "8513.51"}
    assert plan["categories"]["7"] == {
        "entitled": "74000.00",
        "budget": "70000.00",
        "paid": "70000.00",
        "factor": "0.945946",
    }
    for entry in plan["applicants"]:
        assert entry["lines"][0]["entitled"] in {"50000.00", "15000.00", "9000.00"}


def test_art7_budget_scale_rate_with_a_line_that_stays_capped() -> None:
    applicants = [
        h.applicant("A", local_product_seller=True, promotion_fees="1000000"),
        h.applicant("B", local_product_seller=True, promotion_fees="100000"),
        h.applicant("C", local_product_seller=True, promotion_fees="60000"),
    ]
    plan = plan_of(applicants, {"proration": "scale_rate"}, budgets={"7": "70000"})
    # r with min(r × 1,000,000, 50,000) + r × 160,000 = 70,000: r = 12.5 %, A stays capped (125,000)
    assert paid_by_id(plan, "7") == {"A": "50000.00", "B": "12500.00", "C": "7500.00"}
    assert plan["categories"]["7"] == {
        "entitled": "74000.00",
        "budget": "70000.00",
        "paid": "70000.00",
        "factor": "0.945946",
    }


def test_art7_budget_scale_rate_with_remainders() -> None:
    applicants = [
        h.applicant("A", local_product_seller=True, promotion_fees="1000000"),
        h.applicant("B", local_product_seller=True, promotion_fees="100000"),
        h.applicant("C", local_product_seller=True, promotion_fees="60001"),  # 9,000.15
    ]
    plan = plan_of(applicants, {"proration": "scale_rate"}, budgets={"7": "70000"})
    # r = 20,000 / 160,001: B 12,499.9218…, C 7,500.0781… -> floors sum to 69,999.99, the fen goes to C
    assert paid_by_id(plan, "7") == {"A": "50000.00", "B": "12499.92", "C": "7500.08"}
    assert plan["categories"]["7"]["entitled"] == "74000.15"
    assert plan["categories"]["7"]["paid"] == "70000.00"
    assert plan["categories"]["7"]["factor"] == "0.945944"


def test_art10_budget_scale_rate_vs_scale_awards() -> None:
    applicants = [express("A", 200000), express("B", 60000), express("C", 50000)]  # 80k (capped), 30k, 25k
    rate = plan_of(applicants, {"proration": "scale_rate"}, budgets={"10": "125000"})
    # 80,000 + r × 110,000 = 125,000 -> r = 0.40909…/parcel; A: 81,818 > 80,000 stays capped
    assert paid_by_id(rate, "10") == {"A": "80000.00", "B": "24545.45", "C": "20454.55"}
    awards = plan_of(applicants, {"proration": "scale_awards"}, budgets={"10": "125000"})
    # × 125 / 135: 74,074.07…, 27,777.77…, 23,148.148… -> 2 fen to C then B
    assert paid_by_id(awards, "10") == {"A": "74074.07", "B": "27777.78", "C": "23148.15"}
    for plan in (rate, awards):
        assert plan["categories"]["10"] == {
            "entitled": "135000.00",
            "budget": "125000.00",
            "paid": "125000.00",
            "factor": "0.925926",
        }


@pytest.mark.parametrize(
    ("budget", "expected"),
    [
        # r = 0.2: A exactly at its cap (60,000), B 20,000, C 10,000
        ("90000", {"A": "60000.00", "B": "20000.00", "C": "10000.00"}),
        # r = 80,000 / 450,000: nobody capped; 53,333.33…, 17,777.77…, 8,888.88… -> 2 fen to C then B
        ("80000", {"A": "53333.33", "B": "17777.78", "C": "8888.89"}),
    ],
)
def test_art8_budget_scale_rate(budget: str, expected: dict[str, str]) -> None:
    applicants = [
        h.applicant(i, online_sales="5000000", inland_warehouse_rent=rent)
        for i, rent in (("A", "300000"), ("B", "100000"), ("C", "50000"))
    ]
    plan = plan_of(applicants, {"proration": "scale_rate"}, budgets={"8": budget})
    assert paid_by_id(plan, "8") == expected
    assert plan["categories"]["8"]["entitled"] == "105000.00"
    assert plan["categories"]["8"]["paid"] == f"{budget}.00"
    assert plan["categories"]["8"]["budget"] == f"{budget}.00"
    assert "factor" in plan["categories"]["8"]


def test_art8_default_budget_600000() -> None:
    applicants = [
        h.applicant(f"W{n:02d}", online_sales="5000000", inland_warehouse_rent="200000") for n in range(11)
    ]
    plan = plan_of(applicants)
    # 11 × 60,000 = 660,000 > 600,000: 54,545.4545… each, 5 fen to W00..W04
    assert paid_by_id(plan, "8") == {f"W{n:02d}": ("54545.46" if n < 5 else "54545.45") for n in range(11)}
    assert plan["categories"]["8"] == {
        "entitled": "660000.00",
        "budget": "600000.00",
        "paid": "600000.00",
        "factor": "0.909091",
    }


def test_art7_default_budget_1000000() -> None:
    applicants = [
        h.applicant(f"P{n:02d}", local_product_seller=True, promotion_fees="400000") for n in range(21)
    ]
    plan = plan_of(applicants)
    # 21 × 50,000 = 1,050,000 > 1,000,000: 47,619.047… each -> floors 999,999.84, 16 fen to P00..P15
    assert paid_by_id(plan, "7") == {f"P{n:02d}": ("47619.05" if n < 16 else "47619.04") for n in range(21)}
    assert plan["categories"]["7"] == {
        "entitled": "1050000.00",
        "budget": "1000000.00",
        "paid": "1000000.00",
        "factor": "0.952381",
    }


def test_budget_exactly_met_is_not_reduced() -> None:
    plan = plan_of([express("A"), express("B")], budgets={"10": "160000"})
    assert paid_by_id(plan, "10") == {"A": "80000.00", "B": "80000.00"}
    assert plan["categories"]["10"] == {"entitled": "160000.00", "budget": "160000.00", "paid": "160000.00"}


def test_budget_one_fen_short_never_pays_above_the_entitlement() -> None:
    plan = plan_of([express("B"), express("A")], budgets={"10": "159999.99"})
    # 79,999.995 each -> 79,999.99 + 79,999.99, the missing fen to A (smaller id); never above 80,000
    assert paid_by_id(plan, "10") == {"A": "80000.00", "B": "79999.99"}
    assert plan["categories"]["10"]["paid"] == "159999.99"
    assert "factor" in plan["categories"]["10"]


def test_zero_budget_pays_nothing() -> None:
    plan = plan_of([h.applicant("A", local_product_seller=True, promotion_fees="100000")], budgets={"7": "0"})
    assert h.line(plan, "7", "A") == {
        **h.line(plan, "7", "A"),
        "entitled": "15000.00",
        "paid": "0.00",
        "excluded": False,
    }
    assert plan["categories"]["7"] == {
        "entitled": "15000.00",
        "budget": "0.00",
        "paid": "0.00",
        "factor": "0.000000",
    }


def test_default_budgets_shown_even_when_not_binding() -> None:
    applicants = [
        h.applicant(
            "A",
            online_sales="6000000",
            local_product_seller=True,
            promotion_fees="100000",
            inland_warehouse_rent="100000",
            parcels=100000,
        )
    ]
    cats = plan_of(applicants)["categories"]
    assert cats["7"] == {"entitled": "15000.00", "budget": "1000000.00", "paid": "15000.00"}
    assert cats["8"] == {"entitled": "30000.00", "budget": "600000.00", "paid": "30000.00"}
    assert cats["10"] == {"entitled": "50000.00", "budget": "1600000.00", "paid": "50000.00"}
    assert cats["5.1"] == {"entitled": "50000.00", "paid": "50000.00"}


def test_budgets_are_per_category() -> None:
    # Art. 10 over its (custom) budget does not touch Art. 7.
    applicants = [
        h.applicant("A", parcels=160000, local_product_seller=True, promotion_fees="100000"),
        h.applicant("B", parcels=160000),
    ]
    plan = plan_of(applicants, budgets={"10": "100000", "7": "1000000"})
    assert h.paid(plan, "A") == {"7": "15000.00", "10": "50000.00"}
    assert h.paid(plan, "B") == {"10": "50000.00"}
    assert "factor" not in plan["categories"]["7"]
    assert plan["categories"]["10"]["factor"] == "0.625000"


# --- The annual cap (Art. 3, I7) -----------------------------------------------------------------------


def cap_round() -> list[dict[str, Any]]:
    return [
        h.applicant("A", online_sales="2000000"),  # 5.1: 50,000
        h.applicant("B", parcels=160000),  # 10: 80,000
        h.applicant("C", demonstrations=[{"level": "national"}]),  # 9: 60,000
    ]


def test_annual_cap_scale_unbudgeted() -> None:
    plan = plan_of(cap_round(), budgets={"total": "100000"})
    # 10 keeps 80,000; 5.1 and 9 share 20,000: 9,090.909… and 10,909.0909… -> the fen to A
    assert h.paid(plan, "A") == {"5.1": "9090.91"}
    assert h.paid(plan, "B") == {"10": "80000.00"}
    assert h.paid(plan, "C") == {"9": "10909.09"}
    assert plan["total"] == "100000.00"
    assert plan["categories"] == {
        "5.1": {"entitled": "50000.00", "paid": "9090.91", "factor": "0.181818"},
        "9": {"entitled": "60000.00", "paid": "10909.09", "factor": "0.181818"},
        "10": {"entitled": "80000.00", "budget": "1600000.00", "paid": "80000.00"},
    }
    assert h.line(plan, "5.1", "A")["entitled"] == "50000.00"
    assert_totals_consistent(plan)


def test_annual_cap_is_the_default_switch() -> None:
    default = plan_of(cap_round(), budgets={"total": "100000"})
    explicit = plan_of(cap_round(), {"annual_cap": "scale_unbudgeted"}, budgets={"total": "100000"})
    assert default == explicit
    assert default["interpretation"]["annual_cap"] == "scale_unbudgeted"


def test_annual_cap_scale_all() -> None:
    plan = plan_of(cap_round(), {"annual_cap": "scale_all"}, budgets={"total": "100000"})
    # × 100,000 / 190,000: 26,315.789…, 42,105.263…, 31,578.947… -> 2 fen to A then C
    assert h.paid(plan, "A") == {"5.1": "26315.79"}
    assert h.paid(plan, "B") == {"10": "42105.26"}
    assert h.paid(plan, "C") == {"9": "31578.95"}
    assert plan["total"] == "100000.00"
    assert plan["categories"] == {
        "5.1": {"entitled": "50000.00", "paid": "26315.79", "factor": "0.526316"},
        "9": {"entitled": "60000.00", "paid": "31578.95", "factor": "0.526316"},
        "10": {"entitled": "80000.00", "budget": "1600000.00", "paid": "42105.26", "factor": "0.526316"},
    }


@pytest.mark.parametrize("article", ["11", "12", "13", "22"])
def test_annual_cap_with_commitments(article: str) -> None:
    amount = "120000"
    plan = plan_of(
        cap_round(),
        budgets={"total": "220000"},
        commitments=[{"article": article, "label": "x", "amount": amount}],
    )
    # 220,000 − 120,000 = 100,000 left for enterprises: the same as test_annual_cap_scale_unbudgeted
    assert h.paid(plan, "A") == {"5.1": "9090.91"}
    assert h.paid(plan, "B") == {"10": "80000.00"}
    assert h.paid(plan, "C") == {"9": "10909.09"}
    assert plan["total"] == "100000.00"
    assert plan["commitments_total"] == "120000.00"


def test_annual_cap_default_5_million_with_commitments() -> None:
    # 4,900,000 committed: 100,000 left, as in test_annual_cap_scale_unbudgeted
    plan = plan_of(
        cap_round(),
        commitments=[
            {"article": "11", "label": "县域商业", "amount": "4580000"},
            {"article": "12", "label": "大数据服务", "amount": "120000"},
            {"article": "13", "label": "社会团体", "amount": "200000"},
        ],
    )
    assert plan["commitments_total"] == "4900000.00"
    assert plan["total"] == "100000.00"
    assert h.paid(plan, "A") == {"5.1": "9090.91"}
    assert h.paid(plan, "C") == {"9": "10909.09"}


def budgeted_overflow_round() -> list[dict[str, Any]]:
    return [*cap_round(), h.applicant("D", local_product_seller=True, promotion_fees="100000")]  # 7: 15,000


def test_annual_cap_budgeted_lines_alone_exceed_what_is_left() -> None:
    plan = plan_of(budgeted_overflow_round(), budgets={"total": "50000"})
    # 7 + 10 = 95,000 > 50,000: scale them (42,105.263…, 7,894.736… -> the fen to D); 5.1 and 9 get 0
    assert h.paid(plan, "A") == {"5.1": "0.00"}
    assert h.paid(plan, "B") == {"10": "42105.26"}
    assert h.paid(plan, "C") == {"9": "0.00"}
    assert h.paid(plan, "D") == {"7": "7894.74"}
    assert plan["total"] == "50000.00"
    assert h.line(plan, "5.1", "A") == {**h.line(plan, "5.1", "A"), "entitled": "50000.00", "excluded": False}
    assert h.one(plan, "A")["total"] == "0.00"
    assert h.one(plan, "A")["eligible"] is True
    assert plan["categories"] == {
        "5.1": {"entitled": "50000.00", "paid": "0.00", "factor": "0.000000"},
        "7": {"entitled": "15000.00", "budget": "1000000.00", "paid": "7894.74", "factor": "0.526316"},
        "9": {"entitled": "60000.00", "paid": "0.00", "factor": "0.000000"},
        "10": {"entitled": "80000.00", "budget": "1600000.00", "paid": "42105.26", "factor": "0.526316"},
    }


def test_annual_cap_scale_all_with_budgeted_overflow() -> None:
    plan = plan_of(budgeted_overflow_round(), {"annual_cap": "scale_all"}, budgets={"total": "50000"})
    # × 50,000 / 205,000: 12,195.12…, 19,512.19…, 14,634.146…, 3,658.536… -> 2 fen to D then C
    assert h.paid(plan, "A") == {"5.1": "12195.12"}
    assert h.paid(plan, "B") == {"10": "19512.19"}
    assert h.paid(plan, "C") == {"9": "14634.15"}
    assert h.paid(plan, "D") == {"7": "3658.54"}
    assert plan["total"] == "50000.00"


def test_annual_cap_budgeted_lines_exactly_fill_what_is_left() -> None:
    plan = plan_of(budgeted_overflow_round(), budgets={"total": "95000"})
    assert h.paid(plan, "A") == {"5.1": "0.00"}
    assert h.paid(plan, "B") == {"10": "80000.00"}
    assert h.paid(plan, "C") == {"9": "0.00"}
    assert h.paid(plan, "D") == {"7": "15000.00"}
    assert plan["total"] == "95000.00"


@pytest.mark.parametrize("mode", ["scale_unbudgeted", "scale_all"])
def test_commitments_equal_to_the_cap_leave_nothing(mode: str) -> None:
    plan = plan_of(
        cap_round(),
        {"annual_cap": mode},
        budgets={"total": "100000"},
        commitments=[{"article": "22", "label": "process expenses", "amount": "100000"}],
    )
    assert plan["total"] == "0.00"
    assert plan["commitments_total"] == "100000.00"
    for entry in plan["applicants"]:
        assert entry["eligible"] is True
        assert entry["total"] == "0.00"
        assert [ln["paid"] for ln in entry["lines"]] == ["0.00"]
    for cat in plan["categories"].values():
        assert cat["paid"] == "0.00"
        assert cat["factor"] == "0.000000"


@pytest.mark.parametrize("mode", ["scale_unbudgeted", "scale_all"])
def test_annual_cap_not_binding_changes_nothing(mode: str) -> None:
    plan = plan_of(cap_round(), {"annual_cap": mode}, budgets={"total": "190000"})
    assert plan["total"] == "190000.00"
    assert all("factor" not in cat for cat in plan["categories"].values())


def test_annual_cap_after_the_category_budget() -> None:
    ids = [f"A{n:02d}" for n in range(1, 22)]
    plan = plan_of([express(i) for i in ids], budgets={"total": "1000000"})
    # category budget first (1,600,000), then the cap: 10 alone does not fit, scaled to 1,000,000.
    got = paid_by_id(plan, "10")
    assert got == {i: ("47619.05" if n < 16 else "47619.04") for n, i in enumerate(ids)}
    assert plan["categories"]["10"] == {
        "entitled": "1680000.00",
        "budget": "1600000.00",
        "paid": "1000000.00",
        "factor": "0.595238",
    }
    assert plan["total"] == "1000000.00"


def test_interpretation_is_echoed() -> None:
    chosen = {"art5_threshold": "inclusive", "proration": "scale_rate", "rounding_unit": "1"}
    plan = plan_of([], chosen)
    assert plan["interpretation"] == {**h.DEFAULT_SWITCHES, **chosen}
    assert plan_of([])["interpretation"] == h.DEFAULT_SWITCHES
    every = {
        "art5_threshold": "inclusive",
        "art7_threshold": "inclusive",
        "art19_scope": "item",
        "proration": "scale_rate",
        "rounding_unit": "1",
        "sales_basis": "total",
        "annual_cap": "scale_all",
    }
    assert plan_of([], every)["interpretation"] == every


def test_worked_example_under_scale_rate_is_the_same() -> None:
    # every line capped at 15 % … at the lowered rate r = 1,600,000 / 3,360,000 per parcel nobody is
    # capped: 76,190.476… each, as under scale_awards
    ids = [f"A{n:02d}" for n in range(1, 22)]
    plan = plan_of([express(i) for i in ids], {"proration": "scale_rate"})
    assert paid_by_id(plan, "10") == {i: ("76190.48" if n < 13 else "76190.47") for n, i in enumerate(ids)}
    assert plan["categories"]["10"]["paid"] == "1600000.00"


@pytest.mark.parametrize("mode", ["scale_unbudgeted", "scale_all"])
def test_annual_cap_ties_within_one_applicant_go_by_line_order(mode: str) -> None:
    who = h.applicant("A", online_sales="2000000", demonstrations=[{"level": "national", "amount": "50000"}])
    plan = plan_of([who], {"annual_cap": mode}, budgets={"total": "99999.99"})
    # 5.1 and 9 both 49,999.995: floors 49,999.99 each, the last fen to 5.1 (line order)
    assert h.paid(plan, "A") == {"5.1": "50000.00", "9": "49999.99"}


@pytest.mark.parametrize("mode", ["scale_unbudgeted", "scale_all"])
def test_annual_cap_ties_across_applicants_go_by_id_before_line_order(mode: str) -> None:
    applicants = [
        h.applicant("B", online_sales="2000000"),  # 5.1: 50,000
        h.applicant("A", demonstrations=[{"level": "national", "amount": "50000"}]),  # 9: 50,000
    ]
    plan = plan_of(applicants, {"annual_cap": mode}, budgets={"total": "99999.99"})
    assert h.paid(plan, "A") == {"9": "50000.00"}
    assert h.paid(plan, "B") == {"5.1": "49999.99"}


def test_annual_cap_scales_5_2_and_6_too_but_not_excluded_lines() -> None:
    applicants = [
        h.applicant("A", online_sales="2000000", loan_interest_paid="100000"),  # 5.1 50,000 + 5.2 20,000
        h.applicant("C", local_brand_seller=True, online_sales="25000000"),  # 6: 150,000 (5.1 excluded)
        h.applicant("D", parcels=100000),  # 10: 50,000 (budgeted, kept)
    ]
    plan = plan_of(applicants, budgets={"total": "160000"})
    # 110,000 left for 220,000 of unbudgeted lines: factor 1/2
    assert h.paid(plan, "A") == {"5.1": "25000.00", "5.2": "10000.00"}
    assert h.paid(plan, "C") == {"5.1": "0.00", "6": "75000.00"}
    assert h.line(plan, "5.1", "C")["excluded"] is True
    assert h.paid(plan, "D") == {"10": "50000.00"}
    assert plan["categories"]["5.1"] == {"entitled": "50000.00", "paid": "25000.00", "factor": "0.500000"}
    assert plan["categories"]["6"] == {"entitled": "150000.00", "paid": "75000.00", "factor": "0.500000"}
    assert plan["total"] == "160000.00"


def test_annual_cap_in_whole_yuan_with_fen_commitments() -> None:
    plan = plan_of(
        cap_round(),
        {"rounding_unit": "1"},
        budgets={"total": "100000"},
        commitments=[{"article": "22", "label": "x", "amount": "0.50"}],
    )
    # 99,999.50 left, at most 99,999 in whole yuan: 10 keeps 80,000, 5.1 + 9 share 19,999
    # (9,090.45… and 10,908.54… -> the yuan to C)
    assert h.paid(plan, "A") == {"5.1": "9090.00"}
    assert h.paid(plan, "B") == {"10": "80000.00"}
    assert h.paid(plan, "C") == {"9": "10909.00"}
    assert plan["total"] == "99999.00"
    assert plan["commitments_total"] == "0.50"
