"""Safe spreadsheet cells, shared by every export (the plan, payment lists, reports), and the small
uploaded sheets read row by row (register imports, the bank's result file).

A cell that starts with = + - @ (or a tab, carriage return or NUL) could run as a formula when a
reviewer opens the file (CSV/formula injection, ASVS 1.2.10): such text is prefixed with an apostrophe.
Characters XML cannot hold are replaced so that a hostile name can never break an XLSX file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import IO, Any

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\0")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def safe_text(value: str) -> str:
    """Text for a spreadsheet cell: never a formula, never an illegal XML character."""
    if value.startswith(_DANGEROUS_START):
        value = "'" + value
    return _XML_ILLEGAL.sub("\ufffd", value)


def read_cells(
    kind: str, content: IO[bytes], content_type: str = "", *, cached_formula_results: bool = True
) -> Iterator[list[Any]]:
    """The first sheet's rows (XLSX, read-only) or the CSV's rows, as lists of cell values.

    ``cached_formula_results=False`` reads a formula as its text instead of the value the writing program
    cached (a money file must not trust a figure it cannot check). CSV: the charset the upload check
    detected, UTF-8 with or without BOM otherwise.
    """
    if kind == "xlsx":
        import openpyxl  # imported here: most requests never read a sheet

        workbook = openpyxl.load_workbook(content, read_only=True, data_only=cached_formula_results)
        try:
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                yield list(row)
        finally:
            workbook.close()
        return
    charset = "utf-8-sig"
    if "charset=" in content_type:
        charset = content_type.split("charset=", 1)[1].strip() or charset
        if charset.lower() in ("utf-8", "utf8"):
            charset = "utf-8-sig"
    text = io.TextIOWrapper(content, encoding=charset, newline="")
    try:
        yield from csv.reader(text)
    finally:
        text.detach()
