"""``alarfund.sensitive``: encryption round trip, key ids and rotation, keyed hashes, masking, key file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from alarfund import sensitive
from alarfund.config.settings import env

ID = "659002197803151317"
BANK = "6228480123456789012"
KEY_A = sensitive.new_master_key()
KEY_B = sensitive.new_master_key()


def test_round_trip_and_fresh_nonce() -> None:
    first = sensitive.encrypt(ID, kind=sensitive.ID_NUMBER)
    second = sensitive.encrypt(ID, kind=sensitive.ID_NUMBER)
    assert first != second  # a fresh nonce each time: equal values do not show as equal
    assert ID not in first and "1317" not in first
    assert sensitive.is_ciphertext(first) and first.startswith("v1:")
    assert sensitive.decrypt(first, kind=sensitive.ID_NUMBER) == ID
    assert sensitive.decrypt(sensitive.encrypt("张三 ✓", kind="x"), kind="x") == "张三 ✓"


def test_kind_is_bound_and_tampering_detected() -> None:
    token = sensitive.encrypt(BANK, kind=sensitive.BANK_ACCOUNT)
    with pytest.raises(sensitive.UndecryptableValue) as caught:
        sensitive.decrypt(token, kind=sensitive.ID_NUMBER)
    assert BANK not in str(caught.value)
    body = token.rsplit(":", 1)[1]
    flipped = token[: -len(body)] + ("A" if body[0] != "A" else "B") + body[1:]
    with pytest.raises(sensitive.UndecryptableValue):
        sensitive.decrypt(flipped, kind=sensitive.BANK_ACCOUNT)
    with pytest.raises(sensitive.UndecryptableValue):
        sensitive.decrypt(BANK, kind=sensitive.BANK_ACCOUNT)  # plaintext is never accepted


def test_key_id_prefix_and_rotation() -> None:
    with override_settings(ALARFUND_FIELD_KEYS=[KEY_A]):
        old = sensitive.encrypt(BANK, kind=sensitive.BANK_ACCOUNT)
        old_hash = sensitive.lookup_hash(BANK, kind=sensitive.BANK_ACCOUNT)
        assert not sensitive.needs_rotation(old)
    with override_settings(ALARFUND_FIELD_KEYS=[KEY_B, KEY_A]):
        assert sensitive.decrypt(old, kind=sensitive.BANK_ACCOUNT) == BANK  # retired key still decrypts
        assert sensitive.needs_rotation(old)
        new = sensitive.encrypt(BANK, kind=sensitive.BANK_ACCOUNT)
        assert sensitive.key_id_of(new) != sensitive.key_id_of(old) and not sensitive.needs_rotation(new)
        assert sensitive.lookup_hash(BANK, kind=sensitive.BANK_ACCOUNT) != old_hash
    with override_settings(ALARFUND_FIELD_KEYS=[KEY_B]), pytest.raises(sensitive.UnknownKey):
        sensitive.decrypt(old, kind=sensitive.BANK_ACCOUNT)


def test_lookup_hash_is_keyed_normalised_and_separated_by_kind() -> None:
    with override_settings(ALARFUND_FIELD_KEYS=[KEY_A]):
        a = sensitive.lookup_hash(ID, kind=sensitive.ID_NUMBER)
        assert a == sensitive.lookup_hash(
            " 659002 19780315 131x ".replace("x", "7"), kind=sensitive.ID_NUMBER
        )
        assert sensitive.lookup_hash("65900219780315131x", kind=sensitive.ID_NUMBER) == sensitive.lookup_hash(
            "65900219780315131X", kind=sensitive.ID_NUMBER
        )
        # Full-width digits typed with a Chinese input method hash like ASCII digits.
        assert sensitive.lookup_hash(
            "６２２８４８０１２３４５６７８９０１２", kind=sensitive.BANK_ACCOUNT
        ) == (sensitive.lookup_hash(BANK, kind=sensitive.BANK_ACCOUNT))
        assert sensitive.lookup_hash(BANK, kind=sensitive.BANK_ACCOUNT) != sensitive.lookup_hash(
            BANK, kind=sensitive.ID_NUMBER
        )
        assert len(a) == 64 and ID not in a
        assert sensitive.lookup_hash("", kind=sensitive.ID_NUMBER) == ""
    import hashlib

    assert a != hashlib.sha256(ID.encode()).hexdigest()  # not a plain (guessable) hash
    with override_settings(ALARFUND_FIELD_KEYS=[KEY_B]):
        assert sensitive.lookup_hash(ID, kind=sensitive.ID_NUMBER) != a


@pytest.mark.parametrize(
    ("function", "value", "expected"),
    [
        (sensitive.mask_id_number, ID, "659***********1317"),
        (sensitive.mask_id_number, "65900219780315131x", "659***********131X"),
        (sensitive.mask_bank_account, BANK, "***************9012"),
        (sensitive.mask_bank_account, "6228 4801 2345 6789 012", "***************9012"),
        (sensitive.mask_bank_account, "1234", "****"),
        (sensitive.mask_phone, "13999701234", "139****1234"),
        (sensitive.mask_phone, "0997-4612345", "0997***2345"),
        (sensitive.mask_id_number, "", ""),
    ],
)
def test_masking(function, value: str, expected: str) -> None:
    assert function(value) == expected


def test_master_key_parsing() -> None:
    assert len(sensitive.parse_master_key(KEY_A)) == 32
    urlsafe = KEY_A.replace("+", "-").replace("/", "_").rstrip("=")
    assert sensitive.parse_master_key(urlsafe) == sensitive.parse_master_key(KEY_A)
    for bad in ("", "not base64!", "c2hvcnQ="):
        with pytest.raises(sensitive.SensitiveDataError):
            sensitive.parse_master_key(bad)


def test_generated_field_key_is_private_reused_and_separate_from_the_secret_key(tmp_path: Path) -> None:
    first = env.generated_field_key(tmp_path)
    assert stat.S_IMODE((tmp_path / env.FIELD_KEY_FILE).stat().st_mode) == 0o600
    assert env.generated_field_key(tmp_path) == first
    assert len(sensitive.parse_master_key(first)) == 32
    assert first != env.generated_secret_key(tmp_path)


def test_field_keys_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ALARFUND_FIELD_KEY", KEY_A)
    monkeypatch.setenv("ALARFUND_FIELD_KEYS_RETIRED", KEY_B)
    assert env.field_keys(tmp_path) == [KEY_A, KEY_B]
    assert not (tmp_path / env.FIELD_KEY_FILE).exists()
    monkeypatch.setenv("ALARFUND_FIELD_KEY", "too-short")
    with pytest.raises(ImproperlyConfigured) as caught:
        env.field_keys(tmp_path)
    assert "ALARFUND_FIELD_KEY" in str(caught.value)
