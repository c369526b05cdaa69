"""Money: exact parsing to fen, half-up rounding, formatting; never float."""

from decimal import Decimal
from fractions import Fraction

import pytest

from alarfund.policy.money import (
    MoneyError,
    format_fen,
    format_fen_grouped,
    format_rate,
    format_ratio,
    parse_count,
    parse_fen,
    round_half_up,
)


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        ("0", 0),
        ("1200000.00", 120000000),
        ("0.5", 50),
        (".5", 50),
        ("12.30", 1230),
        ("1.000", 100),  # more digits, but exact to the fen
        ("1e3", 100000),
        (Decimal("99.99"), 9999),
        (7, 700),
        ("1000000000000", 10**14),
        ("-0", 0),
    ],
)
def test_parse_fen_accepts_exact_amounts(value, fen):
    assert parse_fen(value) == fen


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("-0.01", "negative"),
        (-1, "negative"),
        ("1.001", "2 decimal"),
        (Decimal("0.005"), "2 decimal"),
        ("NaN", "not a number"),
        ("Infinity", "not a number"),
        (Decimal("NaN"), "finite"),
        ("abc", "not a number"),
        ("1,000", "not a number"),
        ("", "not a number"),
        (None, "not a number"),
        (True, "not a number"),
        (1.5, "not a number"),  # a binary float is never an exact amount
        ("1000000000000.01", "maximum"),
        ([], "not a number"),
    ],
)
def test_parse_fen_refuses_bad_amounts(value, reason):
    with pytest.raises(MoneyError) as caught:
        parse_fen(value)
    assert reason in caught.value.en
    assert caught.value.zh  # every refusal also speaks Chinese


@pytest.mark.parametrize("value", [-1, "5", 1.0, True, 10**12 + 1])
def test_parse_count_refuses_non_counts(value):
    with pytest.raises(MoneyError):
        parse_count(value)


def test_round_half_up_to_fen_and_yuan():
    assert round_half_up(5, 10, 1) == 1  # 0.5 fen -> 1 fen
    assert round_half_up(4, 10, 1) == 0
    assert round_half_up(15, 1, 100) == 0  # 0.15 yuan -> 0 yuan
    assert round_half_up(50, 1, 100) == 100  # 0.50 yuan -> 1 yuan (half up)
    assert round_half_up(149, 1, 100) == 100


def test_formats():
    assert format_fen(0) == "0.00"
    assert format_fen(5) == "0.05"
    assert format_fen(123456789) == "1234567.89"
    assert format_fen(-150) == "-1.50"
    assert format_fen_grouped(123456789) == "1,234,567.89"
    assert format_rate(Fraction(3, 20)) == "15%"
    assert format_rate(Fraction(1, 3)) == "33.3333%"
    assert format_ratio(Fraction(16, 21)) == "0.761905"
    assert format_ratio(Fraction(1, 1)) == "1.000000"


@pytest.mark.parametrize("value", ["１２３", " 5", "5 ", "\t5", "٣"])
def test_non_ascii_digits_and_padding_are_refused(value):
    with pytest.raises(MoneyError):
        parse_fen(value)
