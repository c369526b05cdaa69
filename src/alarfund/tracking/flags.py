"""What can be wrong with one row of a tracking-number list: bits of ``TrackingNumber.flags``.

The row checks set them while reading (format, courier, ship date); the database sets
``DUPLICATE_IN_FILE`` after the load, and the two cross-list bits when the list is checked against the
other current lists. Those two change when another list sharing a number is imported or replaced: the
follow-up task recomputes them for the shared numbers only (see ``checks.py``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: The cell is not a tracking number: empty, control characters, other scripts, too short or too long.
INVALID = 1
#: Letters and digits of a plausible length, but no known carrier's pattern: flagged, still counted.
UNKNOWN_FORMAT = 2
#: The courier column names a known carrier whose pattern the number does not fit: flagged, still counted.
COURIER_MISMATCH = 4
#: The list has a ship-date column but this row's date is empty or unreadable: not counted.
DATE_MISSING = 8
#: The ship date is outside the round's sales year: not counted.
DATE_OUTSIDE_YEAR = 16
#: Saved by Excel as a number with more than 15 digits (or in E notation): digits are lost, not counted.
PRECISION_LOST = 32
#: The same number appears earlier in the same file (this row is the repeat): the number counts once.
DUPLICATE_IN_FILE = 64
#: A row with other data but no tracking number.
MISSING_NUMBER = 128
#: The number is also in another application's current list of the same round: not counted (either side).
DUPLICATE_IN_ROUND = 256
#: The number is also in a current list of an earlier round: not counted (the later claim).
DUPLICATE_EARLIER_ROUND = 512
#: The two bits above.
CROSS = DUPLICATE_IN_ROUND | DUPLICATE_EARLIER_ROUND

#: Rows with any of these never count towards the valid unique number.
NOT_COUNTED = INVALID | DATE_MISSING | DATE_OUTSIDE_YEAR | PRECISION_LOST | MISSING_NUMBER
#: Rows with any of these are left out of the duplicate checks (junk would "match" junk elsewhere).
NOT_A_NUMBER = INVALID | PRECISION_LOST | MISSING_NUMBER

#: Problem codes of the report, in the order it lists them: (code, bit or None, label).
PROBLEMS: tuple[tuple[str, int | None, object], ...] = (
    ("missing_number", MISSING_NUMBER, _("No tracking number in the row")),
    ("invalid", INVALID, _("Not a tracking number")),
    ("precision_lost", PRECISION_LOST, _("Saved by Excel as a number: digits lost")),
    ("unknown_format", UNKNOWN_FORMAT, _("Format of no known carrier (checked by hand; still counted)")),
    ("courier_mismatch", COURIER_MISMATCH, _("Does not fit the courier named in the row (still counted)")),
    ("date_missing", DATE_MISSING, _("Ship date missing or unreadable")),
    ("date_outside_year", DATE_OUTSIDE_YEAR, _("Ship date outside the sales year")),
    ("duplicate_in_file", DUPLICATE_IN_FILE, _("Repeated in the same file")),
    ("duplicate_in_round", DUPLICATE_IN_ROUND, _("Also claimed in another application of this round")),
    ("duplicate_earlier_round", DUPLICATE_EARLIER_ROUND, _("Already claimed in an earlier round")),
)
PROBLEM_LABELS = {code: label for code, _bit, label in PROBLEMS}
FLAG_BITS = {code: bit for code, bit, _label in PROBLEMS if bit is not None}


def codes_of(flags: int) -> list[str]:
    """The problem codes of a row's flags, in report order."""
    return [code for code, bit in FLAG_BITS.items() if flags & bit]


#: Problems of the row itself (the report's first section); repeats and cross-list duplicates have theirs.
ROW_PROBLEMS = (
    INVALID
    | UNKNOWN_FORMAT
    | COURIER_MISMATCH
    | DATE_MISSING
    | DATE_OUTSIDE_YEAR
    | PRECISION_LOST
    | MISSING_NUMBER
)
ROW_CODES = frozenset(code for code, bit in FLAG_BITS.items() if bit & ROW_PROBLEMS)
