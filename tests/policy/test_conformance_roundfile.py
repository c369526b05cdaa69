"""Conformance: the round file's input defaults, validation and output document (round-file.md)."""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path
from typing import Any

import pytest

try:
    from . import conformance_helpers as h
except ImportError:  # tests/policy is not a package: the helper sits next to this file
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import conformance_helpers as h

AMOUNT = re.compile(r"^(0|[1-9]\d*)\.\d{2}$")
AMOUNT_KEYS = {"entitled", "paid", "budget", "total", "commitments_total"}

#: round-file.md's example input, verbatim.
SPEC_EXAMPLE: dict[str, Any] = {
    "sales_year": 2025,
    "as_of": "2026-03-31",
    "budgets": {"total": "5000000", "7": "1000000", "8": "600000", "10": "1600000"},
    "commitments": [{"article": "12", "label": "big-data service", "amount": "120000"}],
    "interpretation": {"art5_threshold": "exclusive"},
    "applicants": [
        {
            "id": "A001",
            "name": "示例电商有限公司",
            "entity_type": "enterprise",
            "online_sales": "1200000.00",
            "total_sales": "1500000.00",
            "loan_interest_paid": "30000",
            "local_brand_seller": False,
            "local_product_seller": True,
            "promotion_fees": "80000",
            "inland_warehouse_rent": "0",
            "demonstrations": [{"level": "provincial", "first_time": True, "amount": "30000"}],
            "parcels": 60000,
            "registered_in_jurisdiction": True,
            "credit_or_tax_violation_3y": False,
            "false_material_3y": False,
            "statistics_reported": True,
            "major_incident": False,
            "banned_until": None,
            "four_above_reward": False,
        }
    ],
}


def mixed_round() -> dict[str, Any]:
    """A round touching every line, Art. 19, a budget, an ineligible applicant and commitments."""
    applicants = [
        h.applicant("Z9", online_sales="6000000", local_brand_seller=True),  # Art. 19 tie
        h.applicant("A10", online_sales="1500000", loan_interest_paid="10.15", parcels=160000),
        h.applicant("M", major_incident=True, parcels=160000),
        h.applicant(
            "A9",
            local_product_seller=True,
            promotion_fees="50000.30",
            demonstrations=[{"level": "national"}, {"level": "provincial", "amount": "1234.56"}],
            parcels=160000,
        ),
        h.applicant("B", online_sales="5000000", inland_warehouse_rent="10.15", parcels=50001),
    ]
    return h.round_doc(
        applicants,
        budgets={"10": "200000"},
        commitments=[
            {"article": "11", "label": "物流配送中心", "amount": "1000.10"},
            {"article": "13", "label": "电商协会", "amount": "150000"},
            {"article": "22", "label": "公示费用", "amount": "0.05"},
        ],
    )


def walk_amounts(node: Any, path: str = "") -> list[tuple[str, Any]]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in AMOUNT_KEYS:
                found.append((f"{path}.{key}", value))
            else:
                found.extend(walk_amounts(value, f"{path}.{key}"))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            found.extend(walk_amounts(value, f"{path}[{n}]"))
    return found


def cents(amount: str) -> int:
    assert AMOUNT.match(amount), amount
    return int(amount.replace(".", ""))


# --- The spec's own example ------------------------------------------------------------------------------


def test_spec_example() -> None:
    plan = h.compute(SPEC_EXAMPLE)
    assert plan["sales_year"] == 2025
    assert plan["interpretation"] == h.DEFAULT_SWITCHES
    assert plan["total"] == "131000.00"
    assert plan["commitments_total"] == "120000.00"
    assert plan["categories"] == {
        "5.1": {"entitled": "50000.00", "paid": "50000.00"},
        "5.2": {"entitled": "9000.00", "paid": "9000.00"},
        "7": {"entitled": "12000.00", "budget": "1000000.00", "paid": "12000.00"},
        "9": {"entitled": "30000.00", "paid": "30000.00"},
        "10": {"entitled": "30000.00", "budget": "1600000.00", "paid": "30000.00"},
    }
    (entry,) = plan["applicants"]
    assert entry["id"] == "A001"
    assert entry["eligible"] is True
    assert entry["reasons"] == []
    assert entry["total"] == "131000.00"
    assert [(ln["article"], ln["entitled"], ln["paid"], ln["excluded"]) for ln in entry["lines"]] == [
        ("5.1", "50000.00", "50000.00", False),
        ("5.2", "9000.00", "9000.00", False),
        ("7", "12000.00", "12000.00", False),
        ("9", "30000.00", "30000.00", False),
        ("10", "30000.00", "30000.00", False),
    ]
    for ln in entry["lines"]:
        assert set(ln) == {"article", "entitled", "paid", "excluded", "explanation"}
        assert isinstance(ln["explanation"], str)
        assert ln["explanation"]


