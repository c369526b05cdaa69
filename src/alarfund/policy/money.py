"""Money as integer fen (分): parsing, rounding and formatting. Never float.

Amounts enter the engine as exact decimals (strings, integers or `Decimal`), are held as integer fen, and
leave it as strings with exactly two decimals. Rounding is half-up (四舍五入) to a unit given in fen.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

FEN_PER_YUAN = 100
#: Inputs above 10^12 yuan are refused (policy-rules §1): no real figure is that large.
MAX_AMOUNT_FEN = 10**12 * FEN_PER_YUAN

# ASCII digits only: full-width digits or padding are refused, not silently read.
_SIMPLE_AMOUNT = re.compile(r"([0-9]{1,15})(?:\.([0-9]{1,2}))?")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class MoneyError(ValueError):
    """An amount that is not a valid money figure; the message says why (English and Chinese)."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh


def to_decimal(value: object) -> Decimal:
    """Read a JSON string or number as an exact `Decimal`; refuse anything else."""
    if isinstance(value, bool) or value is None:
        raise MoneyError("not a number", "不是数字")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        text = value
        if not _PLAIN_NUMBER.fullmatch(text):
            raise MoneyError(f"not a number: {value!r}", f"不是数字：{value!r}")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid literals
            raise MoneyError(f"not a number: {value!r}", f"不是数字：{value!r}") from exc
    else:
        # float included: a binary float is never an exact amount.
        raise MoneyError(f"not a number: {value!r}", f"不是数字：{value!r}")
    if not number.is_finite():
        raise MoneyError("not a finite number (NaN or Infinity)", "不是有限数值（NaN 或 Infinity）")
    return number


def simple_fen(value: str) -> int | None:
    """The fast path for the common "1234.5" form: fen, or None when the general path must decide."""
    simple = _SIMPLE_AMOUNT.fullmatch(value)
    if simple is None:
        return None
    whole, decimals = simple.groups()
    fen = int(whole) * FEN_PER_YUAN + (int(decimals) * (10 if len(decimals) == 1 else 1) if decimals else 0)
    return fen if fen <= MAX_AMOUNT_FEN else None


def parse_fen(value: object) -> int:
    """Validate a money figure and return it in integer fen.

    Refused: negative amounts, non-numbers, NaN/Infinity, more than 2 decimals, more than 10^12 yuan.
    """
    if type(value) is str:
        fen = simple_fen(value)
        if fen is not None:
            return fen
    number = to_decimal(value)
    if number < 0:
        raise MoneyError(f"must not be negative (got {number})", f"不能为负数（{number}）")
    scaled = number * FEN_PER_YUAN
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"more than 2 decimal places (got {number})", f"小数位数超过 2 位（{number}）")
    fen = int(scaled)
    if fen > MAX_AMOUNT_FEN:
        raise MoneyError(f"above the maximum of 10^12 yuan (got {number})", f"超过上限 10^12 元（{number}）")
    return fen


def parse_count(value: object) -> int:
    """A non-negative whole count (e.g. parcels): a JSON integer, not a string or a decimal."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise MoneyError(f"must be a whole number (got {value!r})", f"必须是非负整数（{value!r}）")
    if value < 0:
        raise MoneyError(f"must not be negative (got {value})", f"不能为负数（{value}）")
    if value > MAX_AMOUNT_FEN // FEN_PER_YUAN:
        raise MoneyError(f"above the maximum of 10^12 (got {value})", f"超过上限 10^12（{value}）")
    return value


def fen_from_decimal(amount: Decimal | str | int) -> int:
    """Convert a trusted parameter value (yuan) to fen; it must be exact to the fen."""
    scaled = Decimal(amount) * FEN_PER_YUAN
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} is not exact to the fen")
    return int(scaled)


def round_half_up(numerator: int, denominator: int, unit: int) -> int:
    """numerator/denominator fen, rounded half-up to a multiple of `unit` fen (all non-negative)."""
    step = denominator * unit
    return (2 * numerator + step) // (2 * step) * unit


def floor_to_unit(fen: int, unit: int) -> int:
    return fen // unit * unit


def format_fen(fen: int) -> str:
    """1234567 -> '12345.67' (the round file's form)."""
    if fen < 0:
        return "-" + format_fen(-fen)
    return "%d.%02d" % divmod(fen, FEN_PER_YUAN)  # noqa: UP031 - the fastest form, on a hot path


def format_fen_grouped(fen: int) -> str:
    """1234567 -> '12,345.67' (the explanations' form)."""
    if fen < 0:
        return "-" + format_fen_grouped(-fen)
    yuan, fen = divmod(fen, FEN_PER_YUAN)
    return f"{yuan:,}.{fen:02d}"


def fen_to_decimal(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def format_rate(rate: Fraction, digits: int = 4) -> str:
    """A rate as a percentage with up to `digits` decimals, rounded half-up: 3/20 -> '15%'."""
    percent = rate * 100
    scale = 10**digits
    scaled = (percent.numerator * scale * 2 + percent.denominator) // (2 * percent.denominator)
    text = f"{scaled // scale}.{scaled % scale:0{digits}d}".rstrip("0").rstrip(".")
    return f"{text}%"


def format_ratio(value: Fraction, digits: int = 6) -> str:
    """A ratio with exactly `digits` decimals, rounded half-up: 16/21 -> '0.761905'."""
    scale = 10**digits
    scaled = (value.numerator * scale * 2 + value.denominator) // (2 * value.denominator)
    return f"{scaled // scale}.{scaled % scale:0{digits}d}"
