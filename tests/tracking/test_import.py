"""Imports end to end: every check, duplicates across organisations and rounds, replacing a list, the
audited parcel count, and the background task (the upload request returns at once)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from alarfund.applications.models import ApplicationStatus, Figures, FigureSource
from alarfund.audit.models import AuditEvent
from alarfund.tracking import flags as F
from alarfund.tracking.models import ImportJob, ImportPhase, ImportStatus, TrackingNumber
from alarfund.tracking.services import material_uploaded, refresh_stats, tracking_import_start

from .conftest import csv_bytes, import_list, make_application, sf, upload_list, xlsx_bytes

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

EVERY_CHECK = [
    [sf(1), "顺丰", "2025-03-01", "上海"],  # 2: valid
    [sf(2), "顺丰", "2025/3/2", "上海"],  # 3: valid
    [sf(1), "顺丰", "2025-03-05", "上海"],  # 4: repeat of row 2
    ["753123456789012", "顺丰", "2025-04-01", "北京"],  # 5: ZTO's form, SF named: counted, flagged
    ["ABCDEFGHIJK", "", "2025-04-01", "北京"],  # 6: unknown format: counted, flagged
    [sf(3), "顺丰", "2024-12-31", "北京"],  # 7: shipped in the previous year: not counted
    [sf(4), "顺丰", "", "北京"],  # 8: no ship date: not counted
    ["没有单号", "顺丰", "2025-04-01", "北京"],  # 9: not a number
    ["", "顺丰", "2025-04-01", "北京"],  # 10: no number
    ["", "", "", ""],  # 11: empty: left out
    ["7.73123456789012E+14", "申通", "2025-04-02", "北京"],  # 12: digits lost
]


def flags_by_row(job: ImportJob) -> dict[int, int]:
    return dict(TrackingNumber.objects.filter(job_id=job.pk).values_list("row_no", "flags"))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_every_row_check(world: Any, kind: str) -> None:
    data = csv_bytes(EVERY_CHECK) if kind == "csv" else xlsx_bytes(EVERY_CHECK)
    job = import_list(world.app_a, world.alice, f"list.{kind}", data)
    assert job.status == ImportStatus.SUCCEEDED and job.is_current and job.phase == ImportPhase.DONE
    found = flags_by_row(job)
    assert found == {
        2: 0,
        3: 0,
        4: F.DUPLICATE_IN_FILE,
        5: F.COURIER_MISMATCH,
        6: F.UNKNOWN_FORMAT,
        7: F.DATE_OUTSIDE_YEAR,
        8: F.DATE_MISSING,
        9: F.INVALID,
        10: F.MISSING_NUMBER,
        12: F.PRECISION_LOST,
    }
    assert job.stats["rows"] == 10
    assert job.stats["duplicate_in_file"] == 1 and job.stats["invalid"] == 1
    # SF1, SF2, the ZTO-form number and the unknown format
    assert job.valid_unique == 4
    assert job.rows_read == 11 and job.rows_total >= 11
    assert job.sheets[0]["columns"] == {"number": "快递单号", "courier": "快递公司", "ship_date": "发货日期"}
    assert job.sheets[0]["other_columns"] == ["收件城市"]


def test_a_duplicate_between_two_organisations(world: Any) -> None:
    """The same parcels presented by two (related) companies in one round: both lists say so, and
    neither counts them; the first list's counts change when the second arrives."""
    shared = [[sf(n), "顺丰", "2025-06-01", "上海"] for n in range(100, 110)]
    own_a = [[sf(n), "顺丰", "2025-06-01", "上海"] for n in range(200, 205)]
    own_b = [[sf(n), "顺丰", "2025-06-01", "上海"] for n in range(300, 303)]
    job_a = import_list(world.app_a, world.alice, "a.csv", csv_bytes(shared + own_a))
    assert job_a.valid_unique == 15 and job_a.stats["duplicate_in_round"] == 0
    job_b = import_list(world.app_b, world.bob, "b.xlsx", xlsx_bytes(own_b + shared))
    assert job_b.valid_unique == 3 and job_b.stats["duplicate_in_round"] == 10
    job_a.refresh_from_db()
    assert job_a.valid_unique == 5 and job_a.stats["duplicate_in_round"] == 10
    assert job_a.organisation_id != job_b.organisation_id
    # The audited parcel counts follow.
    assert Figures.objects.get(application=world.app_a, source=FigureSource.AUDITED).parcels == 5
    assert Figures.objects.get(application=world.app_b, source=FigureSource.AUDITED).parcels == 3


