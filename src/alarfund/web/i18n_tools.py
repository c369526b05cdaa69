"""Gettext catalogues in pure Python: read .po files and compile them to .mo.

The repository ships both the .po sources and the compiled .mo files, so a fresh machine without the
GNU gettext tools serves both languages. ``alarfund manage compile_translations`` rebuilds the .mo files
without msgfmt, and a test checks that every shipped .mo matches its .po.
"""

from __future__ import annotations

import ast
import struct
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    comments: list[str] = field(default_factory=list)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        if self.msgid_plural:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)

    @property
    def key(self) -> str:
        """The lookup key in a .mo file."""
        base = self.msgid + ("\0" + self.msgid_plural if self.msgid_plural else "")
        return base if self.msgctxt is None else f"{self.msgctxt}\x04{base}"

    @property
    def value(self) -> str:
        if self.msgid_plural:
            return "\0".join(self.msgstr_plural[i] for i in sorted(self.msgstr_plural))
        return self.msgstr


def _unquote(text: str) -> str:
    return str(ast.literal_eval(text))


def parse_po(text: str) -> list[Entry]:
    """Entries of a .po file (obsolete ``#~`` entries are skipped)."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int | None] | None = None
    started = False

    def finish() -> None:
        nonlocal current, started, target
        if started:
            entries.append(current)
        current, started, target = Entry(), False, None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if started and target and target[0] == "msgstr":
                finish()
            current.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith("#"):
            if started and target and target[0] == "msgstr":
                finish()
            current.comments.append(raw)
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"continuation line without a keyword: {raw!r}")
            _append(current, target, _unquote(line))
            continue
        if keyword in {"msgctxt", "msgid"} and started and target and target[0] == "msgstr":
            finish()
        started = True
        if keyword.startswith("msgstr["):
            target = ("msgstr", int(keyword[7:-1]))
            current.msgstr_plural[target[1]] = _unquote(rest)
        elif keyword in {"msgctxt", "msgid", "msgid_plural", "msgstr"}:
            target = (keyword, None)
            _append(current, target, _unquote(rest), replace=True)
        else:
            raise ValueError(f"unexpected line in .po file: {raw!r}")
    finish()
    return entries


def _append(entry: Entry, target: tuple[str, int | None], text: str, *, replace: bool = False) -> None:
    name, index = target
    if name == "msgstr" and index is not None:
        entry.msgstr_plural[index] = ("" if replace else entry.msgstr_plural.get(index, "")) + text
    elif name == "msgctxt":
        entry.msgctxt = ("" if replace or entry.msgctxt is None else entry.msgctxt) + text
    else:
        setattr(entry, name, ("" if replace else getattr(entry, name)) + text)


def catalogue(entries: list[Entry]) -> dict[str, str]:
    """What msgfmt would compile: the header and every translated, non-fuzzy entry."""
    return {e.key: e.value for e in entries if (e.msgid == "" or (e.translated and not e.fuzzy))}


def compile_mo(entries: list[Entry]) -> bytes:
    """GNU .mo bytes (little-endian, no hash table) for ``entries``."""
    messages = catalogue(entries)
    keys = sorted(messages)
    ids = b""
    strs = b""
    offsets = []
    for key in keys:
        k, v = key.encode(), messages[key].encode()
        offsets.append((len(ids), len(k), len(strs), len(v)))
        ids += k + b"\0"
        strs += v + b"\0"
    count = len(keys)
    key_table = 7 * 4
    value_table = key_table + count * 8
    ids_start = value_table + count * 8
    strs_start = ids_start + len(ids)
    key_index: list[int] = []
    value_index: list[int] = []
    for id_offset, id_length, str_offset, str_length in offsets:
        key_index += [id_length, ids_start + id_offset]
        value_index += [str_length, strs_start + str_offset]
    header = struct.pack("<7I", 0x950412DE, 0, count, key_table, value_table, 0, 0)
    return (
        header
        + struct.pack(f"<{len(key_index)}I", *key_index)
        + struct.pack(f"<{len(value_index)}I", *value_index)
        + ids
        + strs
    )


def compile_file(po_path: Path) -> Path:
    mo_path = po_path.with_suffix(".mo")
    mo_path.write_bytes(compile_mo(parse_po(po_path.read_text(encoding="utf-8"))))
    return mo_path
