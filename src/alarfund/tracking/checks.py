"""Duplicates, found by the database (the index on the normalised number), never by a Python loop.

* **In the file** (the whole import: all its files and sheets): found while reading
  (``normalise.Tally``: the exact normalised text of every valid number seen); every occurrence after
  the first gets ``DUPLICATE_IN_FILE``.
* **Across applications of the round** and **in earlier rounds**: for each distinct number of the job,
  one probe of the number index joined to the *current* jobs of the same round (another application:
  both are flagged) or of rounds with an earlier sales year (only the later claim is flagged); the
  result is stored as two bits on the rows. Invalid cells (junk, lost digits, empty) never take part:
  junk would "match" junk elsewhere. On PostgreSQL the import probes from its staging table before its
  rows join the table (``stage_hits_sql``); on SQLite after storing them (``mark_cross_duplicates``).

The counts are computed from the rows' flags and stored on the job (``stats``, ``valid_unique``). When
another list is imported or replaced, the lists sharing numbers with it (``affected_jobs``) have the bits
of just those numbers redone (``mark_cross_duplicates(among=…)``) and are recounted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from django.db import connection

from . import flags as F
from .models import ImportJob, TrackingNumber


def _t() -> str:
    return str(TrackingNumber._meta.db_table)


def _j() -> str:
    return str(ImportJob._meta.db_table)


def db_id(value: uuid.UUID) -> Any:
    """A UUID as the database stores it (a string of hex digits on SQLite)."""
    return ImportJob._meta.pk.get_db_prep_value(value, connection)


def _true() -> Any:
    return True if connection.vendor == "postgresql" else 1


def refresh_planner_statistics() -> None:
    """After a bulk load the planner does not know the new job's rows (it would guess one row and pick
    nested loops over a million): ANALYZE samples the table (~30,000 rows, well under a second). Run by
    the follow-up task, before its queries over the new list."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_t()}")


def _others_condition() -> str:
    """Rows of other applications' current lists that a job's numbers are compared with: the same round,
    or an earlier sales year (the application's own list being replaced never counts). Parameters:
    is_current, application id, round id, sales year."""
    return (
        "j.is_current = %s AND j.application_id <> %s AND (j.round_id = %s OR j.sales_year < %s) "
        f"AND o.flags & {F.NOT_A_NUMBER} = 0"
    )


def _hits(job: ImportJob, numbers_sql: str, numbers_params: list[Any]) -> tuple[str, list[Any]]:
    """(number, cross bits) for the numbers selected by ``numbers_sql`` (a subquery), as ``job`` sees
    them: another application's current list of its round, or a current list of an earlier year."""
    t, j = _t(), _j()
    round_id = db_id(job.round_id)
    sql = f"""SELECT o.number,
          MAX(CASE WHEN j.round_id = %s THEN {F.DUPLICATE_IN_ROUND} ELSE 0 END)
          + MAX(CASE WHEN j.round_id <> %s THEN {F.DUPLICATE_EARLIER_ROUND} ELSE 0 END) AS bits
        FROM {t} o JOIN {j} j ON j.id = o.job_id
        WHERE o.number IN ({numbers_sql}) AND {_others_condition()}
        GROUP BY o.number"""  # noqa: S608
    params = [
        round_id,
        round_id,
        *numbers_params,
        _true(),
        db_id(job.application_id),
        round_id,
        job.sales_year,
    ]
    return sql, params


def other_current_jobs(job: ImportJob) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """The current lists ``job`` is compared with: (other applications of its round, earlier years)."""
    others = ImportJob.objects.filter(is_current=True).exclude(application_id=job.application_id)
    same = list(others.filter(round_id=job.round_id).values_list("pk", flat=True))
    earlier = list(
        others.exclude(round_id=job.round_id)
        .filter(sales_year__lt=job.sales_year)
        .values_list("pk", flat=True)
    )
    return same, earlier