def test_a_duplicate_of_an_earlier_round(world: Any) -> None:
    """Numbers claimed last year and again this year: only the later claim is flagged."""
    last_year = make_application(world.earlier_round, world.alice)
    old = import_list(
        last_year,
        world.alice,
        "2024.csv",
        csv_bytes([[sf(n), "顺丰", "2024-10-01", ""] for n in range(1, 8)]),
    )
    assert old.valid_unique == 7
    job = import_list(
        world.app_b,
        world.bob,
        "2025.csv",
        csv_bytes([[sf(n), "顺丰", "2025-10-01", ""] for n in range(5, 12)]),
    )
    assert job.stats["duplicate_earlier_round"] == 3 and job.stats["duplicate_in_round"] == 0
    assert job.valid_unique == 4
    old.refresh_from_db()
    assert old.valid_unique == 7  # the earlier claim stands


def test_a_new_upload_replaces_the_list(world: Any) -> None:
    first = import_list(
        world.app_a, world.alice, "v1.csv", csv_bytes([[sf(n), "顺丰", "2025-01-02", ""] for n in range(10)])
    )
    job_b = import_list(
        world.app_b, world.bob, "b.csv", csv_bytes([[sf(n), "顺丰", "2025-01-02", ""] for n in range(5, 8)])
    )
    assert job_b.valid_unique == 0
    second = import_list(
        world.app_a,
        world.alice,
        "v2.csv",
        csv_bytes([[sf(n), "顺丰", "2025-01-02", ""] for n in range(20, 24)]),
    )
    first.refresh_from_db()
    job_b.refresh_from_db()
    assert first.status == ImportStatus.SUPERSEDED and not first.is_current
    assert not TrackingNumber.objects.filter(job_id=first.pk).exists()  # the replaced rows are gone
    assert second.is_current and second.valid_unique == 4
    assert job_b.valid_unique == 3  # no longer shared with the replaced list
    assert ImportJob.objects.filter(application=world.app_a, is_current=True).count() == 1


def test_audited_parcels_default(world: Any) -> None:
    rows = [[sf(n), "顺丰", "2025-02-01", ""] for n in range(6)]
    import_list(world.app_a, world.alice, "a.csv", csv_bytes(rows))
    audited = Figures.objects.get(application=world.app_a, source=FigureSource.AUDITED)
    declared = Figures.objects.get(application=world.app_a, source=FigureSource.DECLARED)
    assert audited.parcels == 6
    assert audited.online_sales == declared.online_sales  # the auditor starts from what was declared
    # A new list moves an untouched default …
    import_list(world.app_a, world.alice, "a2.csv", csv_bytes(rows[:4]))
    audited.refresh_from_db()
    assert audited.parcels == 4
    # … but never a figure the auditor entered.
    audited.parcels = 3_999
    audited.save()
    import_list(world.app_a, world.alice, "a3.csv", csv_bytes(rows))
    audited.refresh_from_db()
    assert audited.parcels == 3_999
    outcomes = [
        e.details["outcome"]
        for e in AuditEvent.objects.filter(action="tracking.parcels_default").order_by("seq")
    ]
    assert outcomes == ["created", "updated", "kept"]


def test_no_default_after_the_audit(world: Any) -> None:
    world.app_a.status = ApplicationStatus.AUDITED
    world.app_a.save()
    import_list(world.app_a, world.alice, "a.csv", csv_bytes([[sf(1), "顺丰", "2025-02-01", ""]]))
    assert not Figures.objects.filter(application=world.app_a, source=FigureSource.AUDITED).exists()


