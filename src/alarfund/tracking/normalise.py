"""Row checks while reading: the number's form and carrier, the courier named, the ship date.

``RowChecker`` turns the cells read for a row (number, courier, ship date — whichever columns the list
has) into a record for the database: ``(sheet, row_no, number, carrier, courier, ship_date, flags,
raw)``. Everything here is per row and cheap (a few dictionary look-ups and one regular expression).
Repeats *within the import* are found here too (``Tally``: one dictionary of the numbers seen, keyed
by the exact normalised text, so there is no false repeat), and the counts of the report are tallied
on the way; duplicates *across lists* are the database's job.

Normalising a number: full-width characters folded (NFKC), surrounding spaces and quotes removed,
Excel's ``="…"`` text trick undone, inner spaces and hyphens removed, upper case. A tracking number is
then 8–30 letters and digits; anything else (other scripts, control characters, punctuation, binary
junk) is ``INVALID``. A number Excel stored as a number keeps its digits only below 10^15; larger ones
(or E notation) have lost digits: ``PRECISION_LOST``.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from . import flags as F
from .carriers import ANY_CARRIER, PATTERNS, courier_code

Record = tuple[int, int, str, str, str, dt.date | None, int, str]

_VALID = re.compile(r"[A-Z0-9]{8,30}")
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?E\+?\d+")
_SPACES = " \t\r\n\u3000\u200b\u200c\u200d\u2060\ufeff\xa0"
_STRIP = " \t\r\n\u3000\u200b\u200c\u200d\u2060\ufeff\xa0'\"`"
_REMOVE = str.maketrans("", "", " \t\r\n-\u3000\u200b\ufeff\xa0")
# Characters no report or database should carry: controls, lone surrogates, non-characters.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_DATE = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_COMPACT_DATE = re.compile(r"\s*(\d{4})(\d{2})(\d{2})(?:\D|$)")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_CACHE_LIMIT = 50_000
_FLAGS = operator.itemgetter(6)


class Numeric(str):
    """A cell that the workbook stores as a number (its text as written in the file)."""

    __slots__ = ()


def printable(text: str, limit: int) -> str:
    """``text`` shortened to ``limit`` characters, unprintable characters replaced by U+FFFD."""
    return _UNPRINTABLE.sub("\ufffd", text[:limit])


def _from_number(text: str) -> tuple[str, int]:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return printable(text, 40), F.INVALID
    if not value.is_finite() or value != value.to_integral_value() or value < 0:
        return printable(text, 40), F.INVALID
    digits = str(int(value))
    if int(value) >= 10**15 or "E" in text.upper():
        return digits[:40], F.PRECISION_LOST
    return digits, 0


def normalise_number(value: object) -> tuple[str, int, str]:
    """``(number, flags, raw)`` for a number cell; ``raw`` is the cell as written when it differs."""
    if value is None:
        return "", F.MISSING_NUMBER, ""
    if isinstance(value, Numeric):
        number, problem = _from_number(str(value))
        return number, problem, "" if number == value else printable(str(value), 64)
    text = str(value)
    cleaned = text if text.isascii() else unicodedata.normalize("NFKC", text)
    cleaned = cleaned.strip(_SPACES)
    if cleaned.startswith('="') and cleaned.endswith('"'):
        cleaned = cleaned[2:-1]
    cleaned = cleaned.strip(_STRIP)
    number = cleaned.translate(_REMOVE).upper()
    if not number:
        return "", F.MISSING_NUMBER, ""
    raw = "" if number == text else printable(text, 64)
    if _VALID.fullmatch(number):
        return number, 0, raw
    if _SCIENTIFIC.fullmatch(number):
        return number[:40], F.PRECISION_LOST, raw
    return printable(number, 40), F.INVALID, raw or printable(text, 64)


def parse_date(value: object) -> dt.date | None:
    """A ship date from a cell: an Excel date serial, ``2025-03-01``, ``2025/3/1``, ``2025.3.1``,
    ``2025年3月1日`` or ``20250301``, with or without a time after it."""
    try:
        if isinstance(value, Numeric):
            number = float(value)
            if 19_000_101 <= number <= 29_991_231 and number == int(number):
                text = str(int(number))
                return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
            if 1 <= number < 2_958_466:
                return _EXCEL_EPOCH + dt.timedelta(days=int(number))
            return None
        text = str(value)
        match = _DATE.match(text) or _COMPACT_DATE.match(text)
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        stripped = text.strip()
        if stripped.isdigit() and len(stripped) == 5:  # a date serial written as text
            return _EXCEL_EPOCH + dt.timedelta(days=int(stripped))
    except (ValueError, OverflowError):
        return None
    return None


class Tally:
    """What one import has seen so far, over all its files and sheets (read in row order, so the first
    occurrence of a number is its first row): every valid number once (exact text; value: whether any
    of its rows counts so far) and how many rows carry each flag value. Bounded by the row limit: at
    2,000,000 rows about 100 MB besides the numbers' text."""

    def __init__(self) -> None:
        self.seen: dict[str, bool] = {}
        self.flag_counts: Counter[int] = Counter()
        self.rows = 0

    def stats(self, hits: Iterable[tuple[str, int]] = ()) -> dict[str, int]:
        """The report's counts, as ``checks.compute_stats`` computes them from stored rows; ``hits`` are
        the numbers also in other lists with their cross-list bits (each number once)."""
        stats = {"rows": self.rows}
        for code, bit in F.FLAG_BITS.items():
            stats[code] = sum(n for value, n in self.flag_counts.items() if value & bit)
        stats["unique_numbers"] = len(self.seen)
        in_round = earlier = lost = 0
        seen = self.seen
        for number, bits in hits:
            in_round += 1 if bits & F.DUPLICATE_IN_ROUND else 0
            earlier += 1 if bits & F.DUPLICATE_EARLIER_ROUND else 0
            lost += 1 if seen.get(number) else 0
        stats["duplicate_in_round"] = in_round
        stats["duplicate_earlier_round"] = earlier
        stats["valid_unique"] = sum(seen.values()) - lost
        return stats


