"""Writing an import's rows: COPY on PostgreSQL, batched ``executemany`` elsewhere.

Three ways, chosen by ``open_writer``; each is all-or-nothing for what other readers can see:

* **PostgreSQL, worker** (not inside a transaction): the rows stream through *one* ``COPY`` on a
  connection of their own, in one transaction committed at the end; the job's progress is written on
  the ordinary connection meanwhile, so the progress bar moves. Parsing (this process) and inserting
  (the database server) run at the same time. A failure rolls the COPY back: nothing was stored.
* **Inside a caller's transaction** (tests, a trusted command): the same COPY or inserts on the
  ordinary connection, in a savepoint the importer rolls back on failure.
* **SQLite, worker**: batches of ``executemany``, one short transaction each, so that SQLite's single
  writer lock is not held for a whole import (web requests keep working). The rows are staged under a
  job that is not current, invisible to every check and report, and removed if the import fails.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from typing import Any, Protocol

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from .models import ImportJob, TrackingNumber
from .normalise import Record

COLUMNS = ("job_id", "sheet", "row_no", "number", "carrier", "courier", "ship_date", "flags", "raw")
_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class Writer(Protocol):
    #: True when every row written is committed only at ``finish`` (nothing to clean up on failure).
    atomic: bool

    def write(self, records: list[Record]) -> None: ...

    def finish(self) -> None: ...

    def abort(self) -> None: ...


def table() -> str:
    return str(TrackingNumber._meta.db_table)


def _text(value: str) -> str:
    return value.translate(_COPY_ESCAPE) if ("\\" in value or "\t" in value or "\n" in value) else value


class PostgresCopyWriter:
    """COPY in text format. On a dedicated connection: one COPY for the whole import, committed at
    ``finish``. On the ordinary connection (inside a caller's transaction): one COPY per batch, since
    the job's progress is written on that connection between batches."""

    def __init__(self, job_id: uuid.UUID, *, dedicated: bool) -> None:
        self.job = str(job_id)
        self.dedicated = dedicated
        self.atomic = True
        self.wrapper = connections.create_connection(DEFAULT_DB_ALIAS) if dedicated else connection
        self.wrapper.ensure_connection()
        if dedicated:
            self.wrapper.set_autocommit(False)
        raw_connection: Any = self.wrapper.connection
        self.cursor = raw_connection.cursor()
        self.sql = f"COPY {table()} ({', '.join(COLUMNS)}) FROM STDIN"
        self.stack = contextlib.ExitStack()
        self.copy: Any = self.stack.enter_context(self.cursor.copy(self.sql)) if dedicated else None
        self.dates: dict[dt.date, str] = {}

    def _lines(self, records: list[Record]) -> bytes:
        job = self.job
        dates = self.dates
        lines = []
        for sheet, row_no, number, carrier, courier, ship_date, flags, raw in records:
            if ship_date is None:
                day = "\\N"
            else:
                day = dates.get(ship_date) or dates.setdefault(ship_date, ship_date.isoformat())
            lines.append(
                f"{job}\t{sheet}\t{row_no}\t{_text(number)}\t{carrier}\t{_text(courier)}\t{day}\t{flags}"
                f"\t{_text(raw)}\n"
            )
        return "".join(lines).encode()

    def write(self, records: list[Record]) -> None:
        data = self._lines(records)
        if self.copy is not None:
            self.copy.write(data)
            return
        with self.cursor.copy(self.sql) as copy:
            copy.write(data)

    def finish(self) -> None:
        try:
            self.stack.close()
            self.cursor.close()
            if self.dedicated:
                self.wrapper.commit()
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
            self.cursor.close()
            if self.dedicated:
                self.wrapper.rollback()
        finally:
            if self.dedicated:
                self.wrapper.close()


class BatchInsertWriter:
    """``executemany`` in batches; each batch is its own transaction unless a caller's is open."""

    def __init__(self, job_id: uuid.UUID) -> None:
        self.job = ImportJob._meta.pk.get_db_prep_value(job_id, connection)
        self.atomic = connection.in_atomic_block
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

    def finish(self) -> None:
        return None

    def abort(self) -> None:
        return None


def open_writer(job_id: uuid.UUID) -> Writer:
    if connection.vendor == "postgresql":
        return PostgresCopyWriter(job_id, dedicated=not connection.in_atomic_block)
    return BatchInsertWriter(job_id)


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