def test_the_upload_returns_at_once_and_the_worker_imports(world: Any, settings: Any) -> None:
    """With the real database backend, starting only queues: the job and its task are rows."""
    settings.TASKS = DB_TASKS
    version = upload_list(
        world.app_a, world.alice, [("a.csv", csv_bytes([[sf(1), "顺丰", "2025-02-01", ""]]))]
    )
    job = material_uploaded(
        by=world.alice, application=world.app_a, material_code="tracking_numbers", version=version
    )
    assert job is not None and job.status == ImportStatus.QUEUED and job.phase == ImportPhase.WAITING
    task = DBTaskResult.objects.get(pk=job.task_id)
    assert task.args_kwargs["args"] == [str(job.pk)]
    assert (
        material_uploaded(
            by=world.alice, application=world.app_a, material_code="business_licence", version=version
        )
        is None
    )


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_queued_import(make_user: Any, settings: Any, documents_dir: Any) -> None:
    """``alarfund worker`` is django-tasks' db_worker: run it once over the queue (outside any test
    transaction, so on PostgreSQL the rows stream through COPY on a connection of their own)."""
    from alarfund.accounts.choices import Role

    from .conftest import make_round

    settings.TASKS = DB_TASKS
    settings.ALARFUND_TRACKING_BATCH_ROWS = 7
    officer = make_user(Role.BUREAU_OFFICER)
    alice = make_user(Role.APPLICANT)
    application = make_application(make_round(officer, 2025), alice)
    rows = [[sf(n), "顺丰", "2025-02-01", ""] for n in range(50)] + [[sf(0), "顺丰", "2025-02-01", ""]]
    version = upload_list(application, alice, [("a.xlsx", xlsx_bytes(rows))])
    job = tracking_import_start(by=alice, application=application, document_version_or_file=version)
    assert job.status == ImportStatus.QUEUED
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED, (job.error_code, job.error_params)
    assert job.rows_read == 51 and job.valid_unique == 50 and job.stats["duplicate_in_file"] == 1
    assert TrackingNumber.objects.filter(job_id=job.pk).count() == 51


