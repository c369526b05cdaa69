"""Safe spreadsheet cells, shared by every export (the plan, payment lists, reports).

A cell that starts with = + - @ (or a tab, carriage return or NUL) could run as a formula when a
reviewer opens the file (CSV/formula injection, ASVS 1.2.10): such text is prefixed with an apostrophe.
Characters XML cannot hold are replaced so that a hostile name can never break an XLSX file.
"""

from __future__ import annotations

import re

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\0")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def safe_text(value: str) -> str:
    """Text for a spreadsheet cell: never a formula, never an illegal XML character."""
    if value.startswith(_DANGEROUS_START):
        value = "'" + value
    return _XML_ILLEGAL.sub("\ufffd", value)
