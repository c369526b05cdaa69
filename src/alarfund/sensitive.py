"""Sensitive personal data: field-level encryption, keyed lookup hashes and masking.

Pure functions (no models, no requests). ID numbers and bank accounts are stored only as ciphertext
(AES-256-GCM); equality lookups and duplicate detection use a keyed hash (HMAC-SHA256) kept beside the
ciphertext; pages show masked values. See docs/adr/0007-private-documents-and-sensitive-data.md.

Keys: ``settings.ALARFUND_FIELD_KEYS`` is a list of base64 master keys of 32 bytes; the first is
current (it encrypts and computes lookup hashes), the others are retired keys still able to decrypt.
From each master key HKDF-SHA256 derives, with separate labels, an encryption key, a key id and a
lookup-hash key, so the hash key is never the encryption key.

Ciphertext: ``v1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>``. The key id names the master key
that encrypted it, so values written before a key rotation still decrypt, and ``needs_rotation`` finds
them. The kind of value (``id_number``, ``bank_account`` …) is bound as associated data: a bank account
ciphertext copied into an ID number column does not decrypt.

Nothing here logs, and no exception message contains a plaintext value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
FORMAT = "v1"
ID_NUMBER = "id_number"
BANK_ACCOUNT = "bank_account"
PHONE = "phone"

_ENCRYPTION_LABEL = b"alarfund/field-encryption/v1"
_KEY_ID_LABEL = b"alarfund/field-key-id/v1"
_LOOKUP_LABEL = b"alarfund/lookup-hash/v1"
_TOKEN = re.compile(r"^v1:([0-9a-f]{8}):([A-Za-z0-9_-]+)$")


class SensitiveDataError(ValueError):
    """A key or ciphertext problem. The message never contains the protected value."""


class UnknownKey(SensitiveDataError):
    """The ciphertext was written with a key that is not configured (any more)."""


class UndecryptableValue(SensitiveDataError):
    """Not a ciphertext of this platform, tampered with, or of another kind of value."""


def _derive(master: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=label).derive(master)


def parse_master_key(encoded: str) -> bytes:
    """A base64 (standard or URL-safe alphabet) master key of exactly 32 bytes."""
    text = (encoded or "").strip()
    try:
        raw = base64.urlsafe_b64decode(text.replace("+", "-").replace("/", "_") + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise SensitiveDataError("the field key is not valid base64") from None
    if len(raw) != KEY_BYTES:
        raise SensitiveDataError(f"the field key must be {KEY_BYTES} bytes, not {len(raw)}")
    return raw


def new_master_key() -> str:
    """A fresh random master key, base64-encoded (for ``ALARFUND_FIELD_KEY``)."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


@dataclass(frozen=True)
class Keyring:
    """The keys derived from the configured master keys. ``current_id`` encrypts; all decrypt."""

    current_id: str
    encryption_keys: Mapping[str, bytes]
    lookup_key: bytes

    @classmethod
    def from_master_keys(cls, masters: Sequence[bytes]) -> Keyring:
        if not masters:
            raise SensitiveDataError("no field key is configured")
        keys: dict[str, bytes] = {}
        for master in masters:
            key_id = _derive(master, _KEY_ID_LABEL)[:4].hex()
            keys.setdefault(key_id, _derive(master, _ENCRYPTION_LABEL))
        current = _derive(masters[0], _KEY_ID_LABEL)[:4].hex()
        return cls(current, keys, _derive(masters[0], _LOOKUP_LABEL))


@lru_cache(maxsize=8)
def _keyring_from(encoded: tuple[str, ...]) -> Keyring:
    return Keyring.from_master_keys([parse_master_key(key) for key in encoded])


def keyring() -> Keyring:
    """The keyring of ``settings.ALARFUND_FIELD_KEYS`` (derived once per distinct setting)."""
    from django.conf import settings

    return _keyring_from(tuple(settings.ALARFUND_FIELD_KEYS))


