"""What an import's failure or remark means, in the reader's language.

Jobs store a stable code and the values of the message; the text is rendered when the page is shown,
so the applicant reads Chinese and an English-speaking auditor English.
"""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

FAILURES: dict[str, Any] = {
    "not_spreadsheet": _(
        "The file is not a spreadsheet. Upload the list of tracking numbers as an Excel workbook (XLSX) "
        "or a CSV file."
    ),
    "xlsx_damaged": _(
        "The workbook is damaged or not an Excel workbook (XLSX). Save it again from Excel or WPS."
    ),
    "csv_damaged": _("The CSV file could not be read (%(detail)s). Save it again as CSV (UTF-8)."),
    "zip_bomb": _(
        "The workbook unpacks to far more data than its size suggests (a “zip bomb”) and was not imported."
    ),
    "no_number_column": _(
        "No tracking-number column was found. One of the first 30 rows must name the columns, with a "
        "header such as 快递单号, 运单号, 单号 or “tracking number”."
    ),
    "too_many_rows": _(
        "A file has more than %(limit)s rows, the most one file may have. Split the list into several "
        "files and upload them together."
    ),
    "too_large": _("The file is larger than %(limit)s, the most accepted for this material."),
    "no_rows": _("The list has a header row but no tracking numbers below it."),
    "read_error": _("The stored file could not be read. Try again later, or upload the file again."),
    "interrupted": _("The import was interrupted (the background worker stopped). Start it again."),
    "internal": _("The import stopped because of an unexpected error. It has been logged; try again later."),
}

WARNINGS: dict[str, Any] = {
    "no_ship_date": _(
        "The list has no ship-date column: the ship dates could not be checked against the sales year."
    ),
    "no_courier": _(
        "The list has no courier column: each number was checked against every carrier's pattern."
    ),
    "skipped_sheets": _("Sheets without a tracking-number column were not imported: %(names)s."),
}


def render(table: dict[str, Any], code: str, params: dict[str, Any] | None) -> str:
    template = table.get(code) or FAILURES["internal"]
    values = dict(params or {})
    if code in {"too_many_rows"} and "limit" in values:
        values["limit"] = f"{int(values['limit']):,}"
    if code == "too_large" and "limit" in values:
        values["limit"] = filesizeformat(values["limit"])
    try:
        return str(template) % values if values else str(template)
    except (KeyError, TypeError, ValueError):
        return str(template)


def failure_message(code: str, params: dict[str, Any] | None = None) -> str:
    return render(FAILURES, code, params)


def warning_message(code: str, params: dict[str, Any] | None = None) -> str:
    return render(WARNINGS, code, params)