def test_minimal_round_gets_every_default() -> None:
    # Only sales_year, applicants and id are required; the minimal applicant is eligible with nothing.
    plan = h.compute({"sales_year": 2025, "applicants": [{"id": "X"}]})
    assert plan == {
        "sales_year": 2025,
        "interpretation": h.DEFAULT_SWITCHES,
        "total": "0.00",
        "commitments_total": "0.00",
        "categories": {},
        "applicants": [{"id": "X", "eligible": True, "reasons": [], "total": "0.00", "lines": []}],
    }


def test_empty_round() -> None:
    plan = h.compute({"sales_year": 2027, "applicants": []})
    assert plan["sales_year"] == 2027
    assert plan["total"] == "0.00"
    assert plan["categories"] == {}
    assert plan["applicants"] == []


def test_defaults_equal_their_explicit_values() -> None:
    explicit = {
        "id": "A001",
        "entity_type": "enterprise",
        "online_sales": "0",
        "total_sales": "2000000",
        "loan_interest_paid": "0",
        "local_brand_seller": False,
        "local_product_seller": False,
        "promotion_fees": "0",
        "inland_warehouse_rent": "0",
        "demonstrations": [{"level": "national", "first_time": True, "amount": "60000"}],
        "parcels": 0,
        "registered_in_jurisdiction": True,
        "credit_or_tax_violation_3y": False,
        "false_material_3y": False,
        "statistics_reported": True,
        "major_incident": False,
        "banned_until": None,
        "four_above_reward": False,
    }
    implicit = {"id": "A001", "total_sales": "2000000", "demonstrations": [{"level": "national"}]}
    top = {
        "as_of": "2026-03-31",
        "budgets": {"total": "5000000", "7": "1000000", "8": "600000", "10": "1600000"},
        "commitments": [],
        "interpretation": dict(h.DEFAULT_SWITCHES),
    }
    a = h.compute({"sales_year": 2025, **top, "applicants": [explicit]})
    b = h.compute({"sales_year": 2025, "applicants": [implicit]})
    # explanations may word a defaulted amount differently; everything else is identical
    for plan in (a, b):
        for entry in plan["applicants"]:
            for ln in entry["lines"]:
                ln.pop("explanation")
    assert a == b
    assert h.paid(a) == {"9": "60000.00"}


# --- Output contract ---------------------------------------------------------------------------------------


def test_every_amount_is_a_string_with_two_decimals() -> None:
    for doc in (mixed_round(), SPEC_EXAMPLE):
        for switches in ({}, {"rounding_unit": "1"}, {"proration": "scale_rate", "annual_cap": "scale_all"}):
            doc = {**doc, "interpretation": switches}
            plan = h.compute(doc)
            amounts = walk_amounts(plan)
            assert len(amounts) > 10
            for where, value in amounts:
                assert isinstance(value, str), where
                assert AMOUNT.match(value), (where, value)


