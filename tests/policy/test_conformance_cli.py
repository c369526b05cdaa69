"""Conformance: `alarfund compute ROUND.json [--output plan.xlsx] [--lang en]` (round-file.md).

Exit 0 with the plan as JSON on standard output; exit 2 with one line on standard error naming the
applicant and the field, never a traceback. The same input always gives byte-identical output.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from alarfund.cli import main

try:
    from . import conformance_helpers as h
except ImportError:  # tests/policy is not a package: the helper sits next to this file
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import conformance_helpers as h


def mixed_round() -> dict[str, Any]:
    ids = [f"A{n}" for n in range(1, 23)]  # "A1" < "A10" < "A11" < … < "A2" < "A20" …
    applicants = [h.applicant(i, parcels=160000) for i in ids]
    applicants += [
        h.applicant("T", online_sales="6000000", local_brand_seller=True),
        h.applicant("U", online_sales="2000000", loan_interest_paid="10.15", major_incident=True),
        h.applicant(
            "V", online_sales="1500000", loan_interest_paid="10.15", demonstrations=[{"level": "national"}]
        ),
        h.applicant("W", local_product_seller=True, promotion_fees="333333.30"),
    ]
    return h.round_doc(applicants, commitments=[{"article": "12", "label": "大数据服务", "amount": "120000"}])


def write(tmp_path: Path, doc: dict[str, Any] | str, name: str = "round.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def assert_clean_error(
    returncode: int, stdout: str | bytes, stderr: str | bytes, needles: tuple[str, ...]
) -> None:
    err = stderr.decode("utf-8") if isinstance(stderr, bytes) else stderr
    assert returncode == 2, err
    assert not stdout, "nothing on standard output for bad input"
    assert "Traceback" not in err
    assert err.strip(), "a message on standard error"
    assert "\n" not in err.strip(), f"one line only: {err!r}"
    for needle in needles:
        assert needle in err, f"{needle!r} not in {err!r}"


# --- Success ------------------------------------------------------------------------------------------------


def test_compute_prints_the_plan(tmp_path: Path) -> None:
    doc = mixed_round()
    result = h.run_cli("compute", str(write(tmp_path, doc)))
    assert result.returncode == 0, result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()
    plan = json.loads(result.stdout)
    assert plan == h.compute(doc)
    # the 22 express lines: 22 × 80,000 = 1,760,000 > 1,600,000 -> 72,727.2727… each, 6 fen left
    ids_in_string_order = sorted(f"A{n}" for n in range(1, 23))
    expected = {i: ("72727.28" if k < 6 else "72727.27") for k, i in enumerate(ids_in_string_order)}
    got = {a["id"]: a["lines"][0]["paid"] for a in plan["applicants"] if a["id"].startswith("A")}
    assert got == expected
    assert plan["categories"]["10"] == {
        "entitled": "1760000.00",
        "budget": "1600000.00",
        "paid": "1600000.00",
        "factor": "0.909091",
    }
    assert plan["commitments_total"] == "120000.00"
    # T: 50,000 (Art. 6 on the tie); V: 50,000 + 3.05 + 60,000; W: 50,000.00 (49,999.995)
    assert plan["total"] == "1810003.05"


def test_byte_identical_output(tmp_path: Path) -> None:
    path = write(tmp_path, mixed_round())
    first = h.run_cli("compute", str(path))
    second = h.run_cli("compute", str(path))
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    assert first.stdout


def test_shuffled_applicants_change_only_the_order(tmp_path: Path) -> None:
    doc = mixed_round()
    shuffled = dict(doc)
    shuffled["applicants"] = random.Random(7).sample(doc["applicants"], len(doc["applicants"]))
    a = json.loads(h.run_cli("compute", str(write(tmp_path, doc, "a.json"))).stdout)
    b = json.loads(h.run_cli("compute", str(write(tmp_path, shuffled, "b.json"))).stdout)
    assert [x["id"] for x in b["applicants"]] == [x["id"] for x in shuffled["applicants"]]
    assert {x["id"]: x for x in a["applicants"]} == {x["id"]: x for x in b["applicants"]}
    assert {k: v for k, v in a.items() if k != "applicants"} == {
        k: v for k, v in b.items() if k != "applicants"
    }


def test_lang_en_changes_only_the_explanations(tmp_path: Path) -> None:
    path = write(tmp_path, mixed_round())
    zh = json.loads(h.run_cli("compute", str(path)).stdout)
    result = h.run_cli("compute", str(path), "--lang", "en")
    assert result.returncode == 0, result.stderr.decode()
    en = json.loads(result.stdout)

    def strip(plan: dict[str, Any]) -> dict[str, Any]:
        plan = json.loads(json.dumps(plan))
        for entry in plan["applicants"]:
            for ln in entry["lines"]:
                ln.pop("explanation")
        return plan

    assert strip(zh) == strip(en)
    explanations = [ln["explanation"] for a in en["applicants"] for ln in a["lines"]]
    assert explanations
    assert all(isinstance(text, str) and text for text in explanations)


def test_output_xlsx_is_written(tmp_path: Path) -> None:
    path = write(tmp_path, mixed_round())
    target = tmp_path / "plan.xlsx"
    result = h.run_cli("compute", str(path), "--output", str(target))
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout) == json.loads(h.run_cli("compute", str(path)).stdout)
    assert target.exists()
    assert zipfile.is_zipfile(target)


def test_spec_example_via_cli(tmp_path: Path) -> None:
    doc = {
        "sales_year": 2025,
        "as_of": "2026-03-31",
        "budgets": {"total": "5000000", "7": "1000000", "8": "600000", "10": "1600000"},
        "commitments": [{"article": "12", "label": "big-data service", "amount": "120000"}],
        "interpretation": {"art5_threshold": "exclusive"},
        "applicants": [
            {
                "id": "A001",
                "name": "示例电商有限公司",
                "online_sales": "1200000.00",
                "total_sales": "1500000.00",
                "loan_interest_paid": "30000",
                "local_product_seller": True,
                "promotion_fees": "80000",
                "demonstrations": [{"level": "provincial", "first_time": True, "amount": "30000"}],
                "parcels": 60000,
            }
        ],
    }
    result = h.run_cli("compute", str(write(tmp_path, doc)))
    assert result.returncode == 0
    plan = json.loads(result.stdout)
    assert plan["total"] == "131000.00"
    assert plan["commitments_total"] == "120000.00"
    assert plan["applicants"][0]["total"] == "131000.00"


# --- Errors: the whole table in-process (fast), a sample as real processes ---------------------------------


@pytest.mark.parametrize(("name", "text", "needles"), h.ERROR_CASES, ids=[c[0] for c in h.ERROR_CASES])
def test_bad_input_exit_2_in_process(
    name: str, text: str, needles: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, text)
    code = main(["compute", str(path)])
    out, err = capsys.readouterr()
    assert_clean_error(code, out, err, needles)


@pytest.mark.parametrize(("name", "text"), h.VALID_EDGE_CASES, ids=[c[0] for c in h.VALID_EDGE_CASES])
def test_valid_edge_cases_exit_0_in_process(
    name: str, text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["compute", str(write(tmp_path, text))])
    out, err = capsys.readouterr()
    assert code == 0, err
    json.loads(out)


SUBPROCESS_SAMPLE = [
    "unknown top-level field",
    "unknown applicant field",
    "duplicate id",
    "NaN literal",
    "3 decimals number",
    "sales year 2028",
    "commitments above the default cap",
    "unknown switch",
]


@pytest.mark.parametrize("name", SUBPROCESS_SAMPLE)
def test_bad_input_exit_2_as_a_process(name: str, tmp_path: Path) -> None:
    (text, needles) = next((t, n) for case, t, n in h.ERROR_CASES if case == name)
    result = h.run_cli("compute", str(write(tmp_path, text)))
    assert_clean_error(result.returncode, result.stdout, result.stderr, needles)


def test_invalid_json(tmp_path: Path) -> None:
    for text in ('{"sales_year": 2025, "applicants": [', "not json at all", ""):
        result = h.run_cli("compute", str(write(tmp_path, text)))
        assert_clean_error(result.returncode, result.stdout, result.stderr, ())


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-round.json"
    result = h.run_cli("compute", str(missing))
    assert_clean_error(result.returncode, result.stdout, result.stderr, ("no-such-round.json",))


def test_commitments_above_cap_message(tmp_path: Path) -> None:
    doc = h.round_doc(
        [h.applicant("A001", online_sales="2000000")],
        budgets={"total": "100000"},
        commitments=[{"article": "22", "label": "x", "amount": "100000.01"}],
    )
    result = h.run_cli("compute", str(write(tmp_path, doc)))
    assert_clean_error(result.returncode, result.stdout, result.stderr, ("commitments",))


def test_commitments_equal_to_cap_is_a_plan(tmp_path: Path) -> None:
    doc = h.round_doc(
        [h.applicant("A001", online_sales="2000000")],
        budgets={"total": "100000"},
        commitments=[{"article": "22", "label": "x", "amount": "100000"}],
    )
    result = h.run_cli("compute", str(write(tmp_path, doc)))
    assert result.returncode == 0, result.stderr.decode()
    plan = json.loads(result.stdout)
    assert plan["total"] == "0.00"
    assert plan["commitments_total"] == "100000.00"


def test_minimal_c_locale_environment(tmp_path: Path) -> None:
    """Chinese explanations and messages must not break under a bare C locale."""
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}
    good = write(tmp_path, mixed_round(), "good.json")
    ok = subprocess.run([str(h.ALARFUND), "compute", str(good)], capture_output=True, env=env, check=False)
    assert ok.returncode == 0, ok.stderr.decode("utf-8", "replace")
    assert json.loads(ok.stdout.decode("utf-8")) == h.compute(mixed_round())
    bad = write(tmp_path, h.round_doc([h.applicant("A001", online_sales="-1")]), "bad.json")
    err = subprocess.run([str(h.ALARFUND), "compute", str(bad)], capture_output=True, env=env, check=False)
    assert_clean_error(
        err.returncode, err.stdout, err.stderr.decode("utf-8", "replace"), ("A001", "online_sales")
    )
