"""Running one import: open the stored files, stream and check the rows, store them, find duplicates,
make the list current. Called by the background task (``tasks.py``); never from a web request.

All or nothing: rows are written under the job (see ``store.py``) and become visible only when the job
is made current, in one short transaction (``services.make_current``). On any failure the job is marked
failed with a stable code (``messages.py``) and whatever was written is rolled back or removed.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from alarfund.evidence.models import DocumentFile
from alarfund.evidence.services import documents_storage
from alarfund.evidence.validation import limits_for

from . import checks
from .csv_source import CsvSource
from .models import ImportJob, ImportPhase, ImportStatus
from .normalise import RowChecker, Tally
from .sources import ImportFailed, Source
from .store import Writer, open_writer
from .xlsx_source import XlsxSource

logger = logging.getLogger("alarfund.tracking")

MATERIAL = "tracking_numbers"
#: A file may hold at most this many sheets that are imported (row references are ``file·sheet``).
SHEETS_PER_FILE = 100
PDF, ZIP, OLE2 = b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NOT_SPREADSHEET = (PDF, OLE2, b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"\x7fELF", b"MZ")


class _Clock:
    """Seconds per phase, for the log (and the benchmark)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.laps: list[tuple[str, float]] = []

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps.append((name, now - self.last))
        self.last = now

    def __str__(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.laps)


class Cancelled(Exception):
    """A newer upload replaced this one while it ran."""


def max_rows() -> int:
    return int(getattr(settings, "ALARFUND_TRACKING_MAX_ROWS", 2_000_000))


def batch_rows() -> int:
    return int(getattr(settings, "ALARFUND_TRACKING_BATCH_ROWS", 20_000))


def open_source(document_file: DocumentFile, handle: IO[bytes]) -> Source:
    """A reader for the stored file, chosen by its content (never by its name or declared type)."""
    limits = limits_for(MATERIAL)
    size = handle.seek(0, 2)
    if size > limits.max_bytes:
        raise ImportFailed("too_large", limit=limits.max_bytes)
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    if head.startswith(ZIP):
        return XlsxSource(
            handle,
            size=size,
            max_entries=limits.xlsx_max_entries,
            max_uncompressed=limits.xlsx_max_uncompressed,
            max_ratio=limits.xlsx_max_ratio,
            ratio_floor=limits.xlsx_ratio_floor,
            batch_rows=batch_rows(),
        )
    if head.startswith(_NOT_SPREADSHEET):
        raise ImportFailed("not_spreadsheet")
    return CsvSource(handle, content_type=document_file.content_type, batch_rows=batch_rows())


def job_files(job: ImportJob) -> list[DocumentFile]:
    if job.document_file_id:
        return [job.document_file]
    return list(DocumentFile.objects.filter(version_id=job.document_version_id).order_by("position"))


class Progress:
    """Writes rows read to the job at most twice a second, and notices a cancellation."""

    def __init__(self, job: ImportJob, *, interval: float = 0.5) -> None:
        self.job = job
        self.interval = interval
        self.rows = 0
        self.last = 0.0

    def add(self, rows: int) -> None:
        self.rows += rows
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            self.flush()

    def flush(self) -> None:
        updated = ImportJob.objects.filter(pk=self.job.pk, status=ImportStatus.RUNNING).update(
            rows_read=self.rows, heartbeat_at=timezone.now()
        )
        if not updated:
            raise Cancelled()


def _read_all(
    job: ImportJob,
    sources: list[tuple[int, DocumentFile, Source]],
    writer: Writer,
    progress: Progress,
    tally: Tally,
) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]]]:
    limit = max_rows()
    stored = 0
    described: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    for file_index, document_file, source in sources:
        rows_in_file = 0
        for sheet in source.sheets():
            if sheet.index >= SHEETS_PER_FILE:
                break
            sheet_id = file_index * SHEETS_PER_FILE + sheet.index
            columns = sheet.columns
            checker = RowChecker(
                sales_year=job.sales_year,
                has_courier=columns.courier is not None,
                has_date=columns.ship_date is not None,
                tally=tally,
            )
            if columns.ship_date is None:
                warnings.append({"code": "no_ship_date", "params": {}})
            if columns.courier is None:
                warnings.append({"code": "no_courier", "params": {}})
            sheet_rows = 0
            for batch in sheet.batches:
                rows_in_file += len(batch)
                if rows_in_file > limit:
                    raise ImportFailed("too_many_rows", limit=limit)
                records = checker.records(sheet_id, batch)
                if records:
                    writer.write(records)
                sheet_rows += len(records)
                progress.add(len(batch))
            stored += sheet_rows
            described.append(
                {**sheet.describe(), "id": sheet_id, "file": document_file.original_name, "rows": sheet_rows}
            )
        skipped = source.skipped_sheets()
        if skipped:
            warnings.append({"code": "skipped_sheets", "params": {"names": "、".join(skipped)[:300]}})
    unique = {w["code"]: w for w in warnings}
    return stored, described, list(unique.values())