def test_mixed_round_expected_values() -> None:
    plan = h.compute(mixed_round())
    assert [a["id"] for a in plan["applicants"]] == ["Z9", "A10", "M", "A9", "B"]
    # Z9: tie -> Art. 6
    assert {a: (ln["paid"], ln["excluded"]) for a, ln in h.lines_by_article(plan, "Z9").items()} == {
        "5.1": ("0.00", True),
        "6": ("50000.00", False),
    }
    # Art. 10: A10, A9 at 80,000 and B at 25,000.50 = 185,000.50 against 200,000: no reduction
    assert h.paid(plan, "A10") == {"5.1": "50000.00", "5.2": "3.05", "10": "80000.00"}
    assert h.paid(plan, "A9") == {"7": "7500.05", "9": "61234.56", "10": "80000.00"}
    assert h.paid(plan, "B") == {"5.1": "50000.00", "8": "3.05", "10": "25000.50"}
    assert h.one(plan, "M") == {
        "id": "M",
        "eligible": False,
        "reasons": ["MAJOR_INCIDENT"],
        "total": "0.00",
        "lines": [],
    }
    assert plan["commitments_total"] == "151000.15"
    assert plan["categories"] == {
        "5.1": {"entitled": "100000.00", "paid": "100000.00"},
        "5.2": {"entitled": "3.05", "paid": "3.05"},
        "6": {"entitled": "50000.00", "paid": "50000.00"},
        "7": {"entitled": "7500.05", "budget": "1000000.00", "paid": "7500.05"},
        "8": {"entitled": "3.05", "budget": "600000.00", "paid": "3.05"},
        "9": {"entitled": "61234.56", "paid": "61234.56"},
        "10": {"entitled": "185000.50", "budget": "200000.00", "paid": "185000.50"},
    }
    assert plan["total"] == "403741.21"


def test_mixed_round_with_budget_binding() -> None:
    doc = mixed_round()
    doc["budgets"] = {"10": "160000"}
    plan = h.compute(doc)
    # 80,000 + 80,000 + 25,000.50 = 185,000.50 -> 160,000: 69,187.56…, 69,187.56…, 21,624.86…
    cat = plan["categories"]["10"]
    assert cat["entitled"] == "185000.50"
    assert cat["paid"] == "160000.00"
    assert cat["budget"] == "160000.00"
    assert cat["factor"] == "0.864863"
    a10, a9, b = (h.paid(plan, i)["10"] for i in ("A10", "A9", "B"))
    assert cents(a10) + cents(a9) + cents(b) == 16000000
    # 8,000,000 × 16,000,000 / 18,500,050 = 6,918,900.22… fen; 2,500,050 × … = 2,162,199.55… fen
    # floors: 6,918,900 + 6,918,900 + 2,162,199 = 15,999,999 -> 1 fen to B (0.55 > 0.22)
    assert (a10, a9, b) == ("69189.00", "69189.00", "21622.00")


def test_total_is_the_sum_of_paid_and_categories_match_lines() -> None:
    for switches in ({}, {"annual_cap": "scale_all"}, {"rounding_unit": "1", "art19_scope": "item"}):
        doc = mixed_round()
        doc["interpretation"] = switches
        doc["budgets"] = {"total": "300000", "10": "150000"}
        plan = h.compute(doc)
        grand = 0
        per_line: dict[str, list[int]] = {}
        for entry in plan["applicants"]:
            own = 0
            for ln in entry["lines"]:
                own += cents(ln["paid"])
                assert cents(ln["paid"]) <= cents(ln["entitled"])
                if ln["excluded"]:
                    assert ln["paid"] == "0.00"
                    continue
                sums = per_line.setdefault(ln["article"], [0, 0])
                sums[0] += cents(ln["entitled"])
                sums[1] += cents(ln["paid"])
            assert cents(entry["total"]) == own
            grand += own
        assert cents(plan["total"]) == grand
        assert cents(plan["total"]) + cents(plan["commitments_total"]) <= 30000000
        assert set(plan["categories"]) == set(per_line)
        for article, (entitled, paid) in per_line.items():
            cat = plan["categories"][article]
            assert cents(cat["entitled"]) == entitled
            assert cents(cat["paid"]) == paid
            assert ("budget" in cat) == (article in {"7", "8", "10"})
            assert ("factor" in cat) == (paid < entitled)


def test_category_keys_in_line_order() -> None:
    plan = h.compute(mixed_round())
    assert list(plan["categories"]) == ["5.1", "5.2", "6", "7", "8", "9", "10"]
    for article, cat in plan["categories"].items():
        keys = {"entitled", "paid"} | ({"budget"} if article in {"7", "8", "10"} else set())
        assert set(cat) == keys


def test_factor_has_six_decimals() -> None:
    doc = mixed_round()
    doc["budgets"] = {"10": "160000"}
    factor = h.compute(doc)["categories"]["10"]["factor"]
    assert re.fullmatch(r"\d\.\d{6}", str(factor))


