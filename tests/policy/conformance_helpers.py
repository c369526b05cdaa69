"""Shared helpers of the independent conformance suite (policy-rules.md, round-file.md).

Expected values in the tests are derived by hand from the specs, never from the engine. These helpers
only build round documents, run the engine (Python API or the `alarfund compute` command) and pick
pieces out of the plan.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from alarfund.policy.engine import compute_round
from alarfund.policy.report import plan_dict
from alarfund.policy.roundfile import RoundFileError, load_json, parse_round

REPO = Path(__file__).resolve().parents[2]
ALARFUND = Path(sys.executable).with_name("alarfund")

#: policy-rules §6: every switch with its default.
DEFAULT_SWITCHES = {
    "art5_threshold": "exclusive",
    "art7_threshold": "exclusive",
    "art19_scope": "article",
    "proration": "scale_awards",
    "rounding_unit": "0.01",
    "sales_basis": "online",
    "annual_cap": "scale_unbudgeted",
}

#: policy-rules §3, in table order (OUTSIDE_POLICY_PERIOD is a round error, not an applicant reason).
REASON_ORDER = (
    "NOT_REGISTERED",
    "NOT_LEGAL_PERSON",
    "CREDIT_OR_TAX_VIOLATION",
    "FALSE_MATERIAL_RECORD",
    "STATISTICS_NOT_REPORTED",
    "MAJOR_INCIDENT",
    "BANNED",
    "FOUR_ABOVE_CONFLICT",
)

LINE_ORDER = ("5.1", "5.2", "6", "7", "8", "9", "10")

__all__ = [
    "ALARFUND",
    "DEFAULT_SWITCHES",
    "ERROR_CASES",
    "LINE_ORDER",
    "REASON_ORDER",
    "REPO",
    "VALID_EDGE_CASES",
    "RoundFileError",
    "applicant",
    "compute",
    "compute_text",
    "line",
    "lines_by_article",
    "one",
    "paid",
    "parse_error",
    "round_doc",
    "run_cli",
]


def applicant(applicant_id: str = "A001", **fields: Any) -> dict[str, Any]:
    """An applicant with only the given fields (everything else takes the round file's defaults)."""
    return {"id": applicant_id, **fields}


def round_doc(
    applicants: list[dict[str, Any]],
    *,
    sales_year: int = 2025,
    switches: dict[str, Any] | None = None,
    **top: Any,
) -> dict[str, Any]:
    doc: dict[str, Any] = {"sales_year": sales_year}
    if switches:
        doc["interpretation"] = dict(switches)
    doc.update(top)
    doc["applicants"] = applicants
    return doc


def compute(doc: dict[str, Any]) -> dict[str, Any]:
    """The plan document through the Python API (round-trip through JSON text, as the CLI reads it)."""
    return compute_text(json.dumps(doc, ensure_ascii=False))


def compute_text(text: str) -> dict[str, Any]:
    facts, params = parse_round(load_json(text))
    return plan_dict(compute_round(facts, params))


def parse_error(text: str) -> RoundFileError:
    """The RoundFileError raised for a round file given as JSON text (fails the test if none)."""
    try:
        facts, params = parse_round(load_json(text))
        compute_round(facts, params)
    except RoundFileError as exc:
        return exc
    raise AssertionError(f"no RoundFileError for {text[:200]!r}")


def one(plan: dict[str, Any], applicant_id: str = "A001") -> dict[str, Any]:
    matches = [a for a in plan["applicants"] if a["id"] == applicant_id]
    assert len(matches) == 1, f"applicant {applicant_id!r} not exactly once in the plan"
    return matches[0]


def lines_by_article(plan: dict[str, Any], applicant_id: str = "A001") -> dict[str, dict[str, Any]]:
    entry = one(plan, applicant_id)
    result = {ln["article"]: ln for ln in entry["lines"]}
    assert len(result) == len(entry["lines"]), "an article appears twice in one applicant's lines"
    return result


def line(plan: dict[str, Any], article: str, applicant_id: str = "A001") -> dict[str, Any] | None:
    return lines_by_article(plan, applicant_id).get(article)


def paid(plan: dict[str, Any], applicant_id: str = "A001") -> dict[str, str]:
    """{article: paid} for one applicant."""
    return {a: ln["paid"] for a, ln in lines_by_article(plan, applicant_id).items()}


def run_cli(*args: str, cwd: Path | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("ALARFUND_DEBUG", None)
    return subprocess.run(
        [str(ALARFUND), *args],
        cwd=cwd or REPO,
        input=stdin,
        capture_output=True,
        timeout=60,
        env=env,
        check=False,
    )


# --- Bad round files (round-file.md "Errors (exit 2)") --------------------------------------------------


def _doc_text(applicant_fields: dict[str, Any] | None = None, **top: Any) -> str:
    doc: dict[str, Any] = {"sales_year": 2025, **top}
    doc.setdefault("applicants", [{"id": "A001", **(applicant_fields or {})}])
    return json.dumps(doc, ensure_ascii=False)


def _raw_field(field: str, raw: str, applicant_id: str = "A001") -> str:
    """A round file whose applicant has `field` written as the raw JSON text `raw` (NaN literals etc.)."""
    return (
        '{"sales_year": 2025, "applicants": [{"id": "OK1"}, '
        f'{{"id": "{applicant_id}", "{field}": {raw}}}]}}'
    )


#: (name, round-file text, substrings the one-line message must contain)
ERROR_CASES: list[tuple[str, str, tuple[str, ...]]] = [
    ("unknown top-level field", _doc_text(colour="red"), ("colour",)),
    ("unknown applicant field", _doc_text({"colour": "red"}), ("A001", "colour")),
    (
        "unknown applicant field, second applicant",
        _raw_field("favourite_colour", '"red"', "B002"),
        ("B002", "favourite_colour"),
    ),
    (
        "duplicate id",
        _doc_text(applicants=[{"id": "A001"}, {"id": "A002"}, {"id": "A001"}]),
        ("A001", "id"),
    ),
    ("missing id", _doc_text(applicants=[{"id": "A001"}, {"online_sales": "1"}]), ("id",)),
    ("negative string", _doc_text({"online_sales": "-1"}), ("A001", "online_sales")),
    ("negative number", _doc_text({"promotion_fees": -5}), ("A001", "promotion_fees")),
    ("negative cents", _doc_text({"loan_interest_paid": "-0.01"}), ("A001", "loan_interest_paid")),
    ("NaN string", _doc_text({"loan_interest_paid": "NaN"}), ("A001", "loan_interest_paid")),
    ("nan string lower case", _doc_text({"online_sales": "nan"}), ("A001", "online_sales")),
    ("NaN literal", _raw_field("online_sales", "NaN"), ("A001", "online_sales")),
    ("Infinity string", _doc_text({"total_sales": "Infinity"}), ("A001", "total_sales")),
    ("-Infinity string", _doc_text({"total_sales": "-Infinity"}), ("A001", "total_sales")),
    ("Infinity literal", _raw_field("inland_warehouse_rent", "Infinity"), ("A001", "inland_warehouse_rent")),
    ("-Infinity literal", _raw_field("promotion_fees", "-Infinity"), ("A001", "promotion_fees")),
    ("not a number", _doc_text({"online_sales": "abc"}), ("A001", "online_sales")),
    ("empty string", _doc_text({"online_sales": ""}), ("A001", "online_sales")),
    ("boolean as money", _doc_text({"online_sales": True}), ("A001", "online_sales")),
    ("list as money", _doc_text({"online_sales": [1]}), ("A001", "online_sales")),
    ("3 decimals string", _doc_text({"online_sales": "1.234"}), ("A001", "online_sales")),
    ("3 decimals number", _raw_field("online_sales", "1.234"), ("A001", "online_sales")),
    ("3 decimals interest", _doc_text({"loan_interest_paid": "100.001"}), ("A001", "loan_interest_paid")),
    ("above 10^12 string", _doc_text({"online_sales": "1000000000000.01"}), ("A001", "online_sales")),
    ("above 10^12 number", _raw_field("total_sales", "1000000000001"), ("A001", "total_sales")),
    ("above 10^12 huge", _doc_text({"promotion_fees": "1" + "0" * 30}), ("A001", "promotion_fees")),
    ("bad as_of", _doc_text(as_of="2026-02-30"), ("as_of",)),
    ("as_of not ISO", _doc_text(as_of="31/03/2026"), ("as_of",)),
    ("as_of not a date", _doc_text(as_of="tomorrow"), ("as_of",)),
    ("bad banned_until", _doc_text({"banned_until": "2026-13-01"}), ("A001", "banned_until")),
    ("banned_until not a date", _doc_text({"banned_until": "soon"}), ("A001", "banned_until")),
    ("unknown level", _doc_text({"demonstrations": [{"level": "city"}]}), ("A001", "level")),
    ("level missing", _doc_text({"demonstrations": [{"amount": "1000"}]}), ("A001", "level")),
    (
        "negative demonstration amount",
        _doc_text({"demonstrations": [{"level": "national", "amount": "-1"}]}),
        ("A001", "amount"),
    ),
    (
        "demonstration amount 3 decimals",
        _doc_text({"demonstrations": [{"level": "provincial", "amount": "1.001"}]}),
        ("A001", "amount"),
    ),
    ("unknown entity type", _doc_text({"entity_type": "cooperative"}), ("A001", "entity_type")),
    ("unknown switch", _doc_text(interpretation={"art99_rule": "x"}), ("art99_rule",)),
    ("bad art5_threshold", _doc_text(interpretation={"art5_threshold": "maybe"}), ("art5_threshold",)),
    ("bad art7_threshold", _doc_text(interpretation={"art7_threshold": "at_least"}), ("art7_threshold",)),
    ("bad art19_scope", _doc_text(interpretation={"art19_scope": "both"}), ("art19_scope",)),
    ("bad proration", _doc_text(interpretation={"proration": "scale"}), ("proration",)),
    ("bad rounding_unit", _doc_text(interpretation={"rounding_unit": "0.1"}), ("rounding_unit",)),
    ("bad sales_basis", _doc_text(interpretation={"sales_basis": "offline"}), ("sales_basis",)),
    ("bad annual_cap", _doc_text(interpretation={"annual_cap": "ignore"}), ("annual_cap",)),
    ("sales year 2024", json.dumps({"sales_year": 2024, "applicants": []}), ("sales_year",)),
    ("sales year 2028", json.dumps({"sales_year": 2028, "applicants": []}), ("sales_year",)),
    ("sales year missing", json.dumps({"applicants": []}), ("sales_year",)),
    ("applicants missing", json.dumps({"sales_year": 2025}), ("applicants",)),
    # the message stays on one line even when the input's names contain line breaks
    ("newline in id", _doc_text(applicants=[{"id": "A\n1", "online_sales": "x"}]), ("online_sales",)),
    ("newline in unknown field", _doc_text({"bad\nfield": 1}), ("A001",)),
    ("thousands separator", _doc_text({"online_sales": "1,000"}), ("A001", "online_sales")),
    ("currency sign", _doc_text({"online_sales": "¥100"}), ("A001", "online_sales")),
    ("hex", _doc_text({"online_sales": "0x10"}), ("A001", "online_sales")),
    ("round file not an object", "[]", ()),
    (
        "applicants not a list",
        json.dumps({"sales_year": 2025, "applicants": {"id": "A001"}}),
        ("applicants",),
    ),
    ("applicant not an object", json.dumps({"sales_year": 2025, "applicants": ["A001"]}), ("applicants",)),
    ("commitments not a list", _doc_text(commitments="none"), ("commitments",)),
    ("interpretation not an object", _doc_text(interpretation=["art19_scope"]), ("interpretation",)),
    ("sales year boolean", json.dumps({"sales_year": True, "applicants": []}), ("sales_year",)),
    ("parcels boolean", _doc_text({"parcels": True}), ("A001", "parcels")),
    (
        "first_time not a boolean",
        _doc_text({"demonstrations": [{"level": "national", "first_time": "yes"}]}),
        ("A001", "first_time"),
    ),
    ("parcels negative", _doc_text({"parcels": -1}), ("A001", "parcels")),
    ("parcels fractional", _doc_text({"parcels": 1.5}), ("A001", "parcels")),
    ("parcels text", _doc_text({"parcels": "many"}), ("A001", "parcels")),
    ("flag not a boolean", _doc_text({"four_above_reward": "yes"}), ("A001", "four_above_reward")),
    ("budget not a number", _doc_text(budgets={"total": "abc"}), ("total",)),
    ("budget negative", _doc_text(budgets={"10": "-1"}), ("10",)),
    (
        "commitment negative",
        _doc_text(commitments=[{"article": "22", "label": "x", "amount": "-5"}]),
        ("commitments",),
    ),
    (
        "commitments above the default cap",
        _doc_text(commitments=[{"article": "11", "label": "x", "amount": "5000000.01"}]),
        ("commitments",),
    ),
    (
        "commitments above a custom cap",
        _doc_text(
            budgets={"total": "300000"},
            commitments=[
                {"article": "11", "label": "x", "amount": "200000"},
                {"article": "22", "label": "y", "amount": "100000.01"},
            ],
        ),
        ("commitments",),
    ),
]

#: Round files at the edge of validity: they must compute (exit 0).
VALID_EDGE_CASES: list[tuple[str, str]] = [
    ("10^12 exactly", _doc_text({"online_sales": "1000000000000"})),
    ("10^12 exactly as a number", _raw_field("online_sales", "1000000000000")),
    ("two decimals number", _raw_field("online_sales", "1200000.55")),
    ("one decimal", _doc_text({"online_sales": "1200000.5"})),
    ("zero", _doc_text({"online_sales": "0"})),
    ("sales year 2025", json.dumps({"sales_year": 2025, "applicants": []})),
    ("sales year 2026", json.dumps({"sales_year": 2026, "applicants": []})),
    ("sales year 2027", json.dumps({"sales_year": 2027, "applicants": []})),
    (
        "commitments equal to the default cap",
        _doc_text(commitments=[{"article": "11", "label": "x", "amount": "5000000"}]),
    ),
    (
        "commitments equal to a custom cap",
        _doc_text(
            budgets={"total": "300000"}, commitments=[{"article": "22", "label": "x", "amount": "300000"}]
        ),
    ),
    ("banned_until null", _doc_text({"banned_until": None})),
    ("empty demonstrations", _doc_text({"demonstrations": []})),
    ("every switch explicit", _doc_text(interpretation=dict(DEFAULT_SWITCHES))),
]
