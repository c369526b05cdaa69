"""Writing an import's rows: COPY on PostgreSQL, batched ``executemany`` elsewhere.

Three ways, chosen by ``open_writer``; each is all-or-nothing for what other readers can see:

* **PostgreSQL, worker** (not inside a transaction): the rows stream through *one* ``COPY`` into a
  temporary staging table on a connection of their own; the cross-list check, the move into the table
  (one ``INSERT … SELECT``) and the counts follow in the same transaction, committed at the end
  (``PostgresStagingWriter``). The job's progress is written on the ordinary connection meanwhile, so
  the progress bar moves. Parsing (this process) and staging (the database server) run at the same
  time. A failure rolls everything back: nothing was stored.
* **Inside a caller's transaction** (tests, a trusted command): the same staging on the ordinary
  connection (PostgreSQL), or inserts (SQLite), in a savepoint the importer rolls back on failure.
* **SQLite, worker**: batches of ``executemany``, one short transaction each, so that SQLite's single
  writer lock is not held for a whole import (web requests keep working). The rows are staged under a
  job that is not current, invisible to every check and report, and removed if the import fails.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any, Protocol

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from . import flags as F
from .carriers import CARRIERS
from .models import ImportJob, TrackingNumber
from .normalise import Record, Tally

COLUMNS = ("job_id", "sheet", "row_no", "number", "carrier", "courier", "ship_date", "flags", "raw")
_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class Writer(Protocol):
    #: True when every row written is committed only at ``finish`` (nothing to clean up on failure).
    atomic: bool
    #: The report's counts when ``finish`` has also checked the list against the other lists.
    stats: dict[str, int] | None

    def write(self, records: list[Record]) -> None: ...

    def finish(self, clock: Any = None) -> None: ...

    def abort(self) -> None: ...


_CODES = frozenset(CARRIERS)


def table() -> str:
    return str(TrackingNumber._meta.db_table)


def _text(value: str) -> str:
    return value.translate(_COPY_ESCAPE) if ("\\" in value or "\t" in value or "\n" in value) else value


class PostgresStagingWriter:
    """COPY (text format) into a temporary staging table without indexes, then the set-based rest:

    1. the list's distinct valid numbers, in sorted order, probe the number index (``COLLATE "C"``,
       migration 0002) of the other current lists, once each → a small temporary table of hits with
       their cross-list bits (``checks.stage_hits_sql``);
    2. the hits' bits are set on their staged rows, and ONE ``INSERT … SELECT`` moves the staged rows,
       in row order, into the table;
    3. the counts come from the rows' flags tallied while reading (``normalise.Tally``) and the hits.

    On a dedicated connection (the worker): one COPY for the whole import, all in one transaction with
    ``synchronous_commit`` off (the swap commits durably later), committed at ``finish``; the job's
    progress is written on the ordinary connection meanwhile. On the ordinary connection (inside a
    caller's transaction): one COPY per batch, the staging tables dropped at the end."""

    def __init__(self, job: ImportJob, tally: Tally, *, dedicated: bool) -> None:
        self.job = job
        self.tally = tally
        self.dedicated = dedicated
        self.atomic = True
        self.wrapper = connections.create_connection(DEFAULT_DB_ALIAS) if dedicated else connection
        self.wrapper.ensure_connection()
        raw_connection: Any = self.wrapper.connection
        self.cursor = raw_connection.cursor()
        if dedicated:
            # Before any temporary table is used in the session; the stage (~80 MB a million rows)
            # then stays in this backend's memory instead of spilling to files.
            self.cursor.execute("SET temp_buffers = '128MB'")
            self.wrapper.set_autocommit(False)
            self.cursor.execute("SET LOCAL synchronous_commit = off")
        name = uuid.uuid4().hex[:16]
        self.stage, self.hits = f"tracking_stage_{name}", f"tracking_hits_{name}"
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {self.stage} (sheet smallint, row_no integer, "
            'number varchar(40) COLLATE "C", carrier varchar(8), courier varchar(24), ship_date date, '
            "flags smallint, raw varchar(64)) ON COMMIT DROP"
        )
        self.sql = f"COPY {self.stage} ({', '.join(COLUMNS[1:])}) FROM STDIN"
        self.stack = contextlib.ExitStack()
        self.copy: Any = self.stack.enter_context(self.cursor.copy(self.sql)) if dedicated else None
        self.dates: dict[dt.date, str] = {}
        self.stats: dict[str, int] | None = None

    def _lines(self, records: list[Record]) -> bytes:
        dates = self.dates
        lines: list[str] = []
        append = lines.append
        for sheet, row_no, number, carrier, courier, ship_date, flags, raw in records:
            if ship_date is None:
                day = "\\N"
            else:
                day = dates.get(ship_date) or dates.setdefault(ship_date, ship_date.isoformat())
            if raw or not number.isalnum() or (courier and courier not in _CODES):
                append(
                    f"{sheet}\t{row_no}\t{_text(number)}\t{carrier}\t{_text(courier)}\t{day}\t{flags}"
                    f"\t{_text(raw)}\n"
                )
            else:  # the usual row: nothing to escape
                append(f"{sheet}\t{row_no}\t{number}\t{carrier}\t{courier}\t{day}\t{flags}\t\n")
        return "".join(lines).encode()

    def write(self, records: list[Record]) -> None:
        data = self._lines(records)
        if self.copy is not None:
            self.copy.write(data)
            return
        with self.cursor.copy(self.sql) as copy:
            copy.write(data)

    def finish(self, clock: Any = None) -> None:
        from .checks import stage_hits_sql

        try:
            self.stack.close()
            cursor = self.cursor
            if clock is not None:
                clock.lap("read, check and stage")
            query = stage_hits_sql(self.job, self.stage)
            if query is None:
                cursor.execute(
                    f'CREATE TEMPORARY TABLE {self.hits} (number varchar(40) COLLATE "C", bits integer) '
                    "ON COMMIT DROP"
                )
            else:
                cursor.execute(f"ANALYZE {self.stage}")  # its size, for the DISTINCT's plan
                cursor.execute("SET LOCAL jit = off")  # compiling costs more than it saves here
                cursor.execute(f"CREATE TEMPORARY TABLE {self.hits} ON COMMIT DROP AS {query[0]}", query[1])
            if clock is not None:
                clock.lap("duplicates across lists")
            # The hits' bits onto their staged rows first (few rows; the hits are the small side of
            # the join), so that the move below reads the stage in row order: rows arriving in
            # (job, sheet, row) order extend the primary-key index at one edge (a join's output order,
            # e.g. a hash of the stage, measured twice as slow).
            cursor.execute(f"ANALYZE {self.hits}")
            cursor.execute(
                f"UPDATE {self.stage} s SET flags = s.flags | h.bits FROM {self.hits} h "  # noqa: S608
                f"WHERE h.number = s.number AND s.flags & {F.NOT_A_NUMBER} = 0"
            )
            columns = ", ".join(COLUMNS)
            cursor.execute(
                f"INSERT INTO {table()} ({columns}) "  # noqa: S608
                f"SELECT %s, {', '.join(COLUMNS[1:])} FROM {self.stage}",
                [self.job.pk],
            )
            if clock is not None:
                clock.lap("store")
            # A server-side cursor: the hits are few, but a copied list could make them a million.
            with self.wrapper.connection.cursor(name=f"{self.hits}_read") as hits:
                hits.execute(f"SELECT number, bits FROM {self.hits}")  # noqa: S608
                self.stats = self.tally.stats(_streamed(hits))
            cursor.execute(f"DROP TABLE {self.stage}, {self.hits}")
            cursor.close()
            if self.dedicated:
                self.wrapper.commit()
            if clock is not None:
                clock.lap("counts")
        finally:
            if self.dedicated:
                self.wrapper.close()

    def abort(self) -> None:
        try:
            try:
                error = RuntimeError("import aborted")
                self.stack.__exit__(RuntimeError, error, None)
            except Exception:  # noqa: S110 - the COPY is being abandoned on purpose
                pass
            if not self.dedicated:
                with contextlib.suppress(Exception):
                    self.cursor.execute(f"DROP TABLE IF EXISTS {self.stage}, {self.hits}")
            self.cursor.close()
            if self.dedicated:
                self.wrapper.rollback()
        finally:
            if self.dedicated:
                self.wrapper.close()


def _streamed(cursor: Any, size: int = 10_000) -> Iterator[tuple[str, int]]:
    while rows := cursor.fetchmany(size):
        yield from rows


class BatchInsertWriter:
    """``executemany`` in batches; each batch is its own transaction unless a caller's is open."""

    def __init__(self, job_id: uuid.UUID) -> None:
        self.job = ImportJob._meta.pk.get_db_prep_value(job_id, connection)
        self.atomic = connection.in_atomic_block
        #: None: the importer counts with SQL (``checks.compute_stats``) after the cross-list check.
        self.stats: dict[str, int] | None = None
        placeholders = ", ".join(["%s"] * len(COLUMNS))
        self.sql = f"INSERT INTO {table()} ({', '.join(COLUMNS)}) VALUES ({placeholders})"  # noqa: S608

    def write(self, records: list[Record]) -> None:
        job = self.job
        params = [
            (
                job,
                sheet,
                row_no,
                number,
                carrier,
                courier,
                ship_date.isoformat() if ship_date else None,
                flags,
                raw,
            )
            for sheet, row_no, number, carrier, courier, ship_date, flags, raw in records
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(self.sql, params)

        self.stats = None

    def finish(self, clock: Any = None) -> None:
        return None

    def abort(self) -> None:
        return None


def open_writer(job: ImportJob, tally: Tally) -> Writer:
    if connection.vendor == "postgresql":
        return PostgresStagingWriter(job, tally, dedicated=not connection.in_atomic_block)
    return BatchInsertWriter(job.pk)


def delete_rows(job_ids: list[uuid.UUID], *, batch: int = 200_000) -> int:
    """Remove the rows of jobs that failed or were replaced, in row ranges so no transaction is huge
    (the primary key, job · sheet · row, makes each range one index scan)."""
    removed = 0
    for job_id in job_ids:
        prep = ImportJob._meta.pk.get_db_prep_value(job_id, connection)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT sheet, MAX(row_no) FROM {table()} WHERE job_id = %s GROUP BY sheet",  # noqa: S608
                [prep],
            )
            sheets = cursor.fetchall()
        for sheet, last in sheets:
            for start in range(0, int(last) + 1, batch):
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        f"DELETE FROM {table()} WHERE job_id = %s AND sheet = %s "  # noqa: S608
                        "AND row_no >= %s AND row_no < %s",
                        [prep, sheet, start, start + batch],
                    )
                    removed += cursor.rowcount
    return removed