def test_applicants_in_input_order_and_shuffling_only_reorders() -> None:
    doc = mixed_round()
    doc["budgets"] = {"10": "160000", "total": "300000"}
    base = h.compute(doc)
    rng = random.Random(20250331)
    for _ in range(5):
        shuffled = dict(doc)
        shuffled["applicants"] = rng.sample(doc["applicants"], len(doc["applicants"]))
        plan = h.compute(shuffled)
        assert [a["id"] for a in plan["applicants"]] == [a["id"] for a in shuffled["applicants"]]
        assert {a["id"]: a for a in plan["applicants"]} == {a["id"]: a for a in base["applicants"]}
        assert {k: v for k, v in plan.items() if k != "applicants"} == {
            k: v for k, v in base.items() if k != "applicants"
        }


def test_commitments_total() -> None:
    plan = h.compute(
        h.round_doc(
            [],
            commitments=[
                {"article": "11", "label": "a", "amount": "1000.10"},
                {"article": "12", "label": "b", "amount": 120000},
                {"article": "13", "label": "c", "amount": "0.05"},
                {"article": "22", "label": "d", "amount": "99.99"},
            ],
        )
    )
    assert plan["commitments_total"] == "121100.14"
    assert plan["total"] == "0.00"


def test_money_as_json_number_equals_money_as_string() -> None:
    as_text = '{"sales_year": 2025, "applicants": [{"id": "A001", "online_sales": 1200000.5, ' + (
        '"loan_interest_paid": 10.15, "local_product_seller": true, "promotion_fees": 80000}]}'
    )
    as_strings = h.round_doc(
        [
            h.applicant(
                "A001",
                online_sales="1200000.50",
                loan_interest_paid="10.15",
                local_product_seller=True,
                promotion_fees="80000.00",
            )
        ]
    )
    assert h.compute_text(as_text) == h.compute(as_strings)
    assert h.paid(h.compute(as_strings)) == {"5.1": "50000.00", "5.2": "3.05", "7": "12000.00"}


def test_custom_budgets_are_echoed() -> None:
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
    cats = h.compute(h.round_doc(applicants, budgets={"7": "12345.67", "8": "500000", "10": "40000"}))[
        "categories"
    ]
    assert cats["7"] == {
        "entitled": "15000.00",
        "budget": "12345.67",
        "paid": "12345.67",
        "factor": "0.823045",
    }
    assert cats["8"] == {"entitled": "30000.00", "budget": "500000.00", "paid": "30000.00"}
    assert cats["10"] == {
        "entitled": "50000.00",
        "budget": "40000.00",
        "paid": "40000.00",
        "factor": "0.800000",
    }


def test_same_input_same_output() -> None:
    doc = mixed_round()
    first = json.dumps(h.compute(doc), ensure_ascii=False, sort_keys=False)
    second = json.dumps(h.compute(doc), ensure_ascii=False, sort_keys=False)
    assert first == second


def test_as_of_default_is_31_march_of_the_next_year() -> None:
    for year in (2025, 2026, 2027):
        default = h.compute(
            h.round_doc([h.applicant("A", banned_until=f"{year + 1}-03-31")], sales_year=year)
        )
        explicit = h.compute(
            h.round_doc(
                [h.applicant("A", banned_until=f"{year + 1}-03-31")],
                sales_year=year,
                as_of=f"{year + 1}-03-31",
            )
        )
        assert default == explicit
        assert h.one(default, "A")["reasons"] == ["BANNED"]


# --- Validation (Python API) --------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "text", "needles"), h.ERROR_CASES, ids=[c[0] for c in h.ERROR_CASES])
def test_bad_round_file_raises(name: str, text: str, needles: tuple[str, ...]) -> None:
    error = h.parse_error(text)
    message = str(error)
    for needle in needles:
        assert needle in message, f"{name}: {needle!r} not in {message!r}"


@pytest.mark.parametrize(("name", "text"), h.VALID_EDGE_CASES, ids=[c[0] for c in h.VALID_EDGE_CASES])
def test_valid_edge_cases_compute(name: str, text: str) -> None:
    plan = h.compute_text(text)
    assert AMOUNT.match(plan["total"])


def test_invalid_json_raises() -> None:
    with pytest.raises(h.RoundFileError):
        h.compute_text('{"sales_year": 2025, "applicants": [')


def test_ten_to_the_twelve_is_accepted_and_rewarded() -> None:
    plan = h.compute(h.round_doc([h.applicant("A001", online_sales="1000000000000")]))
    assert h.paid(plan) == {"5.1": "50000.00"}