@pytest.mark.django_db(transaction=True)
def test_the_worker_checks_against_other_lists_and_rolls_back_a_failure(
    make_user: Any, settings: Any, documents_dir: Any, monkeypatch: Any
) -> None:
    """The worker's own path (on PostgreSQL: the staging table, the hits and the move in one
    transaction of a dedicated connection): a list sharing numbers with another application's list is
    flagged and counted like in the tests' transactions, and a failure in the middle stores nothing."""
    from alarfund.accounts.choices import Role
    from alarfund.tracking import checks
    from alarfund.tracking.normalise import RowChecker

    from .conftest import make_round

    settings.TASKS = DB_TASKS
    settings.ALARFUND_TRACKING_BATCH_ROWS = 5
    officer = make_user(Role.BUREAU_OFFICER)
    round_ = make_round(officer, 2025)
    alice, bob = make_user(Role.APPLICANT), make_user(Role.APPLICANT)
    first = make_application(round_, alice)
    second = make_application(round_, bob)

    def run(application: Any, user: Any, rows: list[list[Any]]) -> ImportJob:
        version = upload_list(application, user, [("a.csv", csv_bytes(rows))])
        job = tracking_import_start(by=user, application=application, document_version_or_file=version)
        call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
        job.refresh_from_db()
        return job

    a = run(first, alice, [[sf(n), "顺丰", "2025-02-01", ""] for n in range(20)])
    b = run(second, bob, [[sf(n), "顺丰", "2025-02-01", ""] for n in range(15, 40)])
    assert b.status == ImportStatus.SUCCEEDED, (b.error_code, b.error_params)
    assert b.stats["duplicate_in_round"] == 5 and b.valid_unique == 20
    assert b.stats == checks.compute_stats(b)
    a.refresh_from_db()
    assert a.valid_unique == 15  # recounted by the follow-up task

    calls = {"n": 0}
    original = RowChecker.records

    def breaks_on_the_third_batch(self: RowChecker, sheet: int, rows: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return original(self, sheet, rows)

    monkeypatch.setattr(RowChecker, "records", breaks_on_the_third_batch)
    failed = run(second, bob, [[sf(n), "顺丰", "2025-02-01", ""] for n in range(100, 140)])
    assert failed.status == ImportStatus.FAILED and failed.error_code == "internal"
    assert not TrackingNumber.objects.filter(job_id=failed.pk).exists()
    b.refresh_from_db()
    assert b.is_current and TrackingNumber.objects.filter(job_id=b.pk).count() == 25


def test_a_newer_upload_stops_an_older_queued_import(world: Any, settings: Any) -> None:
    settings.TASKS = DB_TASKS
    first = import_list(world.app_a, world.alice, "1.csv", csv_bytes([[sf(1), "顺丰", "2025-02-01", ""]]))
    second = import_list(world.app_a, world.alice, "2.csv", csv_bytes([[sf(2), "顺丰", "2025-02-01", ""]]))
    first.refresh_from_db()
    assert first.status == ImportStatus.CANCELLED and second.status == ImportStatus.QUEUED
    from alarfund.tracking.importer import run_import

    assert run_import(first.pk).status == ImportStatus.CANCELLED  # a stopped job never runs
    assert run_import(second.pk).status == ImportStatus.SUCCEEDED


def test_an_import_of_several_files_and_sheets(world: Any) -> None:
    """One upload may carry several files (a list past Excel's 1,048,576 rows per sheet is split)."""
    version = upload_list(
        world.app_a,
        world.alice,
        [
            ("part1.csv", csv_bytes([[sf(1), "顺丰", "2025-02-01", ""], [sf(2), "顺丰", "2025-02-01", ""]])),
            (
                "part2.xlsx",
                xlsx_bytes([[sf(2), "顺丰", "2025-02-01", ""], [sf(3), "顺丰", "2025-02-01", ""]]),
            ),
        ],
    )
    job = tracking_import_start(by=world.alice, application=world.app_a, document_version_or_file=version)
    assert job.status == ImportStatus.SUCCEEDED
    assert job.valid_unique == 3 and job.stats["duplicate_in_file"] == 1
    assert [s["file"] for s in job.sheets] == ["part1.csv", "part2.xlsx"]
    assert sorted({s["id"] for s in job.sheets}) == [0, 100]


def test_refresh_is_harmless_when_nothing_changed(world: Any) -> None:
    job = import_list(world.app_a, world.alice, "a.csv", csv_bytes([[sf(1), "顺丰", "2025-02-01", ""]]))
    refresh_stats([job.pk])
    job.refresh_from_db()
    assert job.valid_unique == 1


def test_other_lists_are_recounted_by_a_follow_up_task(world: Any, settings: Any) -> None:
    """With the real backend the swap queues the follow-up (remove replaced rows, recount others)."""
    from alarfund.tracking.importer import run_import
    from alarfund.tracking.tasks import tracking_lists_follow_up

    shared = [[sf(n), "顺丰", "2025-06-01", ""] for n in range(4)]
    job_a = import_list(world.app_a, world.alice, "a.csv", csv_bytes(shared))
    settings.TASKS = DB_TASKS
    job_b = import_list(world.app_b, world.bob, "b.csv", csv_bytes(shared))
    job_b = run_import(job_b.pk)
    assert job_b.valid_unique == 0
    job_a.refresh_from_db()
    assert job_a.valid_unique == 4  # not yet recounted …
    queued = DBTaskResult.objects.filter(task_path__endswith="tracking_lists_follow_up").get()
    tracking_lists_follow_up.call(*queued.args_kwargs["args"])
    job_a.refresh_from_db()
    assert job_a.valid_unique == 0 and job_a.stats["duplicate_in_round"] == 4  # … now it is


def test_who_may_start_an_import(world: Any, make_user: Any) -> None:
    from alarfund.accounts.choices import Role
    from alarfund.accounts.permissions import Refused

    version = upload_list(
        world.app_a, world.alice, [("a.csv", csv_bytes([[sf(1), "顺丰", "2025-02-01", ""]]))]
    )
    for outsider in (
        world.bob,
        make_user(Role.ADMINISTRATOR),
        make_user(Role.DEPARTMENT_OFFICER),
        world.auditor,
    ):
        with pytest.raises(Refused):
            tracking_import_start(by=outsider, application=world.app_a, document_version_or_file=version)
    job = tracking_import_start(by=world.reviewer, application=world.app_a, document_version_or_file=version)
    assert job.status == ImportStatus.SUCCEEDED
    # Only the application's own tracking-number list can be imported for it.
    with pytest.raises(ValueError, match="not this application"):
        tracking_import_start(by=None, application=world.app_b, document_version_or_file=version)
    single = tracking_import_start(
        by=None, application=world.app_a, document_version_or_file=version.files.get()
    )
    assert single.document_file_id is not None and single.status == ImportStatus.SUCCEEDED
    assert AuditEvent.objects.filter(action="tracking.import_start").count() == 2


def test_a_number_counts_once_even_when_only_a_repeat_is_valid(world: Any) -> None:
    rows = [
        [sf(1), "顺丰", "2024-12-31", ""],  # first occurrence: shipped the year before
        [sf(1), "顺丰", "2025-01-03", ""],  # the repeat is in the year
        [sf(2), "顺丰", "2025-01-03", ""],
        [sf(2), "顺丰", "2025-01-04", ""],
    ]
    job = import_list(world.app_a, world.alice, "a.csv", csv_bytes(rows))
    assert job.stats["unique_numbers"] == 2 and job.stats["duplicate_in_file"] == 2
    assert job.valid_unique == 2


def test_counts_tallied_while_reading_equal_the_counts_from_the_stored_rows(world: Any) -> None:
    """On PostgreSQL the counts come from the flags tallied while reading plus the cross-list hits
    (``normalise.Tally``); on SQLite from the stored rows (``checks.compute_stats``). Both must be the
    same, for every problem, repeats whose first row does not count, and numbers in other lists."""
    from alarfund.tracking import checks

    last_year = make_application(world.earlier_round, world.alice)
    import_list(
        last_year, world.alice, "old.csv", csv_bytes([[sf(n), "顺丰", "2024-10-01", ""] for n in range(0, 6)])
    )
    import_list(
        world.app_b, world.bob, "b.csv", csv_bytes([[sf(n), "顺丰", "2025-05-01", ""] for n in range(4, 10)])
    )
    rows = [
        [sf(1), "顺丰", "2025-02-01", ""],  # earlier round
        [sf(5), "顺丰", "2025-02-01", ""],  # earlier round and same round
        [sf(8), "中通", "2025-02-01", ""],  # same round, courier mismatch
        [sf(8), "顺丰", "2025-02-02", ""],  # ... repeated
        [sf(20), "顺丰", "2024-02-01", ""],  # outside the year; its repeat counts
        [sf(20), "顺丰", "2025-02-01", ""],
        ["junk!", "顺丰", "2025-02-01", ""],
        ["junk!", "顺丰", "2025-02-01", ""],  # junk is never a repeat
        ["ABCDEFGHIJ", "", "", ""],  # unknown format, no date
        [sf(21), "顺丰", "2025-03-01", ""],
        [sf(21), "顺丰", "2025-03-01", ""],
    ]
    job = import_list(world.app_a, world.alice, "a.xlsx", xlsx_bytes(rows))
    assert job.stats == checks.compute_stats(job)
    assert job.stats["duplicate_in_file"] == 3 and job.stats["invalid"] == 2
    assert job.stats["duplicate_in_round"] == 2 and job.stats["duplicate_earlier_round"] == 2
    assert job.valid_unique == 2  # SF…20 (by its repeat) and SF…21
    stored = {(r.row_no, r.flags) for r in TrackingNumber.objects.filter(job_id=job.pk)}
    assert (3, F.DUPLICATE_IN_ROUND | F.DUPLICATE_EARLIER_ROUND) in stored  # SF…5
    assert (9, F.INVALID) in stored  # the second junk row is not a repeat


def test_repeats_across_files_and_sheets_keep_the_first_row(world: Any) -> None:
    """Repeats are found over the whole import (several files, several sheets), in reading order."""
    first = csv_bytes([[sf(1), "顺丰", "2025-02-01", ""], [sf(2), "顺丰", "2025-02-01", ""]])
    second = csv_bytes([[sf(2), "顺丰", "2025-02-01", ""], [sf(1), "顺丰", "2025-02-01", ""]])
    version = upload_list(world.app_a, world.alice, [("1.csv", first), ("2.csv", second)])
    job = tracking_import_start(by=None, application=world.app_a, document_version_or_file=version)
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED, job.error_code
    flagged = sorted(
        (r.sheet, r.row_no)
        for r in TrackingNumber.objects.filter(job_id=job.pk)
        if r.flags & F.DUPLICATE_IN_FILE
    )
    assert flagged == [(100, 2), (100, 3)]
    assert job.valid_unique == 2 and job.stats["duplicate_in_file"] == 2