def stage_hits_sql(job: ImportJob, stage: str) -> tuple[str, list[Any]] | None:
    """(number, cross bits) for the distinct valid numbers of a staging table (PostgreSQL, see
    ``store.PostgresStagingWriter``); None when there is no other list to compare with. A LATERAL
    subquery fixes the plan whatever the statistics say: the numbers in sorted order, each probing the
    number index once (consecutive probes touch the same index pages), never a scan or a hash of the
    whole table; the lists compared with are named by id, so a probe needs no join."""
    same, earlier = other_current_jobs(job)
    if not same and not earlier:
        return None
    skip = F.NOT_A_NUMBER
    sql = f"""SELECT s.number, h.bits FROM (
          SELECT DISTINCT number FROM {stage} WHERE flags & {skip} = 0 ORDER BY number
        ) s CROSS JOIN LATERAL (
          SELECT MAX(CASE WHEN o.job_id = ANY(%s) THEN {F.DUPLICATE_IN_ROUND} ELSE 0 END)
            + MAX(CASE WHEN o.job_id = ANY(%s) THEN {F.DUPLICATE_EARLIER_ROUND} ELSE 0 END) AS bits
          FROM {_t()} o
          WHERE o.number = s.number AND o.job_id = ANY(%s) AND o.flags & {skip} = 0
        ) h
        WHERE h.bits IS NOT NULL"""  # noqa: S608
    return sql, [same, earlier, [*same, *earlier]]


def mark_cross_duplicates(job: ImportJob, *, numbers: list[str] | None = None) -> None:
    """Set the job's cross-list bits from the other current lists (one probe of the number index per
    distinct number). With ``numbers``, only those of the job's numbers are redone (their bits cleared
    first): the follow-up after another list sharing them was imported or replaced."""
    t = _t()
    job_id = db_id(job.pk)
    skip = F.NOT_A_NUMBER
    keep = 1023 & ~F.CROSS
    with connection.cursor() as cursor:
        if numbers is None:
            subquery = f"SELECT number FROM {t} WHERE job_id = %s AND flags & {skip} = 0"  # noqa: S608
            subquery_params: list[Any] = [job_id]
        else:
            subquery = ", ".join(["%s"] * len(numbers))
            subquery_params = list(numbers)
            cursor.execute(
                f"UPDATE {t} SET flags = flags & {keep} "  # noqa: S608
                f"WHERE job_id = %s AND flags & {F.CROSS} <> 0 AND number IN ({subquery})",
                [job_id, *subquery_params],
            )
        hits, params = _hits(job, subquery, subquery_params)
        cursor.execute(
            f"""UPDATE {t} SET flags = ({t}.flags & {keep}) | h.bits
            FROM ({hits}) h
            WHERE {t}.job_id = %s AND {t}.number = h.number AND {t}.flags & {skip} = 0""",  # noqa: S608
            [*params, job_id],
        )


def compute_stats(job: ImportJob) -> dict[str, int]:
    """The job's report counts from its rows' flags, in one scan: rows, rows with each problem, distinct
    numbers (first occurrences), numbers also in another list of the round or of an earlier round, and
    valid unique numbers (plus the rare number whose first row does not count but a repeat does)."""
    t = _t()
    job_id = db_id(job.pk)
    first = f"flags & {F.NOT_A_NUMBER | F.DUPLICATE_IN_FILE} = 0"
    sums = [f"SUM(CASE WHEN flags & {bit} <> 0 THEN 1 ELSE 0 END)" for bit in F.FLAG_BITS.values()]
    sums += [
        f"SUM(CASE WHEN {first} THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN {first} AND flags & {F.DUPLICATE_IN_ROUND} <> 0 THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN {first} AND flags & {F.DUPLICATE_EARLIER_ROUND} <> 0 THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN {first} AND flags & {F.NOT_COUNTED | F.CROSS} = 0 THEN 1 ELSE 0 END)",
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), {', '.join(sums)} FROM {t} WHERE job_id = %s", [job_id])  # noqa: S608
        counts = [int(value or 0) for value in cursor.fetchone()]
        cursor.execute(
            f"""SELECT COUNT(*) FROM (
              SELECT number FROM {t}
              WHERE job_id = %s AND flags & {F.NOT_A_NUMBER} = 0 AND number IN (
                SELECT number FROM {t} WHERE job_id = %s AND flags & {F.DUPLICATE_IN_FILE} <> 0)
              GROUP BY number
              HAVING MAX(CASE WHEN flags & {F.NOT_COUNTED | F.CROSS} = 0 THEN 1 ELSE 0 END) = 1
                 AND MAX(CASE WHEN flags & {F.DUPLICATE_IN_FILE} = 0 AND flags & {F.NOT_COUNTED} = 0
                         THEN 1 ELSE 0 END) = 0
            ) late""",  # noqa: S608
            [job_id, job_id],
        )
        (late_valid,) = cursor.fetchone()
    stats = {"rows": counts[0]}
    for code, value in zip(F.FLAG_BITS, counts[1:], strict=False):
        stats[code] = value
    unique, in_round, earlier, valid = counts[1 + len(F.FLAG_BITS) :]
    stats["unique_numbers"] = unique
    # Distinct numbers, not rows, for the cross-list duplicates.
    stats["duplicate_in_round"] = in_round
    stats["duplicate_earlier_round"] = earlier
    stats["valid_unique"] = valid + int(late_valid or 0)
    return stats