class RowChecker:
    """Checks rows of one sheet: ``positions`` says where number, courier and ship date are in the
    values handed over (courier and ship date may be None when the list has no such column). Rows of
    one import share one ``Tally`` (repeats are found across its files and sheets)."""

    def __init__(
        self, *, sales_year: int, has_courier: bool, has_date: bool, tally: Tally | None = None
    ) -> None:
        self.sales_year = sales_year
        self.has_courier = has_courier
        self.has_date = has_date
        self.tally = tally if tally is not None else Tally()
        self._couriers: dict[str, tuple[str, str]] = {}
        self._dates: dict[object, dt.date | None] = {}

    def _courier(self, text: str) -> tuple[str, str]:
        """(code or "", what to store)."""
        found = self._couriers.get(text)
        if found is None:
            code = courier_code(text)
            found = (code, code or printable(text.strip(), 24))
            if len(self._couriers) < _CACHE_LIMIT:
                self._couriers[text] = found
        return found

    def _date(self, value: object) -> dt.date | None:
        try:
            return self._dates[value]
        except KeyError:
            parsed = parse_date(value)
            if len(self._dates) < _CACHE_LIMIT:
                self._dates[value] = parsed
            return parsed

    def records(self, sheet: int, rows: Iterable[tuple[int, Sequence[object]]]) -> list[Record]:
        """Records for the rows; rows whose cells are all empty are left out. (The hot loop of an
        import: clean numbers, known couriers and dates take dictionary and regex fast paths.)"""
        out: list[Record] = []
        append = out.append
        has_courier, has_date, year = self.has_courier, self.has_date, self.sales_year
        date_index = 2 if has_courier else 1
        valid = _VALID.fullmatch
        any_carrier = ANY_CARRIER.fullmatch
        couriers, dates = self._couriers, self._dates
        not_a_number, not_counted, repeat = F.NOT_A_NUMBER, F.NOT_COUNTED, F.DUPLICATE_IN_FILE
        seen = self.tally.seen
        seen_get = seen.get
        for row_no, values in rows:
            cell = values[0]
            if type(cell) is str and valid(cell):
                number, problems, raw = cell, 0, ""
            else:
                number, problems, raw = normalise_number(cell)
            courier_text = values[1] if has_courier else None
            date_value = values[date_index] if has_date else None
            if problems & F.MISSING_NUMBER and not _filled(courier_text) and not _filled(date_value):
                continue  # an empty row
            carrier = ""
            if not problems & not_a_number:
                match = any_carrier(number)
                if match:
                    carrier = match.lastgroup or ""
                else:
                    problems |= F.UNKNOWN_FORMAT
            courier = ""
            if courier_text is not None:
                known = couriers.get(courier_text)  # type: ignore[call-overload]
                if known is None and _filled(courier_text):
                    known = self._courier(str(courier_text))
                if known is not None:
                    code, courier = known
                    if code and carrier and code != carrier:
                        if PATTERNS[code].fullmatch(number):
                            carrier = code
                        else:
                            problems |= F.COURIER_MISMATCH
            ship_date = None
            if has_date:
                if date_value is not None and date_value in dates:
                    ship_date = dates[date_value]
                elif _filled(date_value):
                    ship_date = self._date(date_value)
                if ship_date is None:
                    problems |= F.DATE_MISSING
                elif ship_date.year != year:
                    problems |= F.DATE_OUTSIDE_YEAR
            if not problems & not_a_number:
                first = seen_get(number)
                if first is None:
                    seen[number] = not problems & not_counted
                else:  # a repeat in the import: the first row (in sheet and row order) stays unflagged
                    problems |= repeat
                    if not first and not problems & not_counted:
                        seen[number] = True
            append((sheet, row_no, number, carrier, courier, ship_date, problems, raw))
        tally = self.tally
        tally.rows += len(out)
        tally.flag_counts.update(map(_FLAGS, out))
        return out


def _filled(value: object) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))
