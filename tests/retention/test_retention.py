"""The retention job: the clock at the boundary ±1 s, legal holds, audit copies (checklist 29 and 38)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from PIL import Image

from alarfund.accounts.choices import Role
from alarfund.audit.archive import archive_audit, verify_archive
from alarfund.audit.models import AuditEvent
from alarfund.evidence.models import DocumentFile
from alarfund.evidence.services import document_upload
from alarfund.retention import services
from alarfund.retention.services import sensitive_document_expiry
from tests.applications.helpers import make_round, pdf_bytes, started, upload
from tests.audit.test_verify import behind_the_triggers
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
SECOND = dt.timedelta(seconds=1)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def archive_dir(tmp_path: Path, settings: Any) -> Path:
    settings.ALARFUND_AUDIT_ARCHIVE_DIR = tmp_path / "audit-archive"
    return settings.ALARFUND_AUDIT_ARCHIVE_DIR


@pytest.fixture
def retention_run(django_capture_on_commit_callbacks: Any) -> Any:
    """The job, with its after-commit file deletions carried out as in production."""

    def run(**kwargs: Any) -> services.RetentionReport:
        with django_capture_on_commit_callbacks(execute=True):
            return services.retention_run(**kwargs)

    return run


@pytest.fixture
def stored(make_user: Any) -> dict[str, Any]:
    officer = make_user(Role.BUREAU_OFFICER)
    applicant = make_user(Role.APPLICANT)
    round_ = make_round(officer)
    application = started(applicant, round_)

    def put(material: str, name: str, data: bytes) -> DocumentFile:
        version = document_upload(
            actor=applicant,
            organisation=applicant.organisation,
            material_code=material,
            files=[upload(name, data)],
            subject_type="application",
            subject_id=application.pk,
        )
        return version.files.get()

    return {
        "round": round_,
        "applicant": applicant,
        "id_card": put("id_card", "张三身份证.jpg", jpeg()),
        "licence": put("business_licence", "营业执照.pdf", pdf_bytes()),
    }


def test_expiry_starts_at_local_midnight_after_the_window(stored: dict[str, Any], settings: Any) -> None:
    settings.ALARFUND_RETENTION = {**settings.ALARFUND_RETENTION, "sensitive_documents_days": 30}
    end = stored["round"].window_end
    expiry = sensitive_document_expiry(end)
    assert expiry.isoformat() == f"{end + dt.timedelta(days=31)}T00:00:00+08:00"


def test_boundary_minus_one_second_keeps_plus_one_second_deletes(
    stored: dict[str, Any], documents_dir: Path, retention_run: Any
) -> None:
    id_card, licence = stored["id_card"], stored["licence"]
    expiry = sensitive_document_expiry(stored["round"].window_end)
    assert (documents_dir / id_card.stored_name).exists()

    before = retention_run(now=expiry - SECOND)
    assert before.purged_files == []
    id_card.refresh_from_db()
    assert id_card.purged_at is None and (documents_dir / id_card.stored_name).exists()

    after = retention_run(now=expiry + SECOND)
    assert after.purged_files == [str(id_card.pk)]
    id_card.refresh_from_db()
    licence.refresh_from_db()
    assert id_card.purged_at == expiry + SECOND
    assert not (documents_dir / id_card.stored_name).exists()
    assert "张三" not in id_card.original_name  # the name could identify the person
    assert id_card.sha256 and id_card.size  # the record stays
    # Business documents are financial records: kept.
    assert licence.purged_at is None and (documents_dir / licence.stored_name).exists()
    event = AuditEvent.objects.filter(action="retention.purge").get()
    assert event.object_id == str(id_card.pk) and event.actor_username == "retention-job"

    again = retention_run(now=expiry + dt.timedelta(days=1))
    assert again.purged_files == []  # once only
    assert AuditEvent.objects.filter(action="retention.purge").count() == 1


def test_dry_run_changes_nothing(
    stored: dict[str, Any], documents_dir: Path, archive_dir: Path, retention_run: Any
) -> None:
    expiry = sensitive_document_expiry(stored["round"].window_end)
    report = retention_run(now=expiry + SECOND, dry_run=True)
    assert report.purged_files == [str(stored["id_card"].pk)]
    stored["id_card"].refresh_from_db()
    assert stored["id_card"].purged_at is None
    assert (documents_dir / stored["id_card"].stored_name).exists()
    assert not archive_dir.exists()


def test_download_of_a_deleted_file_says_so(stored: dict[str, Any], client: Any, retention_run: Any) -> None:
    retention_run(now=sensitive_document_expiry(stored["round"].window_end) + SECOND)
    sign_in(client, stored["applicant"])
    response = client.get(reverse("evidence:download", kwargs={"file_id": stored["id_card"].pk}))
    assert response.status_code == 410
    assert stored["id_card"].sha256 in response.content.decode()


def test_audit_events_are_never_deleted_and_copied_to_the_separate_store(
    stored: dict[str, Any], archive_dir: Path, retention_run: Any
) -> None:
    count = AuditEvent.objects.count()
    assert count > 0
    far_future = sensitive_document_expiry(stored["round"].window_end) + dt.timedelta(days=3650)
    report = retention_run(now=far_future)
    # Every event older or younger than 180 days is still there (plus the purge's own event).
    assert AuditEvent.objects.count() == count + 1
    assert report.audit_archived == count  # the copy was made before the purge was recorded
    assert verify_archive(archive_dir).ok
    archive_audit(archive_dir)
    check = verify_archive(archive_dir)
    assert check.ok and check.checked == count + 1


def test_archive_catches_a_rewritten_chain(stored: dict[str, Any], archive_dir: Path) -> None:
    """A superuser who rewrites a row and recomputes the hashes passes `audit verify`, not the copies."""
    archive_audit(archive_dir)
    event = AuditEvent.objects.order_by("seq").first()
    assert event is not None
    with behind_the_triggers(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET action = %s WHERE seq = %s", ["document.nothing", event.seq]
        )
    check = verify_archive(archive_dir)
    assert not check.ok and check.first_bad_seq == event.seq
    assert check.problem == "database row differs from its archived copy"


def test_archive_is_incremental_and_read_only(stored: dict[str, Any], archive_dir: Path) -> None:
    first = archive_audit(archive_dir)
    assert first.written == AuditEvent.objects.count() and first.segments == 1
    assert archive_audit(archive_dir).written == 0
    (segment,) = archive_dir.glob("audit-*.jsonl")
    assert segment.stat().st_mode & 0o222 == 0


def test_legal_hold_keeps_files_of_an_organisation_under_a_fraud_finding(
    stored: dict[str, Any], monkeypatch: Any, retention_run: Any
) -> None:
    from alarfund.retention import services

    organisation = stored["applicant"].organisation_id
    monkeypatch.setattr(services, "organisations_on_hold", lambda: {organisation})
    report = retention_run(now=sensitive_document_expiry(stored["round"].window_end) + SECOND)
    assert report.purged_files == [] and report.held_files == [str(stored["id_card"].pk)]
    stored["id_card"].refresh_from_db()
    assert stored["id_card"].purged_at is None


def test_command_prints_what_it_did(stored: dict[str, Any], capsys: Any) -> None:
    expiry = sensitive_document_expiry(stored["round"].window_end)
    call_command("retention", "--now", (expiry + SECOND).isoformat())
    out = capsys.readouterr().out
    assert "sensitive files deleted: 1" in out
    call_command("audit_archive", "--verify")
    assert "matches the database" in capsys.readouterr().out


def test_expired_form_tokens_are_removed_fresh_ones_kept(stored: dict[str, Any], retention_run: Any) -> None:
    from alarfund import idempotency

    applicant = stored["applicant"]
    old = idempotency.issue(applicant, "test.action", "x")
    fresh = idempotency.issue(applicant, "test.action", "y")
    model = idempotency._model()
    model.objects.filter(token=old).update(issued_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    report = retention_run()
    assert report.expired_tokens == 1
    assert not model.objects.filter(token=old).exists() and model.objects.filter(token=fresh).exists()
