"""Dated parameters (policy-rules §2): an amendment is a new dated entry, not an edit.

A value applies to a sales year when its validity range contains 1 January of that year; where entries
overlap the later `valid_from` wins. A year the file does not cover is an error, never a silent zero.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from alarfund.policy.engine import compute_round
from alarfund.policy.parameters import DEFAULT_PARAMETERS_FILE, parameters_for
from alarfund.policy.report import plan_dict
from alarfund.policy.roundfile import RoundFileError, parse_round

ORIGINAL = DEFAULT_PARAMETERS_FILE.read_text(encoding="utf-8")


def amendment(key: str, value: str, valid_from: str, valid_to: str, article: str = "10") -> str:
    return f"""
[[parameter]]
key = "{key}"
value = {value}
unit = "CNY"
article = "{article}"
note = "修订：单个企业（个体经营户）快递补贴资金最高不超过 6 万元/年"
valid_from = {valid_from}
valid_to = {valid_to}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name  # a new name per file: parameter files are cached by path
    path.write_text(text, encoding="utf-8")
    return path


def round_doc(year: int) -> dict[str, Any]:
    return {
        "sales_year": year,
        "applicants": [
            {"id": "K1", "parcels": 160_000},  # 80,000 under the original cap, 60,000 under the amendment
            {"id": "K2", "parcels": 100_000},  # 50,000 under both caps
            {"id": "K3", "parcels": 130_000, "local_product_seller": True, "promotion_fees": "80000"},
        ],
    }


def plan(year: int, parameters_file: Path = DEFAULT_PARAMETERS_FILE, lang: str = "zh-hans") -> dict[str, Any]:
    facts, params = parse_round(round_doc(year), parameters_file=parameters_file)
    return plan_dict(compute_round(facts, params), lang)


def express_line(plan_: dict[str, Any], applicant_id: str) -> dict[str, Any]:
    (applicant,) = [a for a in plan_["applicants"] if a["id"] == applicant_id]
    (line,) = [line for line in applicant["lines"] if line["article"] == "10"]
    return line


@pytest.fixture
def amended(tmp_path: Path) -> Path:
    """The shipped parameters plus one amendment: the Art. 10 cap is 60,000 for sales year 2027 only."""
    return write(
        tmp_path, "amended.toml", ORIGINAL + amendment("art10.cap", '"60000"', "2027-01-01", "2027-12-31")
    )


@pytest.mark.parametrize("year", [2025, 2026])
def test_amendment_leaves_earlier_years_unchanged(amended: Path, year: int) -> None:
    assert plan(year, amended) == plan(year)
    assert plan(year, amended, "en") == plan(year, lang="en")
    params = parameters_for(year, amended)
    assert params.art10_cap == 80_000_00
    assert params.entries["art10.cap"].valid_from == dt.date(2025, 1, 1)


def test_amendment_changes_the_year_it_covers(amended: Path) -> None:
    before, after = plan(2027), plan(2027, amended)
    assert after != before
    assert express_line(before, "K1")["entitled"] == "80000.00"
    assert express_line(after, "K1")["entitled"] == "60000.00"
    assert express_line(after, "K3")["entitled"] == "60000.00"
    for field in ("entitled", "paid"):  # 50,000 is under both caps
        assert express_line(after, "K2")[field] == express_line(before, "K2")[field] == "50000.00"
    assert after["total"] == "182000.00"  # 60,000 + 50,000 + 60,000 + 12,000 (Art. 7, unchanged)
    # The explanation cites the cap in force, not the old one.
    zh = express_line(after, "K1")["explanation"]
    assert "单户上限 60,000.00，应享 60,000.00" in zh and "单户上限 80,000.00" not in zh, zh
    en = express_line(plan(2027, amended, "en"), "K1")["explanation"]
    assert "capped at 60,000.00 per applicant: 60,000.00" in en and "80,000.00 per" not in en, en
    # The parameters record which entry was used, so the round can be recomputed later.
    used = parameters_for(2027, amended).entries["art10.cap"]
    assert (used.value, used.valid_from, used.valid_to) == (
        "60000",
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 31),
    )


def test_an_amendment_from_mid_year_applies_from_the_next_sales_year(tmp_path: Path) -> None:
    """In force from 1 July 2026: 1 January 2026 is not in its range, 1 January 2027 is."""
    path = write(
        tmp_path, "mid_year.toml", ORIGINAL + amendment("art10.cap", '"60000"', "2026-07-01", "2027-12-31")
    )
    assert plan(2026, path) == plan(2026)
    assert express_line(plan(2027, path), "K1")["entitled"] == "60000.00"


def test_a_file_whose_coverage_ends_in_2026_refuses_2027(tmp_path: Path) -> None:
    text = ORIGINAL.replace("valid_to = 2027-12-31", "valid_to = 2026-12-31")
    text = text.replace("value = 2027-12-31", "value = 2026-12-31")
    assert "2027-" not in text
    path = write(tmp_path, "ends_2026.toml", text)
    assert plan(2026, path) == plan(2026)
    with pytest.raises(RoundFileError) as caught:
        parse_round(round_doc(2027), parameters_file=path)
    assert caught.value.field == "sales_year"
    assert "OUTSIDE_POLICY_PERIOD" in caught.value.en and "OUTSIDE_POLICY_PERIOD" in caught.value.zh
    assert "2027" in caught.value.en


def test_one_value_not_covered_for_the_year_is_an_error_not_a_zero(tmp_path: Path) -> None:
    """The period still reaches 2027 but the Art. 10 cap stops at 2026: a 2027 round must not compute."""
    text = ORIGINAL.replace(
        'key = "art10.cap"\nvalue = "80000"\nunit = "CNY"\narticle = "10"\n'
        'note = "单个企业（个体经营户）补贴资金最高不超过 8 万元/年"\n'
        "valid_from = 2025-01-01\nvalid_to = 2027-12-31",
        'key = "art10.cap"\nvalue = "80000"\nunit = "CNY"\narticle = "10"\n'
        'note = "单个企业（个体经营户）补贴资金最高不超过 8 万元/年"\n'
        "valid_from = 2025-01-01\nvalid_to = 2026-12-31",
    )
    assert text != ORIGINAL
    path = write(tmp_path, "art10_cap_ends_2026.toml", text)
    assert plan(2026, path) == plan(2026)
    with pytest.raises(RoundFileError) as caught:
        parse_round(round_doc(2027), parameters_file=path)
    assert caught.value.field == "sales_year"
    assert "art10.cap" in caught.value.en


def test_a_key_missing_from_the_file_is_a_round_file_error(tmp_path: Path) -> None:
    blocks = ORIGINAL.split("[[parameter]]")
    text = "[[parameter]]".join(block for block in blocks if 'key = "art7.cap"' not in block)
    assert 'key = "art7.cap"' not in text
    path = write(tmp_path, "no_art7_cap.toml", text)
    with pytest.raises(RoundFileError) as caught:
        parse_round(round_doc(2025), parameters_file=path)
    assert "art7.cap" in caught.value.en


def test_the_shipped_file_refuses_years_outside_2025_to_2027() -> None:
    for year in (2024, 2028):
        with pytest.raises(RoundFileError) as caught:
            parse_round(round_doc(year))
        assert "OUTSIDE_POLICY_PERIOD" in caught.value.en
