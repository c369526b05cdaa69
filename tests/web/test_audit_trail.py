"""The audit trail: what is recorded, the hash chain, append-only, and no secrets in it."""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client

from alarfund.audit.models import AppendOnlyError, AuditEvent
from alarfund.audit.services import Actor, audit_record, audit_verify, compute_hash
from tests.conftest import PASSWORD

from .test_registration import URL, form


@pytest.mark.django_db
def test_chain_links_and_verifies() -> None:
    first = audit_record(action="test.one", details={"n": 1})
    second = audit_record(action="test.two", actor=Actor(username="someone", role="auditor"))
    assert first.seq + 1 == second.seq
    assert second.prev_hash == first.hash
    assert compute_hash(AuditEvent.objects.get(pk=second.pk)) == second.hash
    report = audit_verify()
    assert report.ok and report.checked >= 2


@pytest.mark.django_db
def test_model_and_queryset_refuse_changes() -> None:
    event = audit_record(action="test.frozen")
    event.action = "test.changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_database_refuses_update_and_chain_detects_tampering() -> None:
    event = audit_record(action="test.tamper", details={"amount": "100.00"})
    audit_record(action="test.after")
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET action = 'x' WHERE seq = %s", [event.seq])  # noqa: S608
    # A database superuser can drop the trigger: the hash chain still shows the edit.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_event_no_update")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
        cursor.execute(
            f"UPDATE {table} SET details = %s WHERE seq = %s",  # noqa: S608
            [json.dumps({"amount": "999.00"}), event.seq],
        )
    report = audit_verify()
    assert not report.ok and report.first_bad_seq == event.seq


@pytest.mark.django_db
def test_deleting_the_latest_events_is_detected() -> None:
    audit_record(action="test.a")
    last = audit_record(action="test.b")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The database refuses DELETE (audit 0003): only a superuser switching triggers off gets past.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = %s", [last.seq])  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
    assert not audit_verify().ok


@pytest.mark.django_db
def test_sensitive_details_are_redacted() -> None:
    event = audit_record(
        action="test.redact",
        details={"password": "x", "bank_account": "6228", "id_number": "650", "nested": {"session_key": "s"}},
    )
    assert event.details == {
        "password": "[redacted]",
        "bank_account": "[redacted]",
        "id_number": "[redacted]",
        "nested": {"session_key": "[redacted]"},
    }


@pytest.mark.django_db
def test_no_password_session_or_bank_account_in_the_trail(make_user) -> None:
    client = Client()
    client.post(URL, form())
    session_id = client.cookies["alarfund_session"].value
    client.post("/accounts/logout/")
    Client().post("/accounts/login/", {"username": "huyanglin", "password": "Populus-Euphratica-88"})
    Client().post("/accounts/login/", {"username": "huyanglin", "password": "wrong-" + PASSWORD})
    dump = json.dumps(list(AuditEvent.objects.values()), default=str, ensure_ascii=False)
    for secret in ("Populus-Euphratica-88", PASSWORD, session_id, "6228480123456789012", "6228 4801"):
        assert secret not in dump
    actions = [e.action + ":" + e.result for e in AuditEvent.objects.order_by("seq")]
    assert "auth.logout:success" in actions and "auth.login:failure" in actions
    assert audit_verify().ok


@pytest.mark.django_db
def test_events_carry_time_actor_role_ip_and_request_id(make_user) -> None:
    user = make_user("applicant")
    Client().post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )
    event = AuditEvent.objects.get(action="auth.login", result="success")
    assert event.actor_id == user.pk and event.actor_role == "applicant"
    assert event.ip == "10.1.2.3" and len(event.request_id) == 32
    assert event.occurred_at.utcoffset().total_seconds() == 0
