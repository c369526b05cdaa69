"""The report of an application's list: counts, and every problem with its rows.

Sections (the page shows the first rows of each, the downloads everything):
1. row problems found while reading (no number, not a number, lost digits, unknown format, courier,
   ship date), in row order;
2. numbers repeated in the file: each repeat with the row of its first occurrence;
3. numbers also in another application of the round, or in an earlier round, with the other list's
   row. Staff see which organisation; the applicant sees only "another application" (the other
   organisation's claims are not theirs to read).

Exports stream: CSV (UTF-8 with BOM, for Excel) row by row; XLSX through openpyxl's write-only mode, at
most Excel's 1,048,576 rows (a final line says so when cut). Every cell goes through
``alarfund.spreadsheets.safe_text``: nothing can run as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F as F_
from django.utils.translation import gettext as _

from alarfund.accounts.models import Organisation
from alarfund.spreadsheets import safe_text

from . import checks
from . import flags as F
from .carriers import CARRIER_LABELS
from .models import ImportJob, TrackingNumber

XLSX_MAX_ROWS = 1_048_576
FETCH = 5_000


@dataclass(frozen=True)
class Line:
    sheet: int
    row_no: int
    number: str
    code: str
    detail: str


def sheet_names(job: ImportJob) -> dict[int, str]:
    """Sheet id → how the report names it ("" for a single CSV file or a single sheet)."""
    sheets = job.sheets or []
    files = {s.get("file") for s in sheets}
    names = {}
    for item in sheets:
        parts = []
        if len(files) > 1:
            parts.append(str(item.get("file", "")))
        if len(sheets) > 1 or (item.get("name") and len(files) > 1):
            parts.append(str(item.get("name", "")))
        names[int(item.get("id", 0))] = " · ".join(p for p in parts if p)
    return names


def _where(names: dict[int, str], sheet: int, row_no: int) -> str:
    name = names.get(sheet, "")
    return _("%(sheet)s row %(row)s") % {"sheet": name, "row": row_no} if name else str(row_no)


def _row_detail(item: TrackingNumber, year: int) -> dict[str, str]:
    details = {}
    written = _("written as “%(raw)s”") % {"raw": item.raw} if item.raw else ""
    for code in F.codes_of(item.flags):
        if code in {"invalid", "precision_lost"}:
            details[code] = written
        elif code == "unknown_format":
            details[code] = written
        elif code == "courier_mismatch":
            details[code] = _("courier “%(courier)s”, the number fits %(carrier)s") % {
                "courier": CARRIER_LABELS.get(item.courier, item.courier),
                "carrier": CARRIER_LABELS.get(item.carrier, item.carrier or "—"),
            }
        elif code == "date_outside_year":
            details[code] = _("shipped %(date)s, sales year %(year)s") % {
                "date": item.ship_date.isoformat() if item.ship_date else "",
                "year": year,
            }
        elif code in F.ROW_CODES:
            details[code] = ""
    return details


def row_problems(job: ImportJob, *, limit: int | None = None) -> Iterator[Line]:
    row_only = F.ROW_PROBLEMS
    rows = (
        TrackingNumber.objects.filter(job_id=job.pk)
        .annotate(row_problems=F_("flags").bitand(row_only))
        .filter(row_problems__gt=0)
        .order_by("sheet", "row_no")
        .only("sheet", "row_no", "number", "carrier", "courier", "ship_date", "flags", "raw")
    )
    if limit is not None:
        rows = rows[:limit]
    for item in rows.iterator(chunk_size=FETCH):
        for code, detail in _row_detail(item, job.sales_year).items():
            yield Line(item.sheet, item.row_no, item.number, code, detail)


def _stream(sql: str, params: list[Any]) -> Iterator[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH):
            yield from rows


def repeats(job: ImportJob, names: dict[int, str], *, limit: int | None = None) -> Iterator[Line]:
    sql, params = checks.repeated_in_file(job)
    current = None
    first = ""
    produced = 0
    for number, sheet, row_no in _stream(sql, params):
        if number != current:
            current, first = number, _where(names, sheet, row_no)
            continue
        yield Line(sheet, row_no, number, "duplicate_in_file", _("first in row %(row)s") % {"row": first})
        produced += 1
        if limit is not None and produced >= limit:
            return


def cross(job: ImportJob, names: dict[int, str], *, staff: bool, limit: int | None = None) -> Iterator[Line]:
    sql, params = checks.cross_duplicates(job)
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    organisations: dict[Any, str] = {}
    for sheet, row_no, number, _job, year, organisation_id, _other_sheet, other_row in _stream(sql, params):
        code = "duplicate_in_round" if year == job.sales_year else "duplicate_earlier_round"
        if staff:
            if organisation_id not in organisations:
                organisations[organisation_id] = (
                    Organisation.objects.filter(pk=organisation_id).values_list("name", flat=True).first()
                    or ""
                )
            detail = _("%(organisation)s, round %(year)s, row %(row)s") % {
                "organisation": organisations[organisation_id],
                "year": year,
                "row": other_row,
            }
        elif organisation_id == job.organisation_id:
            detail = _("your own list of round %(year)s") % {"year": year}
        else:
            detail = _("another application of round %(year)s") % {"year": year}
        yield Line(sheet, row_no, number, code, detail)


def lines(job: ImportJob, *, staff: bool) -> Iterator[Line]:
    names = sheet_names(job)
    yield from row_problems(job)
    yield from repeats(job, names)
    yield from cross(job, names, staff=staff)


def header() -> list[str]:
    return [_("Sheet"), _("Row"), _("Tracking number"), _("Problem"), _("Details")]


def _cells(line: Line, names: dict[int, str]) -> list[str]:
    return [
        safe_text(names.get(line.sheet, "")),
        str(line.row_no),
        safe_text(line.number),
        safe_text(str(F.PROBLEM_LABELS.get(line.code, line.code))),
        safe_text(line.detail),
    ]


def csv_chunks(job: ImportJob, *, staff: bool) -> Iterator[bytes]:
    """The report as CSV, in pieces (for a streaming response)."""
    names = sheet_names(job)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([safe_text(h) for h in header()])
    for count, line in enumerate(lines(job, staff=staff), start=1):
        writer.writerow(_cells(line, names))
        if count % 2000 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_file(job: ImportJob, *, staff: bool, target: Any) -> None:
    """The report as an XLSX workbook written to ``target`` (a file opened for binary writing)."""
    from openpyxl import Workbook

    names = sheet_names(job)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=safe_text(_("Problems"))[:31])
    sheet.append([safe_text(h) for h in header()])
    written = 1
    for line in lines(job, staff=staff):
        if written >= XLSX_MAX_ROWS - 1:
            sheet.append([safe_text(_("Cut at Excel's row limit: download the CSV for every line."))])
            break
        sheet.append(_cells(line, names))
        written += 1
    workbook.save(target)