def shared_numbers(changed: list[uuid.UUID], *, chunk: int = 5_000) -> Iterator[tuple[uuid.UUID, list[str]]]:
    """(current job, some of its numbers) for every current job other than ``changed`` that has a valid
    number also in one of them — streamed in job order, at most ``chunk`` numbers at a time."""
    t, j = _t(), _j()
    marks = ", ".join(["%s"] * len(changed))
    params = [db_id(i) for i in changed]
    sql = f"""SELECT o.job_id, o.number FROM {t} o JOIN {j} j ON j.id = o.job_id
        WHERE j.is_current = %s AND o.job_id NOT IN ({marks}) AND o.flags & {F.NOT_A_NUMBER} = 0
          AND o.number IN (SELECT number FROM {t} WHERE job_id IN ({marks}) AND flags & {F.NOT_A_NUMBER} = 0)
        ORDER BY o.job_id"""  # noqa: S608
    current: Any = None
    numbers: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [_true(), *params, *params])
        while rows := cursor.fetchmany(chunk):
            for job_id, number in rows:
                if job_id != current or len(numbers) >= chunk:
                    if numbers:
                        yield _uuid(current), numbers
                    current, numbers = job_id, []
                numbers.append(number)
    if numbers:
        yield _uuid(current), numbers


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def cross_duplicates(job: ImportJob) -> Any:
    """Rows of the job whose number another current list also has (same round or an earlier one):
    ``(sheet, row_no, number, other job id, other round's year, other organisation id, other sheet,
    other row)``, in row order. A server-side cursor streams them."""
    t, j = _t(), _j()
    sql = f"""SELECT m.sheet, m.row_no, m.number, j.id, j.sales_year, j.organisation_id, o.sheet, o.row_no
        FROM {t} m JOIN {t} o ON o.number = m.number JOIN {j} j ON j.id = o.job_id
        WHERE m.job_id = %s AND m.flags & {F.NOT_A_NUMBER} = 0 AND {_others_condition()}
        ORDER BY m.sheet, m.row_no, j.sales_year DESC, o.sheet, o.row_no"""  # noqa: S608
    return sql, [db_id(job.pk), _true(), db_id(job.application_id), db_id(job.round_id), job.sales_year]


def repeated_in_file(job: ImportJob) -> Any:
    """Every occurrence of the numbers repeated in the job's file, grouped by number, in row order."""
    t = _t()
    skip = F.NOT_A_NUMBER
    sql = f"""SELECT number, sheet, row_no FROM {t}
        WHERE job_id = %s AND flags & {skip} = 0 AND number IN (
          SELECT number FROM {t} WHERE job_id = %s AND flags & {F.DUPLICATE_IN_FILE} <> 0)
        ORDER BY number, sheet, row_no"""  # noqa: S608
    return sql, [db_id(job.pk), db_id(job.pk)]
