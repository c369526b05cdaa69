"""Copies of the audit trail in a separate store (security checklist 29; 网络安全法 Art. 21).

``archive_audit(directory)`` appends every event not yet copied as a segment file
``audit-<first seq>-<last seq>.jsonl``: one line per event, the canonical JSON the hash covers plus the
hash. A segment is written to a temporary name, flushed to disk, made read-only and renamed, so a crash
leaves no half segment. The directory is meant to be a different volume or a write-once bucket mount
(``ALARFUND_AUDIT_ARCHIVE_DIR``): the database's own copy can then be compared with it.

``verify_archive(directory)`` reads the segments back and checks (a) their own chain (each line links to
the previous hash and hashes to its stated hash) and (b) that every archived event is still identical in
the database. (b) catches what the in-database verifier cannot: a superuser who rewrote rows *and*
recomputed every hash after them leaves a consistent chain behind, but not one equal to the copies.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .models import AuditEvent
from .services import GENESIS_HASH, canonical

SEGMENT = re.compile(r"^audit-(\d{12})-(\d{12})\.jsonl$")
#: Events per segment: a day of a busy round is a few thousand events.
SEGMENT_SIZE = 50_000


@dataclass(frozen=True)
class ArchiveReport:
    written: int  # events copied by this run
    segments: int  # segment files written by this run
    last_seq: int  # the last event now in the archive


@dataclass(frozen=True)
class ArchiveCheck:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def _segments(directory: Path) -> list[tuple[int, int, Path]]:
    found = []
    for path in directory.glob("audit-*.jsonl"):
        match = SEGMENT.match(path.name)
        if match:
            found.append((int(match.group(1)), int(match.group(2)), path))
    return sorted(found)


def archived_up_to(directory: Path) -> int:
    segments = _segments(directory)
    return segments[-1][1] if segments else 0


def _line(event: AuditEvent) -> bytes:
    record = json.loads(canonical(event))
    record["hash"] = event.hash
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _write_segment(directory: Path, events: list[AuditEvent]) -> None:
    first, last = events[0].seq, events[-1].seq
    final = directory / f"audit-{first:012d}-{last:012d}.jsonl"
    temporary = directory / f".{final.name}.partial"
    with open(temporary, "wb") as handle:
        for event in events:
            handle.write(_line(event))
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temporary, 0o444)
    os.replace(temporary, final)


def archive_audit(directory: Path) -> ArchiveReport:
    """Copy the events after the archive's last one into new segment files."""
    directory.mkdir(parents=True, exist_ok=True)
    start = archived_up_to(directory)
    written = segments = 0
    batch: list[AuditEvent] = []
    for event in AuditEvent.objects.filter(seq__gt=start).order_by("seq").iterator(chunk_size=2000):
        batch.append(event)
        if len(batch) == SEGMENT_SIZE:
            _write_segment(directory, batch)
            written, segments, batch = written + len(batch), segments + 1, []
    if batch:
        _write_segment(directory, batch)
        written, segments = written + len(batch), segments + 1
    return ArchiveReport(written=written, segments=segments, last_seq=archived_up_to(directory))


def _archived_lines(directory: Path) -> Iterator[tuple[int, dict[str, object], bytes]]:
    for _first, _last, path in _segments(directory):
        with open(path, "rb") as handle:
            for raw in handle:
                record = json.loads(raw)
                yield int(record["seq"]), record, raw


def verify_archive(directory: Path) -> ArchiveCheck:
    """Check the copies' own chain, then that the database still holds exactly these events."""
    previous_hash, expected, checked = GENESIS_HASH, 1, 0
    database = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    for seq, record, raw in _archived_lines(directory):
        if seq != expected:
            return ArchiveCheck(False, checked, expected, "missing from the archive")
        stated = str(record.pop("hash"))
        body = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
        if hashlib.sha256(body).hexdigest() != stated or record["prev_hash"] != previous_hash:
            return ArchiveCheck(False, checked, seq, "archive copy altered")
        event = next(database, None)
        if event is None or event.seq != seq:
            return ArchiveCheck(False, checked, seq, "missing from the database")
        if _line(event) != raw:
            return ArchiveCheck(False, checked, seq, "database row differs from its archived copy")
        previous_hash, expected, checked = stated, expected + 1, checked + 1
    return ArchiveCheck(True, checked)
