"""统一社会信用代码 validation: agrees with python-stdnum where stdnum applies, and accepts the
letter authority codes of GB 32100-2015 that stdnum refuses (ADR 0003)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from alarfund.accounts.uscc import ALPHABET, make_uscc, normalise, problem, validate_uscc

digits = st.text(alphabet="0123456789", min_size=8, max_size=8)
tail = st.text(alphabet=ALPHABET, min_size=10, max_size=10)


@settings(max_examples=300, deadline=None)
@given(head=digits, rest=tail)
def test_agrees_with_stdnum_on_numeric_prefixes(head: str, rest: str) -> None:
    code = head + rest
    assert (problem(code) is None) == stdnum_uscc.is_valid(code)


@settings(max_examples=200, deadline=None)
@given(head=digits, body=st.text(alphabet=ALPHABET, min_size=9, max_size=9), position=st.integers(0, 17))
def test_any_single_character_typo_is_caught(head: str, body: str, position: int) -> None:
    first17 = head + body
    code = first17 + stdnum_uscc.calc_check_digit(first17)
    assert problem(code) is None
    replacement = ALPHABET[(ALPHABET.index(code[position]) + 1) % len(ALPHABET)]
    typo = code[:position] + replacement + code[position + 1 :]
    assert problem(typo) is not None


def test_known_codes() -> None:
    assert validate_uscc("91110000600037341L") == "91110000600037341L"  # stdnum's example
    assert validate_uscc(" 9111 0000-6000 3734 1l ") == "91110000600037341L"
    assert normalise("９１１１００００６０００３７３４１Ｌ") == "91110000600037341L"  # full-width


@pytest.mark.parametrize("prefix", ["N2", "Y1", "A1", "51", "12"])
def test_letter_and_other_authority_codes(prefix: str) -> None:
    code = make_uscc(authority_and_type=prefix, region="659002", org_body="MA1234AB")
    assert validate_uscc(code) == code
    if not prefix.isdigit():
        assert not stdnum_uscc.is_valid(code)  # the reason we do not call stdnum.validate directly


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", "length"),
        ("91110000600037341", "length"),
        ("91110000600037341LX", "length"),
        ("I1110000600037341L", "characters"),
        ("9111000060003734OL", "characters"),
        ("91A10000600037341L", "region"),
        ("91110000600037341M", "check_digit"),
    ],
)
def test_problems(code: str, reason: str) -> None:
    assert problem(normalise(code)) == reason
    with pytest.raises(ValidationError) as info:
        validate_uscc(code)
    assert info.value.code == f"uscc_{reason}"