@contextlib.contextmanager
def _opened(job: ImportJob) -> Iterator[list[tuple[int, DocumentFile, Source]]]:
    opened: list[tuple[int, DocumentFile, Source]] = []
    storage = documents_storage()
    try:
        for index, document_file in enumerate(job_files(job)):
            try:
                handle = storage.open(document_file.stored_name, "rb")
            except OSError:
                raise ImportFailed("read_error") from None
            try:
                source = open_source(document_file, handle)
            except BaseException:
                handle.close()
                raise
            opened.append((index, document_file, source))
        yield opened
    finally:
        for _index, _file, source in opened:
            with contextlib.suppress(Exception):
                source.close()


def _load(
    job: ImportJob, progress: Progress, clock: _Clock
) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]], dict[str, int]]:
    """Read every file, store its rows and check them against the other lists; returns (rows stored,
    sheets, warnings, counts). The PostgreSQL writer checks and counts as it stores; otherwise
    (SQLite) ``checks`` does it on the stored rows."""
    with _opened(job) as sources:
        if not sources:
            raise ImportFailed("read_error")
        estimate = sum(source.estimate_rows() for _i, _f, source in sources)
        ImportJob.objects.filter(pk=job.pk).update(rows_total=min(estimate, 2**31 - 1))
        for _index, _file, source in sources:
            source.check_row_limit(max_rows())
        tally = Tally()
        writer = open_writer(job, tally)
        # Millions of short-lived tuples and no reference cycles: the cyclic garbage collector would
        # only rescan them (a third of the reading time); it runs again right after.
        collecting = gc.isenabled()
        gc.disable()
        try:
            stored, sheets, warnings = _read_all(job, sources, writer, progress, tally)
            if not stored:
                raise ImportFailed("no_rows")
            progress.flush()  # a newer upload stops this one here at the latest
            ImportJob.objects.filter(pk=job.pk).update(
                phase=ImportPhase.CHECKING, rows_read=progress.rows, sheets=sheets, warnings=warnings
            )
        except BaseException:
            writer.abort()
            raise
        finally:
            if collecting:
                gc.enable()
        writer.finish(clock)
        if writer.stats is None:
            clock.lap("read, check and store")
            checks.mark_cross_duplicates(job)
            clock.lap("duplicates across lists")
            stats = checks.compute_stats(job)
            clock.lap("counts")
            return stored, sheets, warnings, stats
        return stored, sheets, warnings, writer.stats


def run_import(job_id: uuid.UUID, *, on_done: Callable[[ImportJob], None] | None = None) -> ImportJob:
    """Run the import of a queued job (idempotent: a job that is not queued is left alone)."""
    from . import services

    services.sweep_interrupted()
    started = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING,
        phase=ImportPhase.READING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    job = ImportJob.objects.select_related("application", "document_file").get(pk=job_id)
    if not started:
        return job
    progress = Progress(job)
    # Inside a caller's transaction (tests, trusted commands) everything runs in a savepoint, rolled
    # back on failure; in the worker each step commits on its own (see store.py).
    savepoint = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    clock = _Clock()
    try:
        with savepoint:
            stored, _sheets, _warnings, stats = _load(job, progress, clock)
            job = services.make_current(job, stats=stats, clock=clock)
        logger.info("tracking import %s: %s rows; %s", job.pk, stored, clock)
    except Cancelled:
        services.import_failed(job, code="", cancelled=True)
    except ImportFailed as failure:
        services.import_failed(job, code=failure.code, params=failure.params)
    except Exception:
        logger.exception("tracking-number import %s failed", job.pk)
        services.import_failed(job, code="internal")
    job.refresh_from_db()
    if on_done is not None:
        on_done(job)
    return job
