"""XLSX of a dashboard table (exactly its rows), and the performance report as XLSX and PDF.

Every text cell passes through `safe_text` (never a formula, ASVS 1.2.10); amounts are exact decimals
with a two-decimal format, ratios a percentage format. The PDF is rendered by WeasyPrint with the CJK
font shipped with the application form, fetching nothing else (docs/adr/0021).
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from alarfund.applications.pdf import FONT_FILE, _font_only_fetcher
from alarfund.spreadsheets import safe_text

from .report import PerformanceReport
from .tables import COUNT, DAYS, MONEY, RATIO, Table

FORMATS = {MONEY: "#,##0.00", RATIO: "0.00%", DAYS: "0.0", COUNT: "0"}
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


def _cell(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind in (MONEY, RATIO, DAYS):
        return Decimal(value)
    if kind == COUNT:
        return int(value)
    return safe_text(str(value))


def _append_row(sheet: Worksheet, table: Table, row: dict[str, Any], *, bold: bool = False) -> None:
    sheet.append([_cell(c.kind, row.get(c.key)) for c in table.columns])
    for column, cell in zip(table.columns, sheet[sheet.max_row], strict=False):
        if column.kind in FORMATS:
            cell.number_format = FORMATS[column.kind]
        if bold:
            cell.font = BOLD


def write_table(sheet: Worksheet, table: Table, *, heading: str = "") -> None:
    sheet.append([safe_text(table.title)])
    sheet.cell(row=sheet.max_row, column=1).font = TITLE
    if heading:
        sheet.append([safe_text(heading)])
    if table.note:
        sheet.append([safe_text(table.note)])
    sheet.append([safe_text(c.label) for c in table.columns])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for row in table.rows:
        _append_row(sheet, table, row)
    if table.total is not None:
        _append_row(sheet, table, table.total, bold=True)
    sheet.column_dimensions["A"].width = 44
    for letter in "BCDEFGHI":
        sheet.column_dimensions[letter].width = 18


def sheet_name(title: str) -> str:
    """A worksheet name: at most 31 characters, none of the characters Excel forbids there."""
    return re.sub(r"[\[\]:*?/\\']", " ", title).strip()[:31] or "-"


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_xlsx(table: Table, *, heading: str) -> bytes:
    """One table, exactly the rows the page shows, under a heading (round, plan basis)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = safe_text(table.key)[:31]
    write_table(sheet, table, heading=heading)
    return _save(book)


def report_xlsx(report: PerformanceReport) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Overview")[:31]
    sheet.append([safe_text(report.title)])
    sheet["A1"].font = TITLE
    sheet.append([safe_text(_("Plan basis")), safe_text(report.basis)])
    sheet.append([safe_text(_("Generated")), safe_text(f"{report.generated_at:%Y-%m-%d %H:%M}")])
    sheet.append([])
    sheet.append([safe_text(_("Item")), safe_text(_("Amount")), safe_text(_("In words"))])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for figure in report.overview:
        sheet.append([safe_text(figure.label), _cell(figure.kind, figure.amount), safe_text(figure.capital)])
        sheet.cell(row=sheet.max_row, column=2).number_format = FORMATS[figure.kind]
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 20
    sheet.column_dimensions["C"].width = 48
    for table in report.tables:
        write_table(book.create_sheet(sheet_name(table.title)), table)
    return _save(book)


def report_pdf(report: PerformanceReport) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _font_only_fetcher()
    fonts = FontConfiguration()
    html = render_to_string("oversight/report_pdf.html", {"report": report})
    css = render_to_string("oversight/report_pdf.css", {"font_url": FONT_FILE.as_uri()})
    stylesheet = CSS(string=css, font_config=fonts, url_fetcher=fetcher)
    document = HTML(string=html, url_fetcher=fetcher, base_url=FONT_FILE.parent.as_uri() + "/")
    return bytes(document.write_pdf(stylesheets=[stylesheet], font_config=fonts))
