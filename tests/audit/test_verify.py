"""`alarfund audit verify`: a row altered, deleted or inserted directly in the database is reported (the
first one, by its number); on PostgreSQL the application's role cannot UPDATE or DELETE audit rows, and
what a superuser changes behind the triggers is still caught by the chain."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, transaction

from alarfund import cli
from alarfund.audit.models import AuditEvent
from alarfund.audit.services import audit_record, audit_verify, compute_hash

pytestmark = pytest.mark.django_db
TABLE = AuditEvent._meta.db_table
postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only")


@contextlib.contextmanager
def behind_the_triggers() -> Iterator[None]:
    """What a database superuser (not the application) can do: switch the append-only triggers off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = DEFAULT")


def chain(n: int = 5) -> list[AuditEvent]:
    return [audit_record(action="test.event", details={"n": i}) for i in range(n)]


@pytest.fixture(autouse=True)
def keep_the_test_connection(monkeypatch):
    """A management command closes the database connections when it ends; in a test that would end
    the test's own transaction."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


def run_verify(capsys) -> tuple[int, str]:
    code = cli.main(["audit", "verify"])
    return code, capsys.readouterr().out


def test_an_intact_trail_verifies(capsys):
    chain()
    code, out = run_verify(capsys)
    assert code == 0 and "intact" in out


def test_an_altered_row_is_caught_by_the_command(capsys):
    events = chain()
    with behind_the_triggers(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET details = %s WHERE seq = %s",  # noqa: S608
            [json.dumps({"n": 999}), events[2].seq],
        )
    code, out = run_verify(capsys)
    assert code == 1
    assert f"#{events[2].seq}" in out and "altered" in out
    report = audit_verify()
    assert (report.first_bad_seq, report.problem) == (events[2].seq, "altered")


def test_an_altered_row_with_its_hash_recomputed_is_caught(capsys):
    events = chain()
    victim = AuditEvent.objects.get(seq=events[1].seq)
    victim.details = {"n": 12345}
    new_hash = compute_hash(victim)
    with behind_the_triggers(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET details = %s, hash = %s WHERE seq = %s",  # noqa: S608
            [json.dumps({"n": 12345}), new_hash, victim.seq],
        )
    report = audit_verify()
    assert (report.first_bad_seq, report.problem) == (victim.seq, "altered")


def test_a_deleted_row_is_caught(capsys):
    events = chain()
    with behind_the_triggers(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [events[3].seq])  # noqa: S608
    code, out = run_verify(capsys)
    assert code == 1 and f"#{events[3].seq}" in out and "deleted" in out


def test_deleted_rows_at_the_end_are_caught():
    events = chain()
    with behind_the_triggers(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq >= %s", [events[3].seq])  # noqa: S608
    report = audit_verify()
    assert (report.first_bad_seq, report.problem) == (events[3].seq, "deleted")


def test_a_deletion_hidden_by_renumbering_is_caught():
    events = chain()
    with behind_the_triggers(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [events[2].seq])  # noqa: S608
        for event in events[3:]:
            cursor.execute(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [event.seq - 1, event.seq])  # noqa: S608
    report = audit_verify()
    assert (report.first_bad_seq, report.problem) == (events[2].seq, "deleted")


def test_an_inserted_row_is_caught(capsys):
    events = chain(3)
    last = events[-1]
    forged = AuditEvent(
        id=uuid.uuid4(),
        seq=last.seq + 1,
        occurred_at=datetime.now(UTC),
        actor_username="nobody",
        actor_role="auditor",
        action="review.audit",
        result="success",
        details={},
        prev_hash=last.hash,
    )
    forged.hash = compute_hash(forged)  # a perfectly linked row, but the chain head never counted it
    forged.save()
    code, out = run_verify(capsys)
    assert code == 1 and f"#{forged.seq}" in out and "inserted" in out


def test_an_insertion_in_the_middle_is_caught():
    events = chain()
    with behind_the_triggers(), connection.cursor() as cursor:
        for event in reversed(events[2:]):
            cursor.execute(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [event.seq + 1, event.seq])  # noqa: S608
    forged = AuditEvent(
        id=uuid.uuid4(),
        seq=events[2].seq,
        occurred_at=datetime.now(UTC),
        action="review.audit",
        result="success",
        details={},
        prev_hash=events[1].hash,
    )
    forged.hash = compute_hash(forged)
    forged.save()
    report = audit_verify()
    assert (report.first_bad_seq, report.problem) == (events[2].seq, "inserted")


def test_the_sqlite_trigger_and_the_model_refuse_changes():
    event = chain(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET action = 'x' WHERE seq = %s", [event.seq])  # noqa: S608
    assert audit_verify().ok


@postgres_only
def test_postgres_refuses_update_and_delete_for_the_application_role():
    events = chain(3)
    for statement in (
        f"UPDATE {TABLE} SET action = 'x' WHERE seq = %s",  # noqa: S608
        f"DELETE FROM {TABLE} WHERE seq = %s",  # noqa: S608
    ):
        with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [events[1].seq])
        assert "append-only" in str(caught.value)
    # The chain head cannot be rewound or removed either (it would hide rows deleted from the end).
    for statement in (
        "UPDATE audit_auditchainhead SET seq = seq - 1",
        "DELETE FROM audit_auditchainhead",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.count() == 3 and audit_verify().ok


@postgres_only
def test_postgres_a_superuser_altered_row_is_flagged_by_the_verifier(capsys):
    events = chain(4)
    with behind_the_triggers(), connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone()[0], "the test connects as a superuser, who can bypass the triggers"
        cursor.execute(f"UPDATE {TABLE} SET actor_username = 'someone-else' WHERE seq = %s", [events[1].seq])  # noqa: S608
    code, out = run_verify(capsys)
    assert code == 1 and f"#{events[1].seq}" in out and "altered" in out
