"""Validation of one register entry (a form, an import row): clean values or errors keyed by field.

Nothing is coerced silently: an unknown register or category, a bad 统一社会信用代码, a missing or
impossible date, an end date on something that is not a ban, a year on something that is not a reward
are each a clear error in the reader's language.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from alarfund.accounts.uscc import validate_uscc

from .models import CATEGORIES, Category, Register
from .rules import default_ban_end

FIELDS = (
    "register",
    "category",
    "uscc",
    "name",
    "occurred_on",
    "end_date",
    "year",
    "source_reference",
    "description",
)
#: The range of years a reward year or a date may have (a plausibility bound, not a policy value).
YEARS = range(1990, 2100)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def parse_date(value: Any) -> dt.date | None:
    """A date from a form, a CSV cell or an XLSX cell; None when empty; ValueError when not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0, 0):
            raise ValueError("a time of day")
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day)
    raise ValueError("not a date")


def _year(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("not a year")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        if not (text.isascii() and text.isdigit()):
            raise ValueError("not a year")
        number = int(text)
    if number not in YEARS:
        raise ValueError("not a year")
    return number


def clean_entry(data: dict[str, Any]) -> dict[str, Any]:
    """The entry's clean values, or a `ValidationError` keyed by field."""
    errors: dict[str, list[str]] = {}
    register = str(data.get("register") or "").strip()
    if register not in Register.values:
        errors["register"] = [_("Choose one of the registers.")]
    category = str(data.get("category") or "").strip()
    if register in Register.values:
        allowed = CATEGORIES[register]
        if not category and len(allowed) == 1:
            category = allowed[0]
        if category not in allowed:
            errors["category"] = [
                _("Choose the category for this register: %(choices)s.")
                % {"choices": ", ".join(str(Category(c).label) for c in allowed)}
            ]
    uscc = ""
    try:
        uscc = validate_uscc(str(data.get("uscc") or ""))
    except ValidationError as exc:
        errors["uscc"] = list(exc.messages)
    name = " ".join(str(data.get("name") or "").split())
    if not name:
        errors["name"] = [_("Give the enterprise's name.")]
    elif len(name) > 200:
        errors["name"] = [_("At most %(count)d characters.") % {"count": 200}]
    occurred_on = end_date = None
    year = None
    try:
        occurred_on = parse_date(data.get("occurred_on"))
    except ValueError:
        errors["occurred_on"] = [_("Enter a date as YYYY-MM-DD.")]
    try:
        end_date = parse_date(data.get("end_date"))
    except ValueError:
        errors["end_date"] = [_("Enter a date as YYYY-MM-DD.")]
    try:
        year = _year(data.get("year"))
    except ValueError:
        errors["year"] = [_("Enter a year such as 2025.")]
    if occurred_on is not None and occurred_on.year not in YEARS:
        errors["occurred_on"] = [_("Enter a date as YYYY-MM-DD.")]
    if register == Register.FOUR_ABOVE:
        if year is None and "year" not in errors:
            errors["year"] = [_("Give the year the reward is for.")]
    elif register in Register.values:
        if occurred_on is None and "occurred_on" not in errors:
            errors["occurred_on"] = [_("Give the date of the finding or record.")]
        if year is not None:
            errors["year"] = [_("Only 'four-above' rewards have a reward year.")]
    if register == Register.BAN:
        if end_date is None and occurred_on is not None:
            end_date = default_ban_end(occurred_on)
        if end_date is not None and occurred_on is not None and end_date < occurred_on:
            errors["end_date"] = [_("The ban cannot end before the finding.")]
    elif end_date is not None:
        errors["end_date"] = [_("Only bans have an end date.")]
    source_reference = " ".join(str(data.get("source_reference") or "").split())
    if len(source_reference) > 200:
        errors["source_reference"] = [_("At most %(count)d characters.") % {"count": 200}]
    description = str(data.get("description") or "").strip()
    if len(description) > 4000:
        errors["description"] = [_("At most %(count)d characters.") % {"count": 4000}]
    if errors:
        raise ValidationError(errors)
    return {
        "register": register,
        "category": category,
        "uscc": uscc,
        "name": name,
        "occurred_on": occurred_on,
        "end_date": end_date,
        "year": year,
        "source_reference": source_reference,
        "description": description,
    }


def identity(clean: dict[str, Any]) -> tuple[Any, ...]:
    """Two entries with the same identity are the same fact entered twice."""
    return (clean["register"], clean["category"], clean["uscc"], clean["occurred_on"], clean["year"])


def snapshot(entry: Any) -> dict[str, Any]:
    """An entry's values for the audit trail (before/after)."""
    return {
        "register": entry.register,
        "category": entry.category,
        "uscc": entry.uscc,
        "name": entry.name,
        "occurred_on": entry.occurred_on.isoformat() if entry.occurred_on else None,
        "end_date": entry.end_date.isoformat() if entry.end_date else None,
        "year": entry.year,
        "source_reference": entry.source_reference,
        "source_file": str(entry.source_file_id) if entry.source_file_id else None,
        "description": entry.description,
    }
