"""The text of a workbook's XML: shared strings, inline and rich text, escapes, column letters.

Used by ``xlsx_source.py``; regular expressions only (no XML parser for the large parts), so memory
stays bounded whatever the file.
"""

from __future__ import annotations

import array
import itertools
import operator
import re
import zipfile
from collections.abc import Iterator

from .sources import ImportFailed

CHUNK = 1024 * 1024
MAX_ROW_BYTES = 16 * 1024 * 1024
MAX_SMALL_PART = 16 * 1024 * 1024
MAX_COLUMNS = 200
_COMPRESSIONS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

_ENTITY = re.compile(rb"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);")
_ENTITIES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"', b"apos": "'"}
_ESCAPED_CHAR = re.compile(r"_x([0-9A-Fa-f]{4})_")
_T_TEXT = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>", re.S)
_PHONETIC = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_SI_SIMPLE = re.compile(rb'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>|<si><t/></si>|<si/>')
_SI_ANY = re.compile(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", re.S)
_ROW_ANY = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELL_ANY = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ATTR_R_ROW = re.compile(rb'\br="(\d+)"')
_ATTR_R_CELL = re.compile(rb'\br="([A-Z]{1,3})(\d*)"')
_ATTR_T = re.compile(rb'\bt="(\w+)"')
_V = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_IS = re.compile(rb"<(?:\w+:)?is>(.*?)</(?:\w+:)?is>", re.S)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?[A-Z]*(\d+)"')
_ROOT = re.compile(rb"<(\w+:)?worksheet\b")
_SST_ROOT = re.compile(rb"<(\w+:)?sst\b")
_FIRST, _SECOND, _THIRD, _FOURTH = (operator.itemgetter(i) for i in range(4))
_HOSTILE = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")


def column_letters(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_position(letters: bytes) -> int:
    position = 0
    for byte in letters:
        position = position * 26 + (byte - 64)
    return position - 1


def _unescape(value: bytes) -> str:
    """XML character references and OOXML's ``_xHHHH_`` escapes decoded."""
    if b"&" in value:
        text = _ENTITY.sub(_entity, value).decode("utf-8", errors="replace")
    else:
        text = value.decode("utf-8", errors="replace")
    if "_x" in text:
        text = _ESCAPED_CHAR.sub(_escaped_char, text)
    return text


def _entity(match: re.Match[bytes]) -> bytes:
    name = match.group(1)
    if name.startswith(b"#"):
        try:
            code = int(name[2:], 16) if name[1:2] in (b"x", b"X") else int(name[1:])
            return chr(code).encode("utf-8", errors="replace")
        except (ValueError, OverflowError):
            return "\ufffd".encode()
    return _ENTITIES[name].encode()


def _escaped_char(match: re.Match[str]) -> str:
    return chr(int(match.group(1), 16))


def _rich_text(body: bytes) -> str:
    """The text of an ``<si>`` or ``<is>`` element: its ``<t>`` runs, phonetic runs left out."""
    if b"rPh" in body:
        body = _PHONETIC.sub(b"", body)
    return "".join(_unescape(part) for part in _T_TEXT.findall(body))


class SharedStrings:
    """The workbook's shared strings: one UTF-8 buffer and the offsets of each string in it."""

    def __init__(self) -> None:
        self.buffer = b""
        self.offsets = array.array("Q", [0])

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def get(self, index: int) -> str:
        if not 0 <= index < len(self.offsets) - 1:
            return ""
        return self.buffer[self.offsets[index] : self.offsets[index + 1]].decode("utf-8", errors="replace")

    def load(self, chunks: Iterator[bytes]) -> None:
        parts: list[bytes] = []
        lengths = array.array("Q")
        tail = b""
        end_tag = b"</si>"
        for chunk in chunks:
            data = tail + chunk
            if not parts and not lengths:
                root = _SST_ROOT.search(data)
                end_tag = b"</" + ((root.group(1) or b"") if root else b"") + b"si>"
            cut = data.rfind(end_tag)
            if cut < 0:
                tail = data
                if len(tail) > MAX_ROW_BYTES:
                    raise ImportFailed("xlsx_damaged")
                continue
            cut += len(end_tag)
            values = self._values(data[:cut])
            tail = data[cut:]
            parts.append(b"".join(values))
            lengths.extend(map(len, values))
        if tail:
            values = self._values(tail)
            parts.append(b"".join(values))
            lengths.extend(map(len, values))
        self.buffer = b"".join(parts)
        offsets = array.array("Q", [0])
        offsets.extend(itertools.accumulate(lengths))
        self.offsets = offsets

    @staticmethod
    def _values(body: bytes) -> list[bytes]:
        expected = body.count(b"<si>") + body.count(b"<si ") + body.count(b"<si/>")
        simple = _SI_SIMPLE.findall(body)
        if len(simple) == expected and b"<![CDATA[" not in body:
            if b"&" in body or b"_x" in body:
                return [_unescape(v).encode("utf-8", errors="replace") if v else v for v in simple]
            return simple
        return [
            _rich_text(match.group(1) or b"").encode("utf-8", errors="replace")
            for match in _SI_ANY.finditer(body)
        ]
