"""The XLSX of a table holds exactly the table's rows; the performance report as XLSX and PDF, read back."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from alarfund.accounts.choices import Role
from alarfund.applications.pdf import capital_rmb
from alarfund.audit.models import AuditEvent
from alarfund.oversight import exports, report, services, tables
from alarfund.oversight.tables import Column, Table

pytestmark = pytest.mark.django_db


def sheet_rows(data: bytes, sheet: int | str = 0) -> list[list]:
    book = load_workbook(io.BytesIO(data))
    ws = book.worksheets[sheet] if isinstance(sheet, int) else book[sheet]
    return [list(row) for row in ws.iter_rows(values_only=True)]


@pytest.mark.parametrize("key", list(tables.ROUND_TABLES))
def test_each_round_table_exports_exactly_its_rows(dataset, finance, key) -> None:
    table = tables.ROUND_TABLES[key](dataset.r2025)
    export = services.table_export(by=finance, table=key, round=dataset.r2025)
    rows = sheet_rows(export.data)
    header_at = next(
        i for i, row in enumerate(rows) if row[: len(table.columns)] == [c.label for c in table.columns]
    )
    body = rows[header_at + 1 : header_at + 1 + len(table.rows)]
    for got, row in zip(body, table.rows, strict=True):
        for value, column in zip(got, table.columns, strict=False):
            expected = row.get(column.key)
            if column.kind == "text":
                assert value == str(expected), (key, column.key)
            elif expected is None:
                assert value is None
            else:
                assert Decimal(str(value)) == Decimal(expected), (key, column.key)
    if table.total is not None:
        total = rows[header_at + 1 + len(table.rows)]
        assert total[0] == table.total[table.columns[0].key]
    event = AuditEvent.objects.filter(action="oversight.export").latest("seq")
    assert event.details["table"] == key and event.details["rows"] == len(table.rows)


def test_money_in_the_xlsx_is_exact_and_formatted(dataset, finance) -> None:
    export = services.table_export(by=finance, table="lines", round=dataset.r2025)
    ws = load_workbook(io.BytesIO(export.data)).active
    cells = [
        c for row in ws.iter_rows() for c in row if isinstance(c.value, int | float) and c.value == 50000
    ]
    assert cells and all(c.number_format == "#,##0.00" for c in cells)


def test_text_cells_cannot_become_formulas() -> None:
    table = Table(
        "t", "=HYPERLINK(1)", [Column("name", "名称"), Column("n", "数", "count")], [{"name": "=1+2", "n": 3}]
    )
    rows = sheet_rows(exports.table_xlsx(table, heading="@cmd"))
    flat = [v for row in rows for v in row if isinstance(v, str)]
    assert "'=1+2" in flat and "'=HYPERLINK(1)" in flat and "'@cmd" in flat
    assert not any(v.startswith(("=", "@", "+", "-")) for v in flat)


def test_years_table_exports_across_the_years(dataset, finance) -> None:
    export = services.table_export(by=finance, table="years")
    rows = sheet_rows(export.data)
    years = [row[0] for row in rows if row[0] in ("2025", "2026", "2027")]
    assert years == ["2025", "2026", "2027"]
    event = AuditEvent.objects.filter(action="oversight.export").latest("seq")
    assert event.object_type == "oversight" and event.details["table"] == "years"


def test_the_bureau_may_export_tables_but_not_the_report(dataset, make_user) -> None:
    from alarfund.accounts.permissions import Refused

    officer = make_user(Role.BUREAU_OFFICER)
    assert services.table_export(by=officer, table="fund", round=dataset.r2025).data
    with pytest.raises(Refused):
        services.report_export(by=officer, round=dataset.r2025, kind="xlsx")


def test_report_xlsx_totals_in_figures_and_in_words(dataset, finance) -> None:
    with translation.override("en"):
        export = services.report_export(by=finance, round=dataset.r2025, kind="xlsx")
    book = load_workbook(io.BytesIO(export.data))
    overview = {row[0]: row[1:] for row in book.worksheets[0].iter_rows(values_only=True) if row and row[0]}
    awarded, awarded_words = overview["Enterprise awards of the plan"][:2]
    assert Decimal(str(awarded)) == dataset.v2025.total
    assert awarded_words == capital_rmb(dataset.v2025.total) == "壹拾万玖仟元整"
    assert Decimal(str(overview["Annual fund of the round"][0])) == Decimal("5000000")
    assert Decimal(str(overview["Commitments counted (Art. 11, 12, 13, 22)"][0])) == Decimal("270000")
    assert len(book.worksheets) == 1 + len(report.REPORT_TABLES)
    lines = [list(r) for r in book.worksheets[1].iter_rows(values_only=True)]
    assert any(r[0] == "Total" and Decimal(str(r[3])) == dataset.v2025.total for r in lines)


def test_report_pdf_in_chinese_with_capital_numerals(dataset, finance) -> None:
    with translation.override("zh-hans"):
        export = services.report_export(by=finance, round=dataset.r2025, kind="pdf")
        built = report.build(dataset.r2025)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(export.data)).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert built.title.replace(" ", "") in compact
    assert "壹拾万玖仟元整" in compact  # the awards in words
    assert "伍佰万元整" in compact  # the annual fund in words
    assert "109,000.00" in compact
