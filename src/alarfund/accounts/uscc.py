"""统一社会信用代码 (Unified Social Credit Code, GB 32100-2015).

python-stdnum's ``cn.uscc`` checks the check digit but also demands that the first eight characters be
digits, which refuses real codes whose registration-authority or entity-type character is a letter
(``N`` agriculture, ``Y`` other, ``A`` ...). We accept exactly what the standard allows (see
docs/adr/0003-uscc-validation.md): characters 1–2 from the code alphabet, 3–8 a numeric region code,
9–17 from the code alphabet, and the check digit of GB 32100-2015 (computed by stdnum).
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
# GB 11714 organisation code (characters 9-17): eight body characters and a check character.
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CODE_VALUES = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def normalise(raw: str) -> str:
    """Full-width characters to half-width, spaces and hyphens removed, upper case."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(ch for ch in text if ch not in " -\t\u3000").upper()


def problem(code: str) -> str | None:
    """Why ``code`` (already normalised) is not a valid 统一社会信用代码, or None."""
    if len(code) != LENGTH:
        return "length"
    if any(ch not in ALPHABET for ch in code[:2]) or any(ch not in ALPHABET for ch in code[8:]):
        return "characters"
    if not code[2:8].isdigit():
        return "region"
    if stdnum_uscc.calc_check_digit(code[:17]) != code[17]:
        return "check_digit"
    return None


MESSAGES = {
    "length": _("A unified social credit code has exactly 18 characters."),
    "characters": _(
        "A unified social credit code uses only digits and the capital letters "
        "A–H, J–N, P–R, T, U, W, X and Y (no I, O, S, V or Z)."
    ),
    "region": _("Characters 3 to 8 of a unified social credit code are the digits of the region code."),
    "check_digit": _(
        "The check digit (the last character) does not match: please check the code against the "
        "business licence."
    ),
}


def validate_uscc(raw: str) -> str:
    """The normalised code, or a ValidationError with a message in the active language."""
    code = normalise(raw)
    reason = problem(code)
    if reason is not None:
        raise ValidationError(MESSAGES[reason], code=f"uscc_{reason}")
    return code


def org_code_check_char(body: str) -> str:
    """GB 11714 check character for an 8-character organisation-code body (used for demo data)."""
    total = sum(_ORG_CODE_VALUES.index(ch) * w for ch, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def make_uscc(*, authority_and_type: str, region: str, org_body: str) -> str:
    """Build a valid code from its parts (demo data and tests)."""
    org_code = org_body + org_code_check_char(org_body)
    first17 = authority_and_type + region + org_code
    return first17 + stdnum_uscc.calc_check_digit(first17)
