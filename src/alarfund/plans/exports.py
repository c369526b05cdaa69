"""The documents the bureau files: the 奖励方案 (XLSX, PDF), the public-notice list, the payment list.

Every text cell passes through `safe_text` (no cell can start a formula, ASVS 1.2.10); amounts are
exact decimals with a two-decimal format. The public-notice list carries public fields only (enterprise
name, jurisdiction, lines and amounts: PIPL, checklist 39); the payment list carries bank accounts and
is produced only for those who prepare payments, from an approved version, and audited (services).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from alarfund.accounts.models import Organisation
from alarfund.applications.models import Application
from alarfund.applications.pdf import FONT_FILE, _font_only_fetcher, capital_rmb
from alarfund.spreadsheets import safe_text

from .report import Plan

MONEY_FORMAT = "#,##0.00"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


def _text(value: Any) -> str:
    return safe_text(str(value))


def _append(sheet: Worksheet, values: Iterable[Any], *, bold: bool = False) -> None:
    row = []
    for value in values:
        row.append(value if value is None or isinstance(value, Decimal | int) else _text(value))
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, Decimal):
            cell.number_format = MONEY_FORMAT
        if bold:
            cell.font = BOLD


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plan_title(plan: Plan) -> str:
    return _("Reward plan of the e-commerce and logistics fund, sales year %(year)s (version %(number)s)") % {
        "year": plan.result.facts.sales_year,
        "number": plan.version.number,
    }


def signature_blocks(plan: Plan) -> list[tuple[str, str]]:
    version = plan.version
    return [
        (
            _("Prepared by (Commerce Bureau officer)"),
            version.frozen_by.full_name if version.frozen_by else "",
        ),
        (_("Approved by (Commerce Bureau)"), version.approved_by.full_name if version.approved_by else ""),
        (_("Approval of the Division and city (document number, date)"), approval_text(plan)),
    ]


def approval_text(plan: Plan) -> str:
    version = plan.version
    if not version.approval_document_number:
        return ""
    return f"{version.approval_document_number} · {version.approval_date:%Y-%m-%d}"


def plan_xlsx(plan: Plan) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Reward plan")[:31]
    sheet.append([_text(plan_title(plan))])
    sheet["A1"].font = TITLE
    _append(sheet, [_("Status"), plan.version.get_status_display()])
    _append(sheet, [_("Approval"), approval_text(plan) or _("not yet approved")])
    sheet.append([])
    _append(
        sheet,
        [
            _("No."),
            _("Enterprise name"),
            _("Jurisdiction"),
            _("Article"),
            _("Line"),
            _("Entitled"),
            _("Paid"),
            _("Explanation"),
        ],
        bold=True,
    )
    number = 0
    for applicant in plan.applicants:
        if not applicant.eligible:
            continue
        number += 1
        for line in applicant.lines:
            _append(
                sheet,
                [
                    number,
                    applicant.name,
                    applicant.jurisdiction,
                    line.article,
                    line.title,
                    line.entitled,
                    line.paid,
                    line.text,
                ],
            )
    _append(sheet, [None, _("Total of enterprise awards"), None, None, None, None, plan.total], bold=True)
    _append(sheet, [None, _("In words"), capital_rmb(plan.total)])
    for column, width in zip("ABCDEFGH", (6, 36, 16, 8, 34, 14, 14, 80), strict=True):
        sheet.column_dimensions[column].width = width

    sheet = book.create_sheet(_("Summary")[:31])
    _append(sheet, [_("Article"), _("Line"), _("Entitled"), _("Budget"), _("Paid"), _("Factor")], bold=True)
    for row in plan.categories:
        _append(sheet, [row.line, row.title, row.entitled, row.budget, row.paid, row.factor or None])
    sheet.append([])
    _append(sheet, [_("Annual fund (Art. 3)"), None, None, None, plan.fund])
    _append(sheet, [_("Commitments (Art. 11, 12, 13, 22)"), None, None, None, plan.commitments_total])
    _append(sheet, [_("Available for enterprise awards"), None, None, None, plan.available])
    _append(sheet, [_("Enterprise awards"), None, None, None, plan.total], bold=True)
    _append(sheet, [_("Awards and commitments"), None, None, None, plan.grand_total], bold=True)
    _append(sheet, [_("In words"), capital_rmb(plan.grand_total)])
    sheet.append([])
    _append(sheet, [_("Commitment"), _("Item"), _("Amount")], bold=True)
    for commitment in plan.commitments:
        _append(sheet, [commitment["article"], commitment["label"], Decimal(commitment["amount"])])
    sheet.append([])
    _append(sheet, [_("Interpretation switches used")], bold=True)
    for switch in plan.switches:
        _append(sheet, [switch.question, switch.label, switch.value])
    sheet.append([])
    for label, value in signature_blocks(plan):
        _append(sheet, [label, value, _("Signature:"), None, _("Date:")])
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 40
    return _save(book)


def plan_pdf(plan: Plan) -> bytes:
    """The 奖励方案 as PDF (WeasyPrint with the shipped CJK font, fetching nothing else)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    context = {
        "plan": plan,
        "title": plan_title(plan),
        "total_capital": capital_rmb(plan.total),
        "grand_capital": capital_rmb(plan.grand_total),
        "signatures": signature_blocks(plan),
        "generated_at": timezone.localtime(),
    }
    fetcher = _font_only_fetcher()
    fonts = FontConfiguration()
    html = render_to_string("plans/plan_pdf.html", context)
    css = render_to_string("plans/plan_pdf.css", {"font_url": FONT_FILE.as_uri()})
    stylesheet = CSS(string=css, font_config=fonts, url_fetcher=fetcher)
    document = HTML(string=html, url_fetcher=fetcher, base_url=FONT_FILE.parent.as_uri() + "/")
    return bytes(document.write_pdf(stylesheets=[stylesheet], font_config=fonts))


