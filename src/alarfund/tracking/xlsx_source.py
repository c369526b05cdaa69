"""An XLSX list, streamed straight from the zip with bounded memory.

Why not fastexcel or python-calamine (both measured, docs/tracking.md): they build the whole sheet in
memory — about 350 MB per million rows of four columns — so a 2,000,000-row list would need ~700 MB.
This reader inflates the sheet in 1 MB chunks, cuts each chunk after its last complete row and pulls
the cells out with compiled regular expressions (C code), keeping only the columns the import needs.
The shared strings are kept compactly (one UTF-8 buffer and an offset array: ~20 bytes a string).

Two paths per chunk:
* fast: every cell starts ``<c r="…"`` (as Excel, WPS, openpyxl and xlsxwriter write them): one pattern
  for the needed columns only; the number of cells it matched is checked against a plain count;
* general: anything else (namespace prefixes, cells without ``r``, other children): rows and cells
  parsed one by one, positions inferred where ``r`` is missing.

Safety (the evidence check has run at upload; this holds on its own too): the zip directory is checked
before anything is inflated (entries, declared sizes, compression ratio, encryption, methods, names);
every part is inflated under a running cap; ``zipfile`` stops each entry at its declared size and
checks its CRC; a DOCTYPE or ENTITY declaration anywhere is refused; a single row may not exceed 16 MB.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any
from xml.etree import ElementTree

from .headers import SCAN_ROWS, Columns, find_columns
from .normalise import Numeric
from .sources import ImportFailed, Row, Sheet
from .xlsx_text import (
    _ATTR_R_CELL,
    _ATTR_R_ROW,
    _ATTR_T,
    _CELL_ANY,
    _COMPRESSIONS,
    _DIMENSION,
    _FIRST,
    _FOURTH,
    _HOSTILE,
    _IS,
    _NS_MAIN,
    _NS_PKG_REL,
    _NS_REL,
    _ROOT,
    _ROW_ANY,
    _SECOND,
    _THIRD,
    _V,
    CHUNK,
    MAX_COLUMNS,
    MAX_ROW_BYTES,
    MAX_SMALL_PART,
    SharedStrings,
    _rich_text,
    _unescape,
    column_letters,
    column_position,
)

__all__ = ["SharedStrings", "XlsxSource", "column_letters", "column_position"]

_FIRST_ROW = re.compile(rb'<row r="\d+"[^>]*>(.*?)</row>', re.S)
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})\d+"([^>]*)><v>[^<]*</v></c>')
#: A row template is only worth it for the usual narrow list.
_TEMPLATE_CELLS = 30


def _kind(attrs: bytes) -> bytes:
    found = _ATTR_T.search(attrs)
    return found.group(1) if found else b""


def _template(body: bytes, letters: list[bytes]) -> re.Pattern[bytes] | None:
    """A pattern for rows laid out like the first row of ``body`` (Excel, WPS and most writers repeat
    one layout): ``<row r="N" …>`` then the same cells, each ``<c r="XN" …><v>…</v></c>``, capturing
    the row number and, for the needed columns, the cell's attributes and value. None when the first
    row has another form (a cell without value, a formula, inline text) or lacks a needed column."""
    first = _FIRST_ROW.search(body)
    if first is None:
        return None
    inner = first.group(1)
    cells = _PLAIN_CELL.findall(inner)
    if not cells or len(cells) > _TEMPLATE_CELLS or len(_PLAIN_CELL.sub(b"", inner)) != 0:
        return None
    order = [cell_letters for cell_letters, _attrs in cells]
    if any(letter not in order for letter in letters) or len(set(order)) != len(order):
        return None
    # Capture groups: the row number, then (attributes, value) of each needed column, in ``letters`` order.
    parts = [rb'<row r="(\d+)"[^>]*>']
    captured = sorted(letters, key=order.index)
    if captured != letters:
        return None  # needed columns out of sheet order: the general fast path handles it
    for cell_letters in order:
        if cell_letters in letters:
            parts.append(b'<c r="' + cell_letters + rb'\1"([^>]*)><v>([^<]*)</v></c>')
        else:
            parts.append(b'<c r="' + cell_letters + rb'\1"[^>]*><v>[^<]*</v></c>')
    parts.append(b"</row>")
    return re.compile(b"".join(parts))


class XlsxSource:
    kind = "xlsx"

    def __init__(
        self,
        fp: IO[bytes],
        *,
        size: int,
        max_entries: int,
        max_uncompressed: int,
        max_ratio: int,
        ratio_floor: int = 1024 * 1024,
        batch_rows: int = 20_000,
    ) -> None:
        self.fp = fp
        self.batch_rows = batch_rows
        self.max_uncompressed = max_uncompressed
        try:
            self.zip = zipfile.ZipFile(fp)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise ImportFailed("xlsx_damaged") from None
        self._check_directory(size, max_entries, max_uncompressed, max_ratio, ratio_floor)
        self.sheet_parts = self._sheet_parts()
        self.shared: SharedStrings | None = None
        self._skipped: list[str] = []

    # --- the container --------------------------------------------------------------------------
    def _check_directory(
        self, size: int, max_entries: int, max_uncompressed: int, max_ratio: int, ratio_floor: int
    ) -> None:
        entries = self.zip.infolist()
        if len(entries) > max_entries:
            raise ImportFailed("zip_bomb")
        names = {entry.filename for entry in entries}
        if "xl/workbook.xml" not in names:
            raise ImportFailed("not_spreadsheet")
        declared = 0
        for entry in entries:
            parts = entry.filename.replace("\\", "/").split("/")
            if entry.filename.startswith(("/", "\\")) or ".." in parts or entry.flag_bits & 0x1:
                raise ImportFailed("xlsx_damaged")
            if entry.compress_type not in _COMPRESSIONS:
                raise ImportFailed("xlsx_damaged")
            declared += entry.file_size
            ratio = entry.file_size / max(entry.compress_size, 1)
            if entry.file_size > ratio_floor and ratio > max_ratio:
                raise ImportFailed("zip_bomb")
        if declared > max_uncompressed or (declared > ratio_floor and declared / max(size, 1) > max_ratio):
            raise ImportFailed("zip_bomb")

    def _chunks(self, name: str) -> Iterator[bytes]:
        """The inflated part, 1 MB at a time, never more than the directory declared nor the cap."""
        limit = min(self.zip.getinfo(name).file_size, self.max_uncompressed)
        inflated = 0
        try:
            with self.zip.open(name) as member:
                while chunk := member.read(CHUNK):
                    inflated += len(chunk)
                    if inflated > limit:
                        raise ImportFailed("zip_bomb")
                    if b"<!" in chunk and any(marker in chunk for marker in _HOSTILE):
                        raise ImportFailed("xlsx_damaged")
                    yield chunk
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
            raise ImportFailed("xlsx_damaged") from None

    def _small_part(self, name: str) -> ElementTree.Element:
        data = b""
        for chunk in self._chunks(name):
            data += chunk
            if len(data) > MAX_SMALL_PART:
                raise ImportFailed("xlsx_damaged")
        if any(marker in data for marker in _HOSTILE):
            raise ImportFailed("xlsx_damaged")
        try:
            # No DTD can be in it (refused just above), so no entity can expand or load anything.
            return ElementTree.fromstring(data)  # noqa: S314
        except ElementTree.ParseError:
            raise ImportFailed("xlsx_damaged") from None

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if rels_name not in self.zip.NameToInfo:
            return {}
        found = {}
        for rel in self._small_part(rels_name).iter(f"{{{_NS_PKG_REL}}}Relationship"):
            target = rel.get("Target", "")
            target = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            found[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], target)
        return found

    def _sheet_parts(self) -> list[tuple[str, str]]:
        workbook = self._small_part("xl/workbook.xml")
        self.relationships = self._relationships("xl/workbook.xml")
        sheets = []
        for sheet in workbook.iter(f"{{{_NS_MAIN}}}sheet"):
            kind, target = self.relationships.get(sheet.get(f"{{{_NS_REL}}}id", ""), ("", ""))
            if kind == "worksheet" and target in self.zip.NameToInfo:
                sheets.append((sheet.get("name", "")[:100], target))
        if not sheets:
            raise ImportFailed("not_spreadsheet")
        return sheets

    def _shared_strings(self) -> SharedStrings:
        if self.shared is None:
            self.shared = SharedStrings()
            targets = [t for kind, t in self.relationships.values() if kind == "sharedStrings"]
            name = targets[0] if targets else "xl/sharedStrings.xml"
            if name in self.zip.NameToInfo:
                self.shared.load(self._chunks(name))
        return self.shared

    # --- sizes --------------------------------------------------------------------------------------
    def estimate_rows(self) -> int:
        total = 0
        for _name, part in self.sheet_parts:
            head = b""
            for chunk in self._chunks(part):
                head += chunk
                if b"<sheetData" in head or len(head) > CHUNK:
                    break
            match = _DIMENSION.search(head)
            if match:
                total += int(match.group(1))
            else:
                total += self.zip.getinfo(part).file_size // 80
        return total

    def check_row_limit(self, max_rows: int) -> None:
        """Only when the sheets' dimensions claim more rows than allowed are rows counted (one pass
        that inflates and counts row ends); a file with more data rows is refused before storing."""
        if self.estimate_rows() <= max_rows + len(self.sheet_parts):
            return
        rows = 0
        for _name, part in self.sheet_parts:
            rows -= 1  # its header
            prefix, bodies = self._open_sheet(part)
            end_tag = b"</" + prefix + b"row>"
            for body in bodies:
                rows += body.count(end_tag)
                if rows > max_rows:
                    raise ImportFailed("too_many_rows", limit=max_rows)

    def _open_sheet(self, part: str) -> tuple[bytes, Iterator[bytes]]:
        """The sheet's namespace prefix, and its rows as runs of complete ``<row>`` elements."""
        chunks = self._chunks(part)
        data = b""
        for chunk in chunks:
            data += chunk
            if b"<sheetData" in data or b":sheetData" in data:
                break
            if len(data) > MAX_ROW_BYTES:
                raise ImportFailed("xlsx_damaged")
        root = _ROOT.search(data)
        prefix = (root.group(1) or b"") if root else b""
        start = data.find(b"<" + prefix + b"sheetData")
        if start < 0:
            return prefix, iter(())
        return prefix, self._runs(data[start:], chunks, prefix)

    @staticmethod
    def _runs(data: bytes, chunks: Iterator[bytes], prefix: bytes) -> Iterator[bytes]:
        end_tag = b"</" + prefix + b"row>"
        stop_tag = b"</" + prefix + b"sheetData>"
        while True:
            stop = data.find(stop_tag)
            if stop >= 0:
                if stop:
                    yield data[:stop]
                return
            cut = data.rfind(end_tag)
            if cut >= 0:
                cut += len(end_tag)
                yield data[:cut]
                data = data[cut:]
            elif len(data) > MAX_ROW_BYTES:
                raise ImportFailed("xlsx_damaged")
            chunk = next(chunks, b"")
            if not chunk:
                if data:
                    yield data
                return
            data += chunk

    def _value(self, kind: bytes, value: bytes | None, inline: bytes | None) -> Any:
        if kind == b"s":
            if not value:
                return None
            try:
                return self._shared_strings().get(int(value))
            except ValueError:
                return None
        if kind == b"inlineStr":
            return _rich_text(inline or b"")
        if value is None or value == b"":
            return None
        if kind in (b"", b"n"):
            return Numeric(value.decode("ascii", errors="replace"))
        return _unescape(value)

    def _general_rows(self, body: bytes) -> Iterator[tuple[int, dict[int, Any]]]:
        """Every row of a run, every cell: (row_no, {position: value})."""
        previous = 0
        for attrs, inner in _ROW_ANY.findall(body):
            found = _ATTR_R_ROW.search(attrs)
            row_no = int(found.group(1)) if found else previous + 1
            previous = row_no
            cells: dict[int, Any] = {}
            position = -1
            for cell_attrs, cell_body in _CELL_ANY.findall(inner or b""):
                ref = _ATTR_R_CELL.search(cell_attrs)
                position = column_position(ref.group(1)) if ref else position + 1
                if position >= MAX_COLUMNS * 100:
                    continue
                kind_match = _ATTR_T.search(cell_attrs)
                kind = kind_match.group(1) if kind_match else b""
                v = _V.search(cell_body) if cell_body else None
                inline = _IS.search(cell_body) if cell_body and kind == b"inlineStr" else None
                value = self._value(kind, v.group(1) if v else None, inline.group(1) if inline else None)
                if value is not None:
                    cells[position] = value
            if cells:
                yield row_no, cells

    def sheets(self) -> Iterator[Sheet]:
        """The sheets that have a tracking-number column, in workbook order (others are skipped and
        named in the report). Each sheet's batches must be consumed before asking for the next."""
        found = 0
        for index, (name, part) in enumerate(self.sheet_parts):
            prefix, runs = self._open_sheet(part)
            header = self._find_header(runs)
            if header is None:
                self._skipped.append(name)
                continue
            header_row, columns, pending = header
            found += 1
            yield Sheet(
                index=index,
                name=name,
                header_row=header_row,
                columns=columns,
                batches=self._batches(prefix, runs, pending, columns),
            )
        if not found:
            raise ImportFailed("no_number_column")

    def _find_header(
        self, runs: Iterator[bytes]
    ) -> tuple[int, Columns, list[tuple[int, dict[int, Any]]]] | None:
        """The header among the first ``SCAN_ROWS`` rows with content, its columns, and the rows after
        it that were already parsed."""
        seen = 0
        for body in runs:
            rows = list(self._general_rows(body))
            for position, (row_no, cells) in enumerate(rows):
                seen += 1
                if seen > SCAN_ROWS:
                    return None
                width = min(max(cells) + 1, MAX_COLUMNS)
                columns = find_columns([cells.get(p, "") for p in range(width)])
                if columns is not None:
                    return row_no, columns, rows[position + 1 :]
        return None

    def skipped_sheets(self) -> list[str]:
        return list(self._skipped)

    def _batches(
        self,
        prefix: bytes,
        runs: Iterator[bytes],
        pending: list[tuple[int, dict[int, Any]]],
        columns: Columns,
    ) -> Iterator[list[Row]]:
        needed = columns.needed
        batch: list[Row] = [
            (row_no, [cells.get(p) for p in needed])
            for row_no, cells in pending
            if any(p in cells for p in needed)
        ]
        letters = [column_letters(p).encode() for p in needed]
        alternation = b"|".join(letters)
        fast = re.compile(
            rb'<c r="(' + alternation + rb')(\d+)"(?:[^>]*? t="(\w+)")?[^>]*?'
            rb"(?:/>|>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?(?:<v>([^<]*)</v>|<is>(.*?)</is>)?</c>)",
            re.S,
        )
        loose = re.compile(rb'<c r="(?:' + alternation + rb")\d")
        slot = {letter: index for index, letter in enumerate(letters)}
        size = self.batch_rows
        template: re.Pattern[bytes] | None = None
        for body in runs:
            rows = None
            if not prefix:
                if template is None:
                    template = _template(body, letters)
                rows = self._template_rows(body, template, needed) if template is not None else None
                if rows is None:
                    template = None  # learnt again from the next run
                    rows = self._fast_rows(body, fast, loose, slot, len(needed))
            if rows is None:
                rows = [
                    (row_no, [cells.get(p) for p in needed])
                    for row_no, cells in self._general_rows(body)
                    if any(p in cells for p in needed)
                ]
            batch.extend(rows)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _template_rows(self, body: bytes, template: re.Pattern[bytes], needed: list[int]) -> list[Row] | None:
        """When every row of the run has the layout of the template's row (the same cells in the same
        order, each with a value): one regular expression pass, the columns converted in bulk."""
        found = template.findall(body)
        if len(found) != body.count(b"<row ") or b"<row>" in body or not found:
            return None
        columns = list(zip(*found, strict=True))
        values: list[list[Any]] = []
        for k in range(len(needed)):
            attrs, raw = columns[1 + 2 * k], columns[2 + 2 * k]
            kinds = {a: _kind(a) for a in set(attrs)}
            if len(set(kinds.values())) != 1:
                return None
            kind = next(iter(kinds.values()))
            cells: list[tuple[bytes, ...]] | None = (
                [(b"", b"", kind, v, b"") for v in raw] if kind not in (b"s", b"", b"n") else None
            )
            if cells is not None:
                values.append(self._column(cells, numbers=k == 0))
                continue
            values.append(self._column_of(kind, raw, numbers=k == 0))
        return list(zip(map(int, columns[0]), zip(*values, strict=True), strict=True))

    def _column_of(self, kind: bytes, raw: tuple[bytes, ...], *, numbers: bool) -> list[Any]:
        if kind == b"s":
            shared = self._shared_strings()
            indices = list(map(int, raw))
            if numbers:  # unique: decode each
                buffer, offsets, count = shared.buffer, shared.offsets, len(shared)
                if indices and min(indices) >= 0 and max(indices) < count:
                    return [buffer[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in indices]
                return [shared.get(i) for i in indices]
            distinct = set(indices)
            if len(distinct) < 10_000:
                cache = {i: shared.get(i) for i in distinct}
                return list(map(cache.__getitem__, indices))
            return [shared.get(i) for i in indices]
        distinct_values = set(raw)
        if not numbers and len(distinct_values) < 10_000:  # dates repeat
            numeric = {v: Numeric(v.decode("ascii", "replace")) for v in distinct_values}
            return list(map(numeric.__getitem__, raw))
        return [Numeric(v.decode("ascii", "replace")) for v in raw]

    def _fast_rows(
        self,
        body: bytes,
        fast: re.Pattern[bytes],
        loose: re.Pattern[bytes],
        slot: dict[bytes, int],
        width: int,
    ) -> list[Row] | None:
        """The needed cells of a run in one pass, or None when the run needs the general path."""
        if b"<c>" in body or body.count(b"<c ") != body.count(b'<c r="'):
            return None
        cells = fast.findall(body)
        if len(cells) != len(loose.findall(body)):
            return None
        if not cells:
            return []
        try:
            return self._complete_rows(cells, slot, width) or self._cell_by_cell(cells, slot, width)
        except ValueError:
            return None

    def _complete_rows(self, cells: list[tuple[bytes, ...]], slot: dict[bytes, int], width: int) -> list[Row]:
        """When every row has every needed cell (the usual list), convert column by column: most of
        the work then happens in C (slices, ``map``, comparisons). Empty list if the layout differs."""
        rows, remainder = divmod(len(cells), width)
        if remainder:
            return []
        letters = list(map(_FIRST, cells))
        order = sorted(slot, key=lambda item: column_position(item))
        if any(letters[k::width] != [letter] * rows for k, letter in enumerate(order)):
            return []
        row_digits = list(map(_SECOND, cells))
        first = row_digits[0::width]
        if any(row_digits[k::width] != first for k in range(1, width)):
            return []
        columns: list[list[Any]] = [[]] * width
        for k, letter in enumerate(order):
            position = slot[letter]
            part = cells[k::width]
            columns[position] = self._column(part, numbers=position == 0)
        return list(zip(map(int, first), zip(*columns, strict=True), strict=True))

    def _column(self, cells: list[tuple[bytes, ...]], *, numbers: bool) -> list[Any]:
        kinds = list(map(_THIRD, cells))
        values = list(map(_FOURTH, cells))
        shared = self._shared_strings()
        buffer, offsets, count = shared.buffer, shared.offsets, len(shared)
        if kinds.count(b"s") == len(kinds) and b"" not in values:
            indices = list(map(int, values))
            if min(indices) < 0 or max(indices) >= count:
                return [shared.get(i) for i in indices]
            if numbers:  # unique: decode each
                return [buffer[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in indices]
            cache = {i: shared.get(i) for i in set(indices)} if len(set(indices)) < 10_000 else None
            if cache is not None:
                return list(map(cache.__getitem__, indices))
            return [shared.get(i) for i in indices]
        if kinds.count(b"") + kinds.count(b"n") == len(kinds):
            distinct = set(values)
            if not numbers and len(distinct) < 10_000:  # dates repeat
                numeric = {v: Numeric(v.decode("ascii", "replace")) if v else None for v in distinct}
                return list(map(numeric.__getitem__, values))
            return [Numeric(v.decode("ascii", "replace")) if v else None for v in values]
        return [
            self._value(kind, value, cell[4]) for kind, value, cell in zip(kinds, values, cells, strict=True)
        ]

    def _cell_by_cell(self, cells: list[tuple[bytes, ...]], slot: dict[bytes, int], width: int) -> list[Row]:
        empty = [None] * width
        rows: list[Row] = []
        current = b""
        values: list[Any] = empty
        for letters, row_digits, kind, value, inline in cells:
            if row_digits != current:
                if values != empty:
                    rows.append((int(current), values))
                current = row_digits
                values = [None] * width
            values[slot[letters]] = self._value(kind, value, inline)
        if values != empty:
            rows.append((int(current), values))
        return rows

    def close(self) -> None:
        self.zip.close()
        self.fp.close()
