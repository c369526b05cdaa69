"""The plan as an XLSX workbook (`alarfund compute --output plan.xlsx`): summary, applicants, lines.

Amounts are written as exact decimals with a two-decimal number format; text cells pass through
`safe_text` so that no applicant name can become a formula.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from alarfund.policy.eligibility import REASONS
from alarfund.policy.engine import RoundResult
from alarfund.policy.entitlements import LINES
from alarfund.policy.explain import Explainer
from alarfund.policy.money import fen_to_decimal, format_ratio
from alarfund.spreadsheets import safe_text

MONEY_FORMAT = "#,##0.00"

HEADINGS = {
    "zh-hans": {
        "summary": "汇总",
        "applicants": "申请人",
        "lines": "奖励明细",
        "commitments": "承诺事项",
        "title": "第一师阿拉尔市电子商务和物流协同发展奖励和支持资金 奖励方案（测算）",
        "sales_year": "销售年度",
        "as_of": "资格判定日期",
        "annual_budget": "年度资金规模",
        "commitments_total": "承诺事项合计",
        "available": "可用于企业奖励",
        "total": "企业奖励合计",
        "switch": "解释开关",
        "category": "条款",
        "entitled": "应享合计",
        "budget": "预算",
        "paid": "实发合计",
        "factor": "调整系数",
        "id": "申请人编号",
        "name": "名称",
        "eligible": "是否符合申报条件",
        "reasons": "不符合原因",
        "line_entitled": "应享",
        "line_paid": "实发",
        "excluded": "第十九条不予同时享受",
        "explanation": "计算说明",
        "article": "条款",
        "label": "事项",
        "amount": "金额",
        "yes": "是",
        "no": "否",
    },
    "en": {
        "summary": "Summary",
        "applicants": "Applicants",
        "lines": "Lines",
        "commitments": "Commitments",
        "title": "Alar e-commerce and logistics reward and support fund: reward plan (computed)",
        "sales_year": "Sales year",
        "as_of": "As-of date",
        "annual_budget": "Annual fund",
        "commitments_total": "Commitments total",
        "available": "Available for awards",
        "total": "Awards total",
        "switch": "Interpretation switch",
        "category": "Article",
        "entitled": "Entitled",
        "budget": "Budget",
        "paid": "Paid",
        "factor": "Factor",
        "id": "Applicant id",
        "name": "Name",
        "eligible": "Eligible",
        "reasons": "Reasons",
        "line_entitled": "Entitled",
        "line_paid": "Paid",
        "excluded": "Excluded by Art. 19",
        "explanation": "Explanation",
        "article": "Article",
        "label": "Item",
        "amount": "Amount",
        "yes": "yes",
        "no": "no",
    },
}


def write_plan_xlsx(result: RoundResult, path: Path, lang: str = "zh-hans") -> None:
    h = HEADINGS[lang]
    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def text(value: str, *, strong: bool = False) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=safe_text(value))
        if strong:
            cell.font = bold
        return cell

    def money(fen: int) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=fen_to_decimal(fen))
        cell.number_format = MONEY_FORMAT
        return cell

    facts = result.facts
    sheet = book.create_sheet(h["summary"])
    sheet.append([text(h["title"], strong=True)])
    sheet.append([text(h["sales_year"]), facts.sales_year])
    sheet.append([text(h["as_of"]), text(facts.as_of.isoformat())])
    sheet.append([text(h["annual_budget"]), money(facts.annual_budget)])
    sheet.append([text(h["commitments_total"]), money(facts.commitments_total)])
    sheet.append([text(h["available"]), money(result.annual.available)])
    sheet.append([text(h["total"]), money(result.total)])
    sheet.append([])
    for name, value in facts.interpretation.as_dict().items():
        sheet.append([text(h["switch"]), text(name), text(value)])
    sheet.append([])
    sheet.append([text(h[key], strong=True) for key in ("category", "entitled", "budget", "paid", "factor")])
    for line in LINES:
        category = result.categories[line]
        if category.entitled <= 0:
            continue
        sheet.append(
            [
                text(line),
                money(category.entitled),
                money(category.budget) if category.budget is not None else None,
                money(category.paid),
                text(format_ratio(category.factor)) if category.reduced else None,
            ]
        )

    sheet = book.create_sheet(h["commitments"])
    sheet.append([text(h[key], strong=True) for key in ("article", "label", "amount")])
    for commitment in facts.commitments:
        sheet.append([text(commitment.article), text(commitment.label), money(commitment.amount)])

    a = facts.applicants
    failed = result.failed.tolist()
    totals = result.totals.tolist()
    sheet = book.create_sheet(h["applicants"])
    sheet.append([text(h[key], strong=True) for key in ("id", "name", "eligible", "reasons", "paid")])
    for i, applicant_id in enumerate(a.ids):
        codes = " ".join(r.code for position, r in enumerate(REASONS) if failed[i] >> position & 1)
        sheet.append(
            [
                text(applicant_id),
                text(a.names[i]),
                text(h["no"] if failed[i] else h["yes"]),
                text(codes),
                money(totals[i]),
            ]
        )

    explainer = Explainer(result, lang)
    sheet = book.create_sheet(h["lines"])
    keys = ("id", "name", "article", "line_entitled", "line_paid", "excluded", "explanation")
    sheet.append([text(h[key], strong=True) for key in keys])
    for i, applicant_id in enumerate(a.ids):
        if failed[i]:
            continue
        for explained in explainer.lines(i):
            sheet.append(
                [
                    text(applicant_id),
                    text(a.names[i]),
                    text(explained.article),
                    money(explained.entitled),
                    money(explained.paid),
                    text(h["yes"] if explained.excluded else h["no"]),
                    text(explained.text),
                ]
            )
    book.save(path)
