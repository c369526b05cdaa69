"""Explanations (both languages, one applicant alone), the JSON writer and the plan spreadsheet."""

import json
from decimal import Decimal

import openpyxl
import pytest

from alarfund.policy.engine import compute_round
from alarfund.policy.explain import Explainer, explain_applicant
from alarfund.policy.report import plan_dict, plan_json_chunks
from alarfund.policy.roundfile import parse_round
from alarfund.policy.spreadsheet import write_plan_xlsx


def round_doc(**overrides):
    applicants = [
        {
            "id": "A001",
            "name": '=HYPERLINK("http://evil")',
            "online_sales": "1200000",
            "loan_interest_paid": "30000.05",
            "local_product_seller": True,
            "promotion_fees": "80000",
            "parcels": 160000,
        },
        {
            "id": "A002",
            "name": "甲",
            "online_sales": "12000000",
            "local_brand_seller": True,
            "parcels": 160000,
        },
        {"id": "A003", "name": "乙", "entity_type": "branch", "major_incident": True},
    ] + [{"id": f"B{i:03d}", "parcels": 160000} for i in range(20)]
    doc = {"sales_year": 2025, "applicants": applicants}
    doc.update(overrides)
    return doc


def computed(doc):
    facts, params = parse_round(doc)
    return compute_round(facts, params)


def test_streamed_json_equals_the_document():
    result = computed(round_doc())
    streamed = "".join(plan_json_chunks(result))
    assert streamed == json.dumps(plan_dict(result), ensure_ascii=False, separators=(",", ":")) + "\n"


def test_explanations_in_both_languages_cite_articles_and_arithmetic():
    result = computed(round_doc())
    zh = {line.article: line.text for line in explain_applicant(result, "A001")}
    en = {line.article: line.text for line in explain_applicant(result, "A001", lang="en")}
    assert zh.keys() == en.keys() == {"5.1", "5.2", "7", "10"}
    assert zh["5.2"].startswith("第五条(二)") and "30,000.05 × 30% = 9,000.02" in zh["5.2"]
    assert en["5.2"].startswith("Art. 5(2)") and "30,000.05 × 30% = 9,000.02" in en["5.2"]
    assert "1,000,000.00（不含本数）" in zh["5.1"] and "(exclusive)" in en["5.1"]
    # the express budget binds: the explanation names the budget, the total and the factor
    assert "1,600,000.00" in zh["10"] and "按系数" in zh["10"] and "实发" in zh["10"]
    assert "scaled by" in en["10"] and "paid" in en["10"]
    art19 = {line.article: line for line in explain_applicant(result, "A002")}
    assert "第十九条" in art19["6"].text


def test_one_applicant_alone_matches_the_bulk_explanations():
    result = computed(round_doc())
    n = len(result.facts.applicants)
    blocks = [Explainer(result, rows=range(0, 5)), Explainer(result, rows=range(5, n))]
    single = Explainer(result)
    for i in range(n):
        assert blocks[0 if i < 5 else 1].lines(i) == single.lines(i)


def test_ineligibility_is_explained():
    result = computed(round_doc())
    explainer = Explainer(result)
    reasons = explainer.ineligibility(2)
    assert reasons[0].startswith("第十四条(一)：") and reasons[0].endswith("（NOT_LEGAL_PERSON）")
    assert any(r.startswith("第二十一条：") and r.endswith("（MAJOR_INCIDENT）") for r in reasons)
    english = Explainer(result, "en").ineligibility(2)[0]
    assert english.startswith("Art. 14(1): ") and english.endswith(" (NOT_LEGAL_PERSON)")


def test_plan_spreadsheet_reads_back_with_the_right_totals(tmp_path):
    result = computed(round_doc())
    path = tmp_path / "plan.xlsx"
    write_plan_xlsx(result, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["汇总", "承诺事项", "申请人", "奖励明细"]
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row and row[0]}
    assert Decimal(str(summary["企业奖励合计"])) == Decimal(plan_dict(result)["total"])
    applicants = list(book["申请人"].iter_rows(min_row=2, values_only=True))
    assert sum(Decimal(str(row[4])) for row in applicants) == Decimal(plan_dict(result)["total"])
    # the hostile name is text, never a formula
    names = [row[1] for row in applicants]
    assert names[0] == '\'=HYPERLINK("http://evil")'
    lines = list(book["奖励明细"].iter_rows(min_row=2, values_only=True))
    assert {row[2] for row in lines if row[0] == "A001"} == {"5.1", "5.2", "7", "10"}


def test_streamed_json_is_the_same_across_block_boundaries(monkeypatch):
    from alarfund.policy import report

    result = computed(round_doc())
    whole = "".join(plan_json_chunks(result))
    monkeypatch.setattr(report, "BLOCK", 7)
    assert "".join(plan_json_chunks(result)) == whole
    assert json.dumps(plan_dict(result), ensure_ascii=False, separators=(",", ":")) + "\n" == whole


def test_parallel_rendering_gives_the_same_bytes(monkeypatch):
    from alarfund.policy import report

    result = computed(round_doc())
    whole = "".join(plan_json_chunks(result))
    monkeypatch.setattr(report, "BLOCK", 4)
    assert "".join(plan_json_chunks(result, workers=2)) == whole


def test_the_bureaus_adjustments_lower_a_line_never_raise_it():
    from alarfund.policy.facts import LimitError, with_limits

    facts, params = parse_round(round_doc())
    # A001: 5.1 50,000; 5.2 9,000.02; 7 12,000; 10 80,000 before the budget
    adjusted = with_limits(facts, {"A001": {"5.2": 5_000_00, "7": 99_000_00}, "A002": {"6": 40_000_00}})
    result = compute_round(adjusted, params)
    lines = {line.article: line for line in Explainer(result).lines(0)}
    assert lines["5.2"].entitled == 5_000_00 and "商务局核减：本项核定为 5,000.00" in lines["5.2"].text
    assert "9,000.02" in lines["5.2"].text  # the article's own arithmetic is still shown
    assert lines["7"].entitled == 12_000_00  # a limit above the formula changes nothing
    # A002: Art. 6 lowered to 40,000 now loses to Art. 5 (50,000) under Art. 19
    a002 = {line.article: line for line in Explainer(result).lines(1)}
    assert a002["6"].excluded and not a002["5.1"].excluded
    with pytest.raises(LimitError):
        with_limits(facts, {"NOPE": {"5.1": 1}})
    with pytest.raises(LimitError):
        with_limits(facts, {"A001": {"11": 1}})
    with pytest.raises(LimitError):
        with_limits(facts, {"A001": {"5.1": -1}})
