"""Users' file names: kept for display only, cleaned; and the Content-Disposition that sends them back.

A file is stored under a generated name; the name the user gave is shown and offered on download, so
it is cleaned first: only its last path component, no control or format characters (such as the
right-to-left override used to disguise ``.exe`` as ``.pdf``), no characters that are special in
headers or file systems, and at most ``MAX_LENGTH`` characters with the extension kept.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_LENGTH = 120
FALLBACK_STEM = "document"
_UNSAFE = re.compile(r'[<>:"/\\|?*;=]')
_SPACES = re.compile(r"\s+")
_EXTENSION = re.compile(r"^[A-Za-z0-9]{1,5}$")
_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9._()+-]+")


def _visible(ch: str) -> bool:
    # Cc: control characters (NUL, CR, LF, ESC …); Cf: format characters (RLO, zero-width …);
    # Cs/Co/Cn: surrogates, private use, unassigned.
    return not unicodedata.category(ch).startswith("C")


def split_extension(name: str) -> tuple[str, str]:
    """``("report", "pdf")`` for ``report.PDF``; an extension is 1-5 letters or digits after a dot."""
    stem, dot, extension = name.rpartition(".")
    if dot and stem and _EXTENSION.match(extension):
        return stem, extension.lower()
    return name, ""


def sanitise_filename(raw: str, *, max_length: int = MAX_LENGTH) -> str:
    """A display name safe to show and to put into a header (never used as a storage path)."""
    text = unicodedata.normalize("NFC", str(raw or ""))
    text = re.split(r"[/\\]", text)[-1]  # the last path component, whatever the client's separator
    text = "".join(ch if _visible(ch) else " " for ch in text)
    text = _UNSAFE.sub("_", text)
    text = _SPACES.sub(" ", text).strip().strip(".").strip()
    stem, extension = split_extension(text)
    stem = stem.strip() or FALLBACK_STEM
    if extension:
        stem = stem[: max(1, max_length - len(extension) - 1)].rstrip()
        return f"{stem}.{extension}"
    return stem[:max_length].rstrip() or FALLBACK_STEM


def with_extension(name: str, extension: str, *, replace: bool = False) -> str:
    """``name`` ending in ``.extension``: the current extension replaced (``replace``) or kept and
    extended (``2024.03.15`` → ``2024.03.15.pdf``)."""
    stem, current = split_extension(name)
    if current == extension:
        return name
    base = stem if (current and replace) else name
    return sanitise_filename(f"{base}.{extension}")


def ascii_fallback(name: str) -> str:
    """An ASCII-only version for old clients: transliterated where possible, otherwise ``_``."""
    stem, extension = split_extension(name)
    decomposed = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    cleaned = _ASCII_UNSAFE.sub("_", decomposed).strip("._") or FALLBACK_STEM
    if cleaned.replace("_", "") == "":
        cleaned = FALLBACK_STEM
    cleaned = cleaned[:80]
    return f"{cleaned}.{extension}" if extension else cleaned


def content_disposition(name: str, *, attachment: bool = True) -> str:
    """RFC 6266 header value: an ASCII ``filename`` and the exact UTF-8 ``filename*`` (RFC 8187).

    The name is cleaned again here, so no quote, backslash, CR or LF can reach the header even for a
    name that did not come through :func:`sanitise_filename`.
    """
    clean = sanitise_filename(name)
    disposition = "attachment" if attachment else "inline"
    encoded = quote(clean, safe="!#$&+-.^_`|~")
    return f"{disposition}; filename=\"{ascii_fallback(clean)}\"; filename*=UTF-8''{encoded}"
