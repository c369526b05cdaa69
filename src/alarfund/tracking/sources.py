"""What every reader gives the importer, and the reasons an import fails.

A reader (``csv_source.py``, ``xlsx_source.py``) opens a stored file and yields its sheets one after the
other; each sheet has its header row, its columns and an iterator over batches of data rows. A row is
``(row_no, values)`` with ``values`` aligned to ``Columns.needed`` (number, then courier and ship date
when the list has them). Readers hold at most one chunk of the file and one batch of rows in memory
(and, for a workbook, its shared strings compactly): memory does not grow with the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .headers import Columns

Row = tuple[int, Sequence[Any]]


class ImportFailed(Exception):
    """The file cannot be imported; ``code`` names the message (messages.py), ``params`` fill it in."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Sheet:
    index: int
    name: str
    header_row: int
    columns: Columns
    batches: Iterator[list[Row]] = field(repr=False)

    def describe(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "name": self.name,
            "header_row": self.header_row,
            "columns": self.columns.names,
            "other_columns": self.columns.others,
        }


class Source(Protocol):
    kind: str

    def estimate_rows(self) -> int: ...

    def check_row_limit(self, max_rows: int) -> None: ...

    def sheets(self) -> Iterator[Sheet]: ...

    def skipped_sheets(self) -> list[str]: ...

    def close(self) -> None: ...
