"""Password, phone, bank account and ID number rules beyond Django's built-in validators."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum import numdb
from stdnum.cn import ric

from alarfund import sensitive

from .choices import STAFF_ROLES

_CLASSES = (
    re.compile(r"[a-z]"),
    re.compile(r"[A-Z]"),
    re.compile(r"[0-9]"),
    re.compile(r"[^a-zA-Z0-9]"),
)


class StaffComplexityValidator:
    """Staff passwords mix at least three of: lower case, upper case, digits, other characters.

    等保 practice, a recorded deviation from ASVS's no-composition rule (docs/security.md). Applies
    only to staff accounts; applicants get length, common-password and similarity checks.
    """

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "role", None) not in STAFF_ROLES:
            return
        if sum(1 for pattern in _CLASSES if pattern.search(password)) < self.min_classes:
            raise ValidationError(
                _(
                    "A staff password must mix at least three of: lower-case letters, capital letters, "
                    "digits and other characters."
                ),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "Staff passwords mix at least three of: lower-case letters, capital letters, digits and "
            "other characters."
        )


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule with our own message: Django 5.2's message id (``%d``) no longer matches its
    shipped Chinese catalogue (``%(min_length)d``), so it would show in English."""

    def get_error_message(self) -> str:
        return _("This password is too short: it must have at least %(min_length)d characters.") % {
            "min_length": self.min_length
        }

    def get_help_text(self) -> str:
        return _("Your password must have at least %(min_length)d characters.") % {
            "min_length": self.min_length
        }


_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def validate_phone(value: str) -> None:
    """A mainland mobile number (11 digits) or a landline with area code."""
    if not _PHONE.match(value.replace(" ", "")):
        raise ValidationError(
            _("Enter a mobile number (11 digits) or a landline number with its area code."),
            code="phone",
        )


_BANK_ACCOUNT = re.compile(r"^\d{8,30}$")


def validate_bank_account(value: str) -> None:
    if not _BANK_ACCOUNT.match(value.replace(" ", "")):
        raise ValidationError(_("A bank account number has 8 to 30 digits."), code="bank_account")


def validate_id_number(value: str) -> str:
    """A resident identity card number (居民身份证号码, GB 11643-1999); returns the normalised form.

    Checked with python-stdnum ``cn.ric``: 18 characters, the check digit, a real birth date and a
    known province. Unlike ``ric.validate`` we do not require the county code to have existed in the
    birth year: people keep the number of the place where it was first issued (阿拉尔市 659002 exists
    since 2002, but its residents were born earlier), see docs/adr/0007.
    """
    number = sensitive.normalise(value, kind=sensitive.ID_NUMBER)
    if len(number) != 18:
        raise ValidationError(
            _("A resident ID number has 18 characters: 17 digits and a final digit or X."), code="id_length"
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("A resident ID number has 17 digits and a final digit or X."), code="id_characters"
        )
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError(
            _(
                "The last character (the check digit) of the ID number does not match: please check the "
                "number against the ID card."
            ),
            code="id_check_digit",
        )
    try:
        born = ric.get_birth_date(number)
    except stdnum_exceptions.ValidationError:
        born = None
    if born is None or born.year < 1900 or born > date.today():
        raise ValidationError(
            _("Characters 7 to 14 of the ID number are not a valid date of birth."), code="id_birth_date"
        )
    places = numdb.get("cn/loc").info(number[:6])
    if not places or not places[0][1]:
        raise ValidationError(
            _("The first two digits of the ID number are not a province code."), code="id_region"
        )
    return number
