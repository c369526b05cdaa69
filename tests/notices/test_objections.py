"""Objections: filing (fields, attachment, period, rate limit, CSRF), tracking code and lookup, findings,
and the upheld path: back to review, notice withdrawn, new plan version, reissued notice."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from alarfund.accounts.choices import Role
from alarfund.applications.models import Application, ApplicationStatus
from alarfund.audit.models import AuditEvent
from alarfund.notices.models import Notice, NoticeStatus, Objection, ObjectionStatus
from alarfund.notices.objections import (
    CODE_ALPHABET,
    objection_decide,
    objection_file,
    objection_lookup,
)
from alarfund.notices.services import OutOfSequence, notice_publish
from alarfund.plans.models import PlanVersion, VersionStatus
from alarfund.plans.services import current_version, plan_compute, plan_freeze
from tests.plans.conftest import pdf_upload

pytestmark = pytest.mark.django_db
D = dt.date
RUSH = D(2025, 3, 27)


@pytest.fixture
def notice(officer, frozen) -> Notice:
    return notice_publish(by=officer, version=frozen, starts_on=RUSH, today=RUSH)


def _file(notice, *, today=RUSH, address="198.51.100.7", upload=None, **fields):
    values = {
        "name": "张三",
        "contact": "13912345678",
        "application_id": notice.content[0]["application"],
        "text": "该企业快递单号存在重复。",
        **fields,
    }
    return objection_file(notice=notice, upload=upload, client_address=address, today=today, **values)


def test_filed_objection_has_an_unguessable_code_and_encrypted_personal_data(notice, documents_dir):
    objection = _file(notice, upload=pdf_upload("证据.pdf"))
    assert len(objection.tracking_code) == 12 and set(objection.tracking_code) <= set(CODE_ALPHABET)
    assert objection.status == ObjectionStatus.OPEN and objection.enterprise_name == notice.content[0]["name"]
    assert objection.has_attachment and objection.attachment_kind == "pdf"
    assert (documents_dir / objection.attachment_stored_name).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, contact FROM notices_objection WHERE id = %s", [objection.pk.hex])
        row = cursor.fetchone() or [None, None]
    if row[0] is None:  # PostgreSQL stores UUIDs natively
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, contact FROM notices_objection WHERE id = %s", [str(objection.pk)])
            row = cursor.fetchone()
    assert "张三" not in row[0] and "13912345678" not in row[1]
    event = AuditEvent.objects.get(action="objection.file")
    assert event.actor_role == "anonymous" and "13912345678" not in str(event.details)
    assert objection_lookup(objection.tracking_code.lower()) == objection
    assert objection_lookup("-".join(re.findall(".{4}", objection.tracking_code))) == objection
    assert objection_lookup("AAAA") is None


def test_bad_fields_and_attachments_are_refused_with_reasons(notice, documents_dir):
    with pytest.raises(ValidationError) as bad:
        _file(
            notice, name="", contact="nobody", application_id="00000000-0000-0000-0000-000000000000", text=""
        )
    assert set(bad.value.message_dict) == {"name", "contact", "application", "text"}
    html = SimpleUploadedFile("evidence.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    with pytest.raises(ValidationError) as forbidden:
        _file(notice, upload=html)
    assert "attachment" in forbidden.value.message_dict
    xlsx = SimpleUploadedFile("list.xlsx", b"PK\x03\x04" + b"\0" * 100, "application/vnd.ms-excel")
    with pytest.raises(ValidationError):
        _file(notice, upload=xlsx)
    with override_settings(ALARFUND_OBJECTION_MAX_BYTES=100):
        with pytest.raises(ValidationError) as big:
            _file(notice, upload=pdf_upload())
    assert "100" in big.value.message_dict["attachment"][0]
    assert (not Objection.objects.exists() and not any(documents_dir.rglob("*"))) or not any(
        p.is_file() for p in documents_dir.rglob("*")
    )
    # The whole list (no enterprise) is a valid subject.
    assert _file(notice, application_id="").application_id is None


def test_after_the_period_or_once_closed_objections_are_refused(notice):
    assert _file(notice, today=D(2025, 4, 3))  # the 5th working day: still accepted
    with pytest.raises(OutOfSequence) as late:
        _file(notice, today=D(2025, 4, 4))
    assert "2025-04-03" in str(late.value)


def test_dismissal_needs_a_reason_and_the_lookup_shows_only_status_and_finding(officer, notice, make_user):
    objection = _file(notice)
    with pytest.raises(ValidationError):
        objection_decide(by=officer, objection=objection, outcome=ObjectionStatus.DISMISSED, finding=" ")
    from alarfund.accounts.permissions import Refused

    with pytest.raises(Refused):
        objection_decide(
            by=make_user(Role.ASSOCIATION_REVIEWER), objection=objection, outcome="dismissed", finding="x"
        )
    decided = objection_decide(
        by=officer, objection=objection, outcome=ObjectionStatus.DISMISSED, finding="经核查，单号无重复。"
    )
    assert decided.status == ObjectionStatus.DISMISSED and decided.decided_by == officer
    with pytest.raises(OutOfSequence):
        objection_decide(by=officer, objection=objection, outcome=ObjectionStatus.UPHELD, finding="again")
    response = Client().post(reverse("notices:lookup"), {"code": objection.tracking_code})
    body = response.content.decode()
    assert response.status_code == 200 and "经核查，单号无重复。" in body
    assert "张三" not in body and "13912345678" not in body
    assert Client().post(reverse("notices:lookup"), {"code": "ZZZZZZZZZZZZ"}).status_code == 404


def test_upheld_objection_reopens_the_application_withdraws_the_notice_and_reissues(
    officer, frozen, notice, client_as
):
    objection = _file(notice)
    application = Application.objects.get(pk=objection.application_id)
    assert application.status == ApplicationStatus.READY
    objection_decide(
        by=officer, objection=objection, outcome=ObjectionStatus.UPHELD, finding="快递单号重复属实。"
    )
    application.refresh_from_db()
    notice.refresh_from_db()
    frozen.refresh_from_db()
    assert application.status == ApplicationStatus.AUDITED
    assert notice.status == NoticeStatus.WITHDRAWN and "快递单号重复属实" in notice.withdrawal_reason
    assert frozen.status == VersionStatus.SUPERSEDED
    draft = current_version(frozen.round)
    assert draft.status == VersionStatus.DRAFT and "快递单号重复属实" in draft.reason
    assert str(application.pk) not in draft.sources  # out of the plan until the bureau decides again
    # The bureau re-examines (final figures, departments) and marks the application ready again.
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.READY)
    draft = plan_compute(by=officer, version=draft)
    draft = plan_freeze(by=officer, version=draft, lock=draft.lock)
    reissued = notice_publish(by=officer, version=draft, starts_on=D(2025, 4, 7), today=D(2025, 4, 7))
    assert reissued.reissue_of == notice
    body = Client().get(reverse("notices:public_detail", args=[reissued.pk])).content.decode()
    assert "重新公示" in body
    old = Client().get(reverse("notices:public_detail", args=[notice.pk])).content.decode()
    assert notice.content[0]["name"] not in old  # the withdrawn list is no longer displayed
    assert PlanVersion.objects.filter(round=frozen.round).count() == 2


def test_the_enterprise_hears_that_an_upheld_objection_reopened_its_application(
    officer, frozen, notice, make_user, django_capture_on_commit_callbacks
):
    from alarfund.notifications.models import Kind, Notification

    objection = _file(notice)
    application = Application.objects.get(pk=objection.application_id)
    member = make_user(Role.APPLICANT, organisation=application.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        objection_decide(
            by=officer, objection=objection, outcome=ObjectionStatus.UPHELD, finding="快递单号重复属实。"
        )
    sent = Notification.objects.get(kind=Kind.REOPENED, recipient=member)
    assert sent.application_id == application.pk
    from alarfund.notifications.texts import render

    assert "快递单号重复属实" in render(sent).body
    assert not Notification.objects.filter(kind=Kind.REOPENED).exclude(
        recipient__organisation=application.organisation
    )


def test_objection_form_page_throttles_a_flood_from_one_address(known_today, officer, frozen):
    notice = notice_publish(by=officer, version=frozen, starts_on=known_today)
    url = reverse("notices:object", args=[notice.pk])
    data = {"name": "李四", "contact": "lisi@example.com", "application": "", "text": "请核实。"}
    client = Client()
    with override_settings(ALARFUND_OBJECTIONS_PER_HOUR=2):
        for _ in range(2):
            response = client.post(url, data, REMOTE_ADDR="203.0.113.9")
            assert response.status_code == 200
            assert re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", response.content.decode())
        flooded = client.post(url, data, REMOTE_ADDR="203.0.113.9")
        assert flooded.status_code == 429 and "稍后" in flooded.content.decode()
        assert client.post(url, data, REMOTE_ADDR="203.0.113.10").status_code == 200
    assert Objection.objects.count() == 3
    assert AuditEvent.objects.filter(action="objection.throttled").count() == 1


def test_objection_form_needs_csrf_and_says_what_is_wrong(known_today, officer, frozen):
    notice = notice_publish(by=officer, version=frozen, starts_on=known_today)
    url = reverse("notices:object", args=[notice.pk])
    client = Client(enforce_csrf_checks=True)
    data = {"name": "李四", "contact": "x", "application": "", "text": "请核实。"}
    assert client.post(url, data).status_code == 403
    page = client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 400 and "电话" in response.content.decode()
    assert not Objection.objects.exists()


def test_the_bureau_reads_an_objection_with_its_personal_data_audited(client_as, notice, documents_dir):
    objection = _file(notice, upload=pdf_upload("证据.pdf"))
    officer_client, _officer = client_as(Role.BUREAU_OFFICER)
    page = officer_client.get(reverse("notices:objection", args=[objection.pk]))
    assert page.status_code == 200 and "13912345678" in page.content.decode()
    assert AuditEvent.objects.filter(action="objection.view").count() == 1
    download = officer_client.get(reverse("notices:objection_attachment", args=[objection.pk]))
    assert download.status_code == 200 and download["Cache-Control"].startswith("no-store")
    for role in (Role.APPLICANT, Role.BUREAU_APPROVER, Role.ADMINISTRATOR):
        client, _user = client_as(role)
        assert client.get(reverse("notices:objection", args=[objection.pk])).status_code == 403
        assert client.get(reverse("notices:objection_attachment", args=[objection.pk])).status_code == 403
    response = officer_client.post(
        reverse("notices:objection", args=[objection.pk]), {"outcome": "dismissed", "finding": ""}
    )
    assert response.status_code == 400
    response = officer_client.post(
        reverse("notices:objection", args=[objection.pk]), {"outcome": "dismissed", "finding": "不成立"}
    )
    assert response.status_code == 302
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.DISMISSED


def test_retention_empties_the_objectors_personal_data_after_the_notice(officer, notice):
    from django.utils import timezone

    from alarfund.audit.services import Actor
    from alarfund.notices import retention
    from alarfund.notices.services import notice_close

    objection = _file(notice)
    objection_decide(by=officer, objection=objection, outcome=ObjectionStatus.DISMISSED, finding="不成立")
    notice = notice_close(by=officer, notice=notice, lock=notice.lock, today=D(2025, 4, 4))
    now = timezone.now()
    assert retention.expired_objection_ids(now, days=365) == []
    later = now + dt.timedelta(days=366)
    assert retention.expired_objection_ids(later, days=365) == [objection.pk]
    retention.anonymise(objection.pk, now=later, actor=Actor(username="retention-job", role="system"))
    objection.refresh_from_db()
    assert objection.name == "" and objection.contact == "" and objection.finding == "不成立"
    assert retention.expired_objection_ids(later, days=365) == []
    assert AuditEvent.objects.filter(
        object_type="objection", object_id=str(objection.pk), action__contains="anonymise"
    ).exists()