def notice_xlsx(plan: Plan) -> bytes:
    """The public-notice list (公示名单): enterprise name, jurisdiction, lines and amounts. Nothing else."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Public notice")[:31]
    sheet.append(
        [
            _text(
                _("Public notice of the rewards, sales year %(year)s")
                % {"year": plan.result.facts.sales_year}
            )
        ]
    )
    sheet["A1"].font = TITLE
    _append(sheet, [_("No."), _("Enterprise name"), _("Jurisdiction"), _("Line"), _("Amount")], bold=True)
    number = 0
    for applicant in plan.applicants:
        if not applicant.eligible or applicant.total <= 0:
            continue
        number += 1
        for line in applicant.lines:
            if line.paid > 0:
                _append(sheet, [number, applicant.name, applicant.jurisdiction, line.title, line.paid])
    _append(sheet, [None, _("Total"), None, None, plan.total], bold=True)
    for column, width in zip("ABCDE", (6, 40, 18, 40, 16), strict=True):
        sheet.column_dimensions[column].width = width
    return _save(book)


def payment_rows(plan: Plan) -> list[tuple[Organisation, Decimal]]:
    ids = [a.id for a in plan.applicants if a.eligible and a.total > 0]
    organisations = {
        str(a.pk): a.organisation
        for a in Application.objects.filter(pk__in=ids).select_related("organisation")
    }
    return [(organisations[a.id], a.total) for a in plan.applicants if a.id in organisations]


def payment_xlsx(plan: Plan) -> bytes:
    """The payment list for the bank: organisation, bank, the real account number, amount (in words)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Payment list")[:31]
    sheet.append([_text(plan_title(plan))])
    sheet["A1"].font = TITLE
    _append(sheet, [_("Approval"), approval_text(plan)])
    _append(
        sheet,
        [
            _("No."),
            _("Organisation name"),
            _("Unified social credit code"),
            _("Bank (branch)"),
            _("Account number"),
            _("Amount"),
            _("In words"),
        ],
        bold=True,
    )
    total = Decimal(0)
    for number, (organisation, amount) in enumerate(payment_rows(plan), start=1):
        total += amount
        _append(
            sheet,
            [
                number,
                organisation.name,
                organisation.uscc,
                organisation.bank_name,
                organisation.bank_account,
                amount,
                capital_rmb(amount),
            ],
        )
    _append(sheet, [None, _("Total"), None, None, None, total, capital_rmb(total)], bold=True)
    for column, width in zip("ABCDEFG", (6, 40, 22, 30, 26, 16, 36), strict=True):
        sheet.column_dimensions[column].width = width
    return _save(book)