def _aad(kind: str) -> bytes:
    return f"alarfund:{kind}".encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def is_ciphertext(value: object) -> bool:
    return isinstance(value, str) and bool(_TOKEN.match(value))


def encrypt(plaintext: str, *, kind: str, keys: Keyring | None = None) -> str:
    """Ciphertext of ``plaintext`` under the current key (a fresh random nonce each time)."""
    ring = keys or keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.encryption_keys[ring.current_id]).encrypt(nonce, plaintext.encode(), _aad(kind))
    return f"{FORMAT}:{ring.current_id}:{_b64(nonce + sealed)}"


def decrypt(token: str, *, kind: str, keys: Keyring | None = None) -> str:
    """The plaintext of a ciphertext written by :func:`encrypt` with the same ``kind``."""
    match = _TOKEN.match(token or "")
    if match is None:
        raise UndecryptableValue(f"not a {kind} ciphertext")
    ring = keys or keyring()
    key = ring.encryption_keys.get(match.group(1))
    if key is None:
        raise UnknownKey(f"the {kind} was encrypted with key {match.group(1)}, which is not configured")
    try:
        raw = _unb64(match.group(2))
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(kind))
    except (InvalidTag, ValueError, binascii.Error):
        raise UndecryptableValue(f"the {kind} ciphertext does not verify") from None
    return plain.decode()


def key_id_of(token: str) -> str:
    match = _TOKEN.match(token or "")
    if match is None:
        raise UndecryptableValue("not a ciphertext")
    return match.group(1)


def needs_rotation(token: str, *, keys: Keyring | None = None) -> bool:
    """Was ``token`` written with a key other than the current one?"""
    return key_id_of(token) != (keys or keyring()).current_id


# --- Normalisation and keyed hashes ------------------------------------------------------------


def normalise(value: str, *, kind: str) -> str:
    """The canonical form that is hashed (so "6590 02…" and "659002…" hash alike)."""
    text = unicodedata.normalize("NFKC", value or "")
    text = "".join(ch for ch in text if not ch.isspace())
    if kind == ID_NUMBER:
        return text.upper()
    if kind in (BANK_ACCOUNT, PHONE):
        return text.replace("-", "")
    return text


def lookup_hash(value: str, *, kind: str, keys: Keyring | None = None) -> str:
    """HMAC-SHA256 (hex) of the normalised value under the lookup key; "" for an empty value."""
    canonical = normalise(value, kind=kind)
    if not canonical:
        return ""
    ring = keys or keyring()
    message = kind.encode() + b"\x00" + canonical.encode()
    return hmac.new(ring.lookup_key, message, hashlib.sha256).hexdigest()


# --- Masking -------------------------------------------------------------------------------------


def _mask_middle(text: str, keep_start: int, keep_end: int) -> str:
    hidden = len(text) - keep_start - keep_end
    if hidden <= 0:
        return "*" * len(text)
    return text[:keep_start] + "*" * hidden + text[len(text) - keep_end :]


def mask_id_number(value: str) -> str:
    """First 3 and last 4 characters: ``659***********1234`` (province and part of the prefecture,
    and the tail a person recognises as theirs; birth date and county are hidden)."""
    return _mask_middle(normalise(value, kind=ID_NUMBER), 3, 4)


def mask_bank_account(value: str) -> str:
    """Only the last 4 digits, as on a bank receipt: ``***************9012``."""
    text = normalise(value, kind=BANK_ACCOUNT)
    return _mask_middle(text, 0, 4) if len(text) > 4 else "*" * len(text)


def mask_phone(value: str) -> str:
    """The middle four digits of a mobile number hidden: ``139****1234``; landlines keep the area
    code and the last four digits."""
    text = normalise(value, kind=PHONE)
    if len(text) == 11 and text.startswith("1"):
        return text[:3] + "****" + text[7:]
    if len(text) > 8:
        return _mask_middle(text, 4 if text.startswith("0") else 3, 4)
    return _mask_middle(text, 0, 2)
