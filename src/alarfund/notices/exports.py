"""The notice for the government website: XLSX and CSV of the published list (public fields only).

One row per rewarded line, as the plan's public-notice list (`plans.exports.notice_xlsx`), with the
notice's period above it. Every text cell passes through `safe_text` (no cell can start a formula).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from alarfund.spreadsheets import safe_text

from . import content
from .models import Notice

MONEY_FORMAT = "#,##0.00"


def title(notice: Notice) -> str:
    text = _(
        "Public notice of the proposed rewards of the e-commerce and logistics fund, sales year %(year)s"
    ) % {"year": notice.round.sales_year}
    if notice.reissue_of_id:
        text += " " + _("(reissued notice)")
    return text


def period_text(notice: Notice) -> str:
    return _("Notice period: %(start)s to %(end)s (%(days)s working days, Art. 17)") % {
        "start": notice.starts_on.isoformat(),
        "end": notice.earliest_end.isoformat(),
        "days": notice.working_days,
    }


def table(notice: Notice, jurisdiction: str = "") -> list[list[Any]]:
    """Header row, then one row per rewarded line; the last row is the total."""
    out: list[list[Any]] = [[_("No."), _("Enterprise name"), _("Jurisdiction"), _("Line"), _("Amount")]]
    total = Decimal(0)
    for row in content.rows(notice.content, jurisdiction=jurisdiction):
        for line in row.lines:
            out.append([row.number, row.name, str(row.jurisdiction_label), str(line.title), line.amount])
            total += line.amount
    out.append(["", _("Total"), "", "", total])
    return out


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal | int):
        return value
    return safe_text(str(value))


def notice_xlsx(notice: Notice) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Public notice")[:31]
    sheet.append([_cell(title(notice))])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_cell(period_text(notice))])
    sheet.append([])
    for position, values in enumerate(table(notice)):
        sheet.append([_cell(v) for v in values])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = MONEY_FORMAT
            if position == 0:
                cell.font = Font(bold=True)
    for column, width in zip("ABCDE", (6, 40, 18, 40, 16), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def notice_csv(notice: Notice) -> bytes:
    """UTF-8 with a byte-order mark (opens correctly in Excel), amounts with two decimals."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_text(title(notice))])
    writer.writerow([safe_text(period_text(notice))])
    for values in table(notice):
        writer.writerow([f"{v:.2f}" if isinstance(v, Decimal) else _cell(v) for v in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
