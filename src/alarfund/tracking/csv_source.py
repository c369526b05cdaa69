"""A CSV list, streamed with the standard ``csv`` module (its parser is C).

The encoding is the one the upload check detected (``text/csv; charset=…``), else UTF-8 if the start
decodes, else GB18030; undecodable bytes become U+FFFD and the cell is reported as not a tracking
number. The delimiter is the commonest of ``, TAB ; |`` in the first line. Row numbers count records as
a spreadsheet program shows them (the first line is row 1).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import operator
from collections.abc import Generator, Iterator
from typing import IO

from .headers import SCAN_ROWS, Columns, find_columns
from .sources import ImportFailed, Row, Sheet

HEAD = 64 * 1024
CHUNK = 1024 * 1024
_DELIMITERS = (",", "\t", ";", "|")


def _encoding(head: bytes, content_type: str) -> str:
    declared = content_type.partition("charset=")[2].strip().lower()
    if declared in {"utf-8", "utf8"}:
        return "utf-8-sig"
    if declared in {"gb18030", "gbk", "gb2312"}:
        return "gb18030"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def looks_binary(head: bytes) -> bool:
    """More than 1 in 20 bytes of the start are control characters: not a text file."""
    if not head:
        return False
    controls = sum(head.count(bytes([b])) for b in (*range(0, 9), 11, 12, *range(14, 32)))
    return controls * 20 > len(head)


class CsvSource:
    kind = "csv"

    def __init__(self, fp: IO[bytes], *, content_type: str = "", batch_rows: int = 20_000) -> None:
        self.fp = fp
        self.batch_rows = batch_rows
        fp.seek(0)
        head = fp.read(HEAD)
        if looks_binary(head):
            raise ImportFailed("not_spreadsheet")
        self.encoding = _encoding(head, content_type)
        first_line = head.split(b"\n", 1)[0].decode(self.encoding, errors="replace")
        counts = {d: first_line.count(d) for d in _DELIMITERS}
        self.delimiter = max(_DELIMITERS, key=lambda d: (counts[d], d == ","))
        self._lines: int | None = None
        self._header: tuple[int, Columns] | None = None

    def _reader(self) -> Generator[list[str], None, None]:
        self.fp.seek(0)
        text = io.TextIOWrapper(self.fp, encoding=self.encoding, errors="replace", newline="")
        try:
            yield from csv.reader(text, delimiter=self.delimiter)
        except csv.Error as exc:
            raise ImportFailed("csv_damaged", detail=str(exc)[:200]) from None
        finally:
            with contextlib.suppress(ValueError):  # the file may already be closed
                text.detach()

    def _lines_in_file(self) -> int:
        if self._lines is None:
            self.fp.seek(0)
            lines = 0
            last = b""
            while chunk := self.fp.read(CHUNK):
                lines += chunk.count(b"\n")
                last = chunk
            self._lines = lines + (1 if last and not last.endswith(b"\n") else 0)
        return self._lines

    def estimate_rows(self) -> int:
        return max(0, self._lines_in_file() - 1)

    def _find_header(self) -> tuple[int, Columns]:
        if self._header is None:
            rows = self._reader()
            for row_no, cells in enumerate(itertools.islice(rows, SCAN_ROWS), start=1):
                columns = find_columns(list(cells))
                if columns is not None:
                    self._header = (row_no, columns)
                    break
            rows.close()
            if self._header is None:
                raise ImportFailed("no_number_column")
        return self._header

    def check_row_limit(self, max_rows: int) -> None:
        """Refuse a file with more than ``max_rows`` data rows before anything is stored. Counting lines
        is enough almost always; only when there are more lines than allowed are records counted (a
        quoted cell may hold a line break)."""
        header_row, _columns = self._find_header()
        if self._lines_in_file() - header_row <= max_rows:
            return
        records = sum(1 for cells in self._reader() if any(c.strip() for c in cells))
        if records - header_row > max_rows:
            raise ImportFailed("too_many_rows", limit=max_rows)

    def sheets(self) -> Iterator[Sheet]:
        header_row, columns = self._find_header()
        yield Sheet(
            index=0,
            name="",
            header_row=header_row,
            columns=columns,
            batches=self._batches(header_row, columns),
        )

    def skipped_sheets(self) -> list[str]:
        return []

    def _batches(self, header_row: int, columns: Columns) -> Iterator[list[Row]]:
        """Batches of rows, taken from the C parser a batch at a time (``islice`` over the parser
        itself, not a generator around it: a resume per row cost more than the parsing); the needed
        cells by one ``itemgetter`` per row (short rows are padded first), row numbers by ``range``."""
        needed = columns.needed
        width = max(needed) + 1
        pick = operator.itemgetter(*needed)
        size = self.batch_rows
        self.fp.seek(0)
        text = io.TextIOWrapper(self.fp, encoding=self.encoding, errors="replace", newline="")
        reader = csv.reader(text, delimiter=self.delimiter)
        try:
            for _skipped in itertools.islice(reader, header_row):
                pass
            row_no = header_row + 1
            while chunk := list(itertools.islice(reader, size)):
                if min(map(len, chunk)) < width:
                    chunk = [
                        cells if len(cells) >= width else cells + [""] * (width - len(cells))
                        for cells in chunk
                    ]
                values = map(pick, chunk) if len(needed) > 1 else ((cells[needed[0]],) for cells in chunk)
                yield list(zip(range(row_no, row_no + len(chunk)), values, strict=True))
                row_no += len(chunk)
        except csv.Error as exc:
            raise ImportFailed("csv_damaged", detail=str(exc)[:200]) from None
        finally:
            with contextlib.suppress(ValueError):  # the file may already be closed
                text.detach()

    def close(self) -> None:
        self.fp.close()
