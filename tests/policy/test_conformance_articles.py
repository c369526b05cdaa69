"""Conformance: the per-applicant articles (policy-rules §4) and the eligibility gate (§3).

Every expected amount below is worked out by hand from policy-rules.md / round-file.md:
half-up (四舍五入) rounding straight to the rounding unit, per-applicant caps, thresholds as worded.
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

UNIT_YUAN = {"rounding_unit": "1"}


def single(switches: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """The plan of a round with one applicant A001."""
    return h.compute(h.round_doc([h.applicant("A001", **fields)], switches=switches))


def assert_line(plan: dict[str, Any], article: str, expected: str | None) -> None:
    """`expected` None: no line for `article`; otherwise a paid, non-excluded line of that amount."""
    got = h.line(plan, article)
    if expected is None:
        assert got is None, f"line {article} should be absent, got {got}"
        return
    assert got is not None, f"line {article} missing; lines: {h.paid(plan)}"
    assert got["entitled"] == expected
    assert got["paid"] == expected
    assert got["excluded"] is False
    assert isinstance(got["explanation"], str)
    assert got["explanation"].strip()


# --- Art. 5(一): sales reward, online sales > 1,000,000 (I1) -----------------------------------------


@pytest.mark.parametrize(
    ("switch", "online_sales", "expected"),
    [
        ("exclusive", "999999.99", None),
        ("exclusive", "1000000", None),
        ("exclusive", "1000000.00", None),
        ("exclusive", "1000000.01", "50000.00"),
        ("exclusive", "1200000", "50000.00"),
        ("exclusive", "1000000000000", "50000.00"),
        ("inclusive", "999999.99", None),
        ("inclusive", "1000000", "50000.00"),
        ("inclusive", "1000000.01", "50000.00"),
        (None, "1000000", None),  # default is exclusive
        (None, "1000000.01", "50000.00"),
    ],
)
def test_art5_1_threshold(switch: str | None, online_sales: str, expected: str | None) -> None:
    switches = {"art5_threshold": switch} if switch else None
    plan = single(switches, online_sales=online_sales)
    assert_line(plan, "5.1", expected)


def test_art5_1_uses_online_sales_even_when_sales_basis_is_total() -> None:
    # I6 concerns Art. 6 and 8 only; Art. 5 always reads the online-sales figure.
    plan = single({"sales_basis": "total"}, online_sales="0", total_sales="2000000")
    assert_line(plan, "5.1", None)
    plan = single({"sales_basis": "total"}, online_sales="2000000", total_sales="0")
    assert_line(plan, "5.1", "50000.00")


def test_art5_1_needs_no_local_seller_flag() -> None:
    plan = single(online_sales="1500000", local_brand_seller=False, local_product_seller=False)
    assert_line(plan, "5.1", "50000.00")


def test_art5_1_with_rounding_unit_yuan() -> None:
    assert_line(single(UNIT_YUAN, online_sales="1000000.01"), "5.1", "50000.00")


# --- Art. 5(二): interest subsidy, min(30% × interest, 20,000), same threshold as 5.1 -----------------


@pytest.mark.parametrize(
    ("interest", "expected"),
    [
        ("0", None),
        ("0.01", None),  # 0.003 rounds to 0.00: nothing entitled, no line
        ("0.02", "0.01"),  # 0.006 -> 0.01
        ("0.05", "0.02"),  # 0.015 -> 0.02
        ("0.35", "0.11"),  # 0.105 -> 0.11 (half-up; half-even would give 0.10)
        ("10.15", "3.05"),  # 3.045 -> 3.05 (half-even would give 3.04)
        ("10.05", "3.02"),  # 3.015 -> 3.02
        ("1.65", "0.50"),  # 0.495 -> 0.50
        ("30000", "9000.00"),
        ("66666.60", "19999.98"),
        ("66666.65", "20000.00"),  # 19,999.995 -> 20,000.00
        ("66666.66", "20000.00"),  # 19,999.998
        ("66666.67", "20000.00"),  # 20,000.001 capped
        ("66666.70", "20000.00"),
        ("100000", "20000.00"),
        ("1000000000000", "20000.00"),
    ],
)
def test_art5_2_rate_rounding_and_cap(interest: str, expected: str | None) -> None:
    plan = single(online_sales="2000000", loan_interest_paid=interest)
    assert_line(plan, "5.2", expected)
    assert_line(plan, "5.1", "50000.00")


@pytest.mark.parametrize(
    ("interest", "expected"),
    [
        ("1.65", None),  # 0.495 -> 0 yuan (straight to the yuan, not 0.50 then 1)
        ("5", "2.00"),  # 1.5 -> 2
        ("15", "5.00"),  # 4.5 -> 5
        ("11.65", "3.00"),  # 3.495 -> 3
        ("101.65", "30.00"),  # 30.495 -> 30 (double rounding would give 31)
        ("101.70", "31.00"),  # 30.51 -> 31
        ("30000", "9000.00"),
        ("66666.65", "20000.00"),  # 19,999.995 -> 20,000
        ("66665", "20000.00"),  # 19,999.5 -> 20,000
        ("66661.65", "19998.00"),  # 19,998.495 -> 19,998
        ("100000", "20000.00"),
    ],
)
def test_art5_2_rounding_unit_yuan(interest: str, expected: str | None) -> None:
    plan = single(UNIT_YUAN, online_sales="2000000", loan_interest_paid=interest)
    assert_line(plan, "5.2", expected)


@pytest.mark.parametrize(
    ("switch", "online_sales", "expected"),
    [
        ("exclusive", "999999.99", None),
        ("exclusive", "1000000", None),
        ("exclusive", "1000000.01", "9000.00"),
        ("inclusive", "999999.99", None),
        ("inclusive", "1000000", "9000.00"),
        ("inclusive", "1000000.01", "9000.00"),
    ],
)
def test_art5_2_threshold_follows_i1(switch: str, online_sales: str, expected: str | None) -> None:
    plan = single({"art5_threshold": switch}, online_sales=online_sales, loan_interest_paid="30000")
    assert_line(plan, "5.2", expected)


# --- Art. 6: scale-up reward, tiers [5M,10M) 50k, [10M,20M) 100k, >=20M 150k -------------------------


TIERS = [
    ("0", None),
    ("4999999.99", None),
    ("5000000", "50000.00"),
    ("5000000.01", "50000.00"),
    ("9999999.99", "50000.00"),
    ("10000000", "100000.00"),
    ("10000000.01", "100000.00"),
    ("19999999.99", "100000.00"),
    ("20000000", "150000.00"),
    ("20000000.01", "150000.00"),
    ("1000000000000", "150000.00"),
]


@pytest.mark.parametrize(("sales", "expected"), TIERS)
def test_art6_tiers_on_total_sales(sales: str, expected: str | None) -> None:
    # sales_basis total with no online sales: Art. 5 is out of the picture (no Art. 19 comparison).
    plan = single({"sales_basis": "total"}, local_brand_seller=True, online_sales="0", total_sales=sales)
    assert_line(plan, "6", expected)
    assert_line(plan, "5.1", None)


@pytest.mark.parametrize(("sales", "expected"), TIERS)
def test_art6_tiers_on_online_sales_default_basis(sales: str, expected: str | None) -> None:
    # Default I6 = online. With online sales >= 5M Art. 5.1 is entitled too; Art. 6 wins (>= 50,000, tie
    # goes to Art. 6) so line 6 is paid in full and 5.1 is excluded.
    plan = single(local_brand_seller=True, online_sales=sales, total_sales="0")
    if expected is None:
        assert h.line(plan, "6") is None
        return
    assert_line(plan, "6", expected)
    excluded = h.line(plan, "5.1")
    assert excluded is not None
    assert excluded == {**excluded, "entitled": "50000.00", "paid": "0.00", "excluded": True}


def test_art6_requires_local_brand_seller() -> None:
    plan = single({"sales_basis": "total"}, local_brand_seller=False, total_sales="30000000")
    assert_line(plan, "6", None)
    plan = single(local_brand_seller=False, online_sales="30000000")
    assert_line(plan, "6", None)
    assert_line(plan, "5.1", "50000.00")


def test_art6_local_product_seller_is_not_enough() -> None:
    plan = single({"sales_basis": "total"}, local_product_seller=True, total_sales="30000000")
    assert_line(plan, "6", None)


@pytest.mark.parametrize(
    ("basis", "online", "total", "expected"),
    [
        ("online", "4999999.99", "50000000", None),  # online basis ignores total sales
        ("online", "0", "20000000", None),
        ("total", "20000000", "4999999.99", None),  # total basis ignores online sales
        ("total", "0", "10000000", "100000.00"),
    ],
)
def test_art6_sales_basis(basis: str, online: str, total: str, expected: str | None) -> None:
    plan = single({"sales_basis": basis}, local_brand_seller=True, online_sales=online, total_sales=total)
    if expected is None:
        assert h.line(plan, "6") is None
    else:
        assert_line(plan, "6", expected)


def test_art6_total_sales_defaults_to_online_sales() -> None:
    plan = single({"sales_basis": "total"}, local_brand_seller=True, online_sales="12000000")
    assert_line(plan, "6", "100000.00")


# --- Art. 7: traffic support, fees > 50,000 (I2), min(15% × fees, 50,000) ------------------------------


@pytest.mark.parametrize(
    ("switch", "fees", "expected"),
    [
        ("exclusive", "49999.99", None),
        ("exclusive", "50000", None),
        ("exclusive", "50000.01", "7500.00"),  # 7,500.0015
        ("inclusive", "49999.99", None),
        ("inclusive", "50000", "7500.00"),
        ("inclusive", "50000.01", "7500.00"),
        (None, "50000", None),  # default exclusive
        (None, "50000.01", "7500.00"),
    ],
)
def test_art7_threshold(switch: str | None, fees: str, expected: str | None) -> None:
    switches = {"art7_threshold": switch} if switch else None
    plan = single(switches, local_product_seller=True, promotion_fees=fees)
    assert_line(plan, "7", expected)


@pytest.mark.parametrize(
    ("fees", "expected"),
    [
        ("50000.10", "7500.02"),  # 7,500.015
        ("50000.30", "7500.05"),  # 7,500.045 (half-even would give 7,500.04)
        ("50000.03", "7500.00"),  # 7,500.0045
        ("80000", "12000.00"),
        ("333333.20", "49999.98"),
        ("333333.30", "50000.00"),  # 49,999.995
        ("333333.33", "50000.00"),  # 49,999.9995
        ("333333.34", "50000.00"),  # 50,000.001 capped
        ("400000", "50000.00"),
        ("1000000000000", "50000.00"),
    ],
)
def test_art7_rate_rounding_and_cap(fees: str, expected: str) -> None:
    plan = single(local_product_seller=True, promotion_fees=fees)
    assert_line(plan, "7", expected)


@pytest.mark.parametrize(
    ("fees", "expected"),
    [
        ("50003.33", "7500.00"),  # 7,500.4995
        ("50003.30", "7500.00"),  # 7,500.495 (double rounding via 7,500.50 would give 7,501)
        ("50003.34", "7501.00"),  # 7,500.501
        ("50010", "7502.00"),  # 7,501.5
        ("333330", "50000.00"),  # 49,999.5
        ("333326.60", "49999.00"),  # 49,998.99
    ],
)
def test_art7_rounding_unit_yuan(fees: str, expected: str) -> None:
    plan = single(UNIT_YUAN, local_product_seller=True, promotion_fees=fees)
    assert_line(plan, "7", expected)


def test_art7_requires_local_product_seller() -> None:
    assert_line(single(local_product_seller=False, promotion_fees="80000"), "7", None)
    assert_line(single(local_brand_seller=True, promotion_fees="80000"), "7", None)


# --- Art. 8: forward warehouse, sales (I6) >= 5,000,000, min(30% × rent, 60,000) ----------------------


@pytest.mark.parametrize(
    ("sales", "rent", "expected"),
    [
        ("4999999.99", "100000", None),
        ("5000000", "100000", "30000.00"),
        ("5000000.01", "100000", "30000.00"),
        ("5000000", "0", None),
        ("5000000", "0.01", None),  # 0.003 -> 0.00
        ("5000000", "0.05", "0.02"),  # 0.015
        ("5000000", "10.05", "3.02"),  # 3.015
        ("5000000", "10.15", "3.05"),  # 3.045 (half-even would give 3.04)
        ("5000000", "199999.95", "59999.99"),  # 59,999.985
        ("5000000", "199999.99", "60000.00"),  # 59,999.997
        ("5000000", "200000", "60000.00"),
        ("5000000", "200000.01", "60000.00"),
        ("5000000", "1000000", "60000.00"),
    ],
)
def test_art8_threshold_rate_cap(sales: str, rent: str, expected: str | None) -> None:
    plan = single(online_sales=sales, inland_warehouse_rent=rent)
    assert_line(plan, "8", expected)


@pytest.mark.parametrize(
    ("rent", "expected"),
    [
        ("5", "2.00"),  # 1.5
        ("15", "5.00"),  # 4.5
        ("100001.65", "30000.00"),  # 30,000.495 (double rounding would give 30,001)
        ("100001.70", "30001.00"),  # 30,000.51
        ("199998.35", "60000.00"),  # 59,999.505
        ("199995", "59999.00"),  # 59,998.5 -> 59,999
    ],
)
def test_art8_rounding_unit_yuan(rent: str, expected: str) -> None:
    plan = single(UNIT_YUAN, online_sales="6000000", inland_warehouse_rent=rent)
    assert_line(plan, "8", expected)


@pytest.mark.parametrize(
    ("basis", "online", "total", "expected"),
    [
        ("online", "0", "5000000", None),
        ("online", "5000000", "0", "30000.00"),
        ("total", "0", "5000000", "30000.00"),
        ("total", "5000000", "4999999.99", None),
        ("total", "9000000", None, "30000.00"),  # total_sales defaults to online_sales
    ],
)
def test_art8_sales_basis(basis: str, online: str, total: str | None, expected: str | None) -> None:
    fields: dict[str, Any] = {"online_sales": online, "inland_warehouse_rent": "100000"}
    if total is not None:
        fields["total_sales"] = total
    plan = single({"sales_basis": basis}, **fields)
    assert_line(plan, "8", expected)


def test_art8_threshold_is_inclusive_whatever_i1_says() -> None:
    plan = single({"art5_threshold": "exclusive"}, online_sales="5000000", inland_warehouse_rent="1000")
    assert_line(plan, "8", "300.00")


# --- Art. 9: demonstration cases --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("demonstrations", "expected"),
    [
        ([], None),
        ([{"level": "national"}], "60000.00"),
        ([{"level": "provincial"}], "30000.00"),
        ([{"level": "national", "first_time": True}], "60000.00"),
        ([{"level": "national"}, {"level": "provincial"}], "90000.00"),
        ([{"level": "national", "amount": "60000"}, {"level": "provincial", "amount": "30000"}], "90000.00"),
        ([{"level": "national", "amount": "10000"}, {"level": "provincial", "amount": "5000"}], "15000.00"),
        ([{"level": "national", "first_time": False}], None),
        ([{"level": "provincial", "first_time": False, "amount": "30000"}], None),
        ([{"level": "national", "first_time": False}, {"level": "provincial"}], "30000.00"),
        ([{"level": "national", "amount": "40000"}, {"level": "national", "amount": "50000"}], "50000.00"),
        ([{"level": "national", "amount": "50000"}, {"level": "national", "amount": "40000"}], "50000.00"),
        ([{"level": "national", "amount": "10000"}, {"level": "national"}], "60000.00"),
        ([{"level": "national"}, {"level": "national"}], "60000.00"),
        ([{"level": "provincial"}, {"level": "provincial"}, {"level": "provincial"}], "30000.00"),
        (
            [
                {"level": "national", "first_time": False, "amount": "60000"},
                {"level": "national", "amount": "20000"},
            ],
            "20000.00",
        ),
        ([{"level": "national", "amount": "70000"}], "60000.00"),
        ([{"level": "national", "amount": "60000.01"}], "60000.00"),
        ([{"level": "national", "amount": "59999.99"}], "59999.99"),
        ([{"level": "provincial", "amount": "30000.01"}], "30000.00"),
        ([{"level": "provincial", "amount": "12345.67"}], "12345.67"),
        ([{"level": "provincial", "amount": 12345.67}], "12345.67"),
        (
            [{"level": "national", "amount": "1000000"}, {"level": "provincial", "amount": "1000000"}],
            "90000.00",
        ),
        ([{"level": "national", "amount": "0"}], None),
    ],
)
def test_art9_demonstrations(demonstrations: list[dict[str, Any]], expected: str | None) -> None:
    plan = single(demonstrations=demonstrations)
    assert_line(plan, "9", expected)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("12345.50", "12346.00"), ("12345.49", "12345.00"), ("29999.50", "30000.00"), ("30000.40", "30000.00")],
)
def test_art9_rounding_unit_yuan(amount: str, expected: str) -> None:
    plan = single(UNIT_YUAN, demonstrations=[{"level": "provincial", "amount": amount}])
    assert_line(plan, "9", expected)


def test_art9_is_not_gated_by_sales_or_flags() -> None:
    plan = single(demonstrations=[{"level": "national"}], online_sales="0")
    assert h.paid(plan) == {"9": "60000.00"}


# --- Art. 10: express subsidy, parcels >= 50,000, min(0.5 × parcels, 80,000) --------------------------


@pytest.mark.parametrize(
    ("parcels", "expected"),
    [
        (0, None),
        (1, None),
        (49999, None),
        (50000, "25000.00"),
        (50001, "25000.50"),
        (60000, "30000.00"),
        (159999, "79999.50"),
        (160000, "80000.00"),
        (160001, "80000.00"),
        (1000000, "80000.00"),
    ],
)
def test_art10_threshold_rate_cap(parcels: int, expected: str | None) -> None:
    assert_line(single(parcels=parcels), "10", expected)


@pytest.mark.parametrize(
    ("parcels", "expected"),
    [
        (49999, None),
        (50000, "25000.00"),
        (50001, "25001.00"),  # 25,000.5 (half-even would give 25,000)
        (50003, "25002.00"),  # 25,001.5
        (159997, "79999.00"),  # 79,998.5
        (159999, "80000.00"),  # 79,999.5
        (160001, "80000.00"),
    ],
)
def test_art10_rounding_unit_yuan(parcels: int, expected: str | None) -> None:
    assert_line(single(UNIT_YUAN, parcels=parcels), "10", expected)


def test_art10_needs_no_local_seller_flag_nor_sales() -> None:
    plan = single(parcels=100000, online_sales="0")
    assert h.paid(plan) == {"10": "50000.00"}


# --- All lines together: order, totals --------------------------------------------------------------


def test_every_line_at_once_in_line_order() -> None:
    plan = single(
        online_sales="1500000",
        total_sales="30000000",
        loan_interest_paid="10000",
        local_product_seller=True,
        promotion_fees="100000",
        inland_warehouse_rent="100000",
        demonstrations=[{"level": "national"}, {"level": "provincial", "amount": "25000"}],
        parcels=100000,
    )
    entry = h.one(plan)
    assert [ln["article"] for ln in entry["lines"]] == ["5.1", "5.2", "7", "9", "10"]
    assert h.paid(plan) == {
        "5.1": "50000.00",
        "5.2": "3000.00",
        "7": "15000.00",
        "9": "85000.00",
        "10": "50000.00",
    }
    # online 1.5M < 5M (default I6 online): no Art. 8 despite the rent
    assert entry["total"] == "203000.00"
    assert plan["total"] == "203000.00"


def test_every_line_with_sales_basis_total_in_line_order() -> None:
    plan = single(
        {"sales_basis": "total", "art19_scope": "item"},
        online_sales="1500000",
        total_sales="12000000",
        loan_interest_paid="10000",
        local_brand_seller=True,
        local_product_seller=True,
        promotion_fees="100000",
        inland_warehouse_rent="100000",
        demonstrations=[{"level": "national"}],
        parcels=100000,
    )
    entry = h.one(plan)
    assert [ln["article"] for ln in entry["lines"]] == ["5.1", "5.2", "6", "7", "8", "9", "10"]
    assert h.paid(plan) == {
        "5.1": "0.00",
        "5.2": "3000.00",
        "6": "100000.00",
        "7": "15000.00",
        "8": "30000.00",
        "9": "60000.00",
        "10": "50000.00",
    }
    assert entry["total"] == "258000.00"


# --- Eligibility gate (§3) --------------------------------------------------------------------------

#: An applicant who would otherwise get 5.1 + 10.
ENTITLED = {"online_sales": "2000000", "parcels": 100000}

SINGLE_REASONS = [
    ({"registered_in_jurisdiction": False}, "NOT_REGISTERED"),
    ({"entity_type": "branch"}, "NOT_LEGAL_PERSON"),
    ({"credit_or_tax_violation_3y": True}, "CREDIT_OR_TAX_VIOLATION"),
    ({"false_material_3y": True}, "FALSE_MATERIAL_RECORD"),
    ({"statistics_reported": False}, "STATISTICS_NOT_REPORTED"),
    ({"major_incident": True}, "MAJOR_INCIDENT"),
    ({"banned_until": "2026-03-31"}, "BANNED"),
    ({"four_above_reward": True}, "FOUR_ABOVE_CONFLICT"),
]


def assert_ineligible(plan: dict[str, Any], reasons: list[str], applicant_id: str = "A001") -> None:
    entry = h.one(plan, applicant_id)
    assert entry == {"id": applicant_id, "eligible": False, "reasons": reasons, "total": "0.00", "lines": []}


@pytest.mark.parametrize(("flags", "code"), SINGLE_REASONS, ids=[code for _, code in SINGLE_REASONS])
def test_each_reason_alone(flags: dict[str, Any], code: str) -> None:
    plan = single(**ENTITLED, **flags)
    assert_ineligible(plan, [code])
    assert plan["total"] == "0.00"
    assert plan["categories"] == {}


def test_all_reasons_together_in_table_order() -> None:
    flags: dict[str, Any] = {}
    for more, _ in reversed(SINGLE_REASONS):  # field order in the input must not matter
        flags.update(more)
    plan = single(**ENTITLED, **flags)
    assert_ineligible(plan, list(h.REASON_ORDER))


@pytest.mark.parametrize(
    "picked",
    [
        ("NOT_REGISTERED", "NOT_LEGAL_PERSON"),
        ("NOT_LEGAL_PERSON", "FOUR_ABOVE_CONFLICT"),
        ("CREDIT_OR_TAX_VIOLATION", "FALSE_MATERIAL_RECORD", "BANNED"),
        ("STATISTICS_NOT_REPORTED", "MAJOR_INCIDENT"),
        ("NOT_REGISTERED", "MAJOR_INCIDENT", "FOUR_ABOVE_CONFLICT"),
    ],
)
def test_several_reasons_all_reported_in_table_order(picked: tuple[str, ...]) -> None:
    flags: dict[str, Any] = {}
    for more, code in reversed(SINGLE_REASONS):
        if code in picked:
            flags.update(more)
    plan = single(**ENTITLED, **flags)
    assert_ineligible(plan, [code for code in h.REASON_ORDER if code in picked])


def test_ineligible_without_any_entitlement_still_reports() -> None:
    assert_ineligible(single(major_incident=True), ["MAJOR_INCIDENT"])


@pytest.mark.parametrize(
    ("entity_type", "eligible"),
    [("enterprise", True), ("individual", True), ("branch", False), (None, True)],
)
def test_entity_types(entity_type: str | None, eligible: bool) -> None:
    fields: dict[str, Any] = dict(ENTITLED)
    if entity_type is not None:
        fields["entity_type"] = entity_type
    plan = single(**fields)
    entry = h.one(plan)
    assert entry["eligible"] is eligible
    if eligible:
        assert entry["reasons"] == []
        assert entry["total"] == "100000.00"
    else:
        assert entry["reasons"] == ["NOT_LEGAL_PERSON"]


@pytest.mark.parametrize(
    ("sales_year", "as_of", "banned_until", "banned"),
    [
        # as_of defaults to 31 March of the year after the sales year
        (2025, None, "2026-03-31", True),
        (2025, None, "2026-03-30", False),
        (2025, None, "2026-04-01", True),
        (2025, None, "2029-12-31", True),
        (2025, None, "2025-12-31", False),
        (2025, None, None, False),
        (2026, None, "2027-03-31", True),
        (2026, None, "2027-03-30", False),
        (2027, None, "2028-03-31", True),
        (2027, None, "2028-03-30", False),
        # an explicit as_of
        (2025, "2026-03-15", "2026-03-15", True),
        (2025, "2026-03-15", "2026-03-14", False),
        (2025, "2026-03-15", "2026-03-31", True),
        (2025, "2026-06-30", "2026-03-31", False),
        (2025, "2026-06-30", "2026-06-30", True),
        (2025, "2026-03-31", "2026-03-31", True),
        (2025, "2026-03-31", "2026-03-30", False),
    ],
)
def test_banned_boundary(sales_year: int, as_of: str | None, banned_until: str | None, banned: bool) -> None:
    top: dict[str, Any] = {}
    if as_of is not None:
        top["as_of"] = as_of
    doc = h.round_doc(
        [h.applicant("A001", banned_until=banned_until, **ENTITLED)], sales_year=sales_year, **top
    )
    plan = h.compute(doc)
    if banned:
        assert_ineligible(plan, ["BANNED"])
    else:
        entry = h.one(plan)
        assert entry["eligible"] is True
        assert entry["reasons"] == []
        assert entry["total"] == "100000.00"


def test_ineligible_applicants_do_not_count_in_categories_or_budgets() -> None:
    # Two applicants at the Art. 10 cap against a budget of one cap: the ineligible one takes no share.
    applicants = [
        h.applicant("A1", parcels=160000, online_sales="2000000"),
        h.applicant("A2", parcels=160000, online_sales="2000000", major_incident=True),
    ]
    plan = h.compute(h.round_doc(applicants, budgets={"10": "80000"}))
    assert h.paid(plan, "A1") == {"5.1": "50000.00", "10": "80000.00"}
    assert_ineligible(plan, ["MAJOR_INCIDENT"], "A2")
    assert plan["categories"] == {
        "5.1": {"entitled": "50000.00", "paid": "50000.00"},
        "10": {"entitled": "80000.00", "budget": "80000.00", "paid": "80000.00"},
    }
    assert plan["total"] == "130000.00"
