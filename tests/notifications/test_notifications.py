"""Notifications to whoever must act next: after the commit only, each delivery logged, e-mail
switchable per user; the inbox. Only the e-mail outbox is mocked (Django's locmem backend)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse

from alarfund.accounts.choices import Role
from alarfund.applications.models import ApplicationStatus as S
from alarfund.audit.models import AuditEvent
from alarfund.notifications.models import Delivery, Notification, Preference
from alarfund.notifications.services import preference_set
from alarfund.review.services import opinion_give, review_decide
from tests.conftest import sign_in
from tests.review.helpers import material_marks, walk

pytestmark = pytest.mark.django_db


def return_first(staff, app):
    marks = [
        *material_marks(app),
        {"kind": "figure", "code": "parcels", "verdict": "needs_supplement", "reason": "与快递单号明细不符"},
    ]
    return review_decide(by=staff.association, application=app, decision="return", marks=marks)


def test_returned_for_supplement_notifies_the_applicant_after_commit(
    staff, applicant, round_, make_user, django_capture_on_commit_callbacks
):
    colleague = make_user(Role.APPLICANT, organisation=applicant.organisation, email="li@example.cn")
    applicant.email = "wang@example.cn"
    applicant.save()
    app = walk(staff, applicant, round_, "submitted")
    Notification.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        return_first(staff, app)
    # Nothing is sent before the commit.
    assert Notification.objects.count() == 0 and mail.outbox == []
    for callback in callbacks:
        callback()
    notices = Notification.objects.filter(kind="supplement_requested")
    assert {n.recipient for n in notices} == {applicant, colleague}
    assert sorted(m.to[0] for m in mail.outbox) == ["li@example.cn", "wang@example.cn"]
    message = mail.outbox[0]
    assert "与快递单号明细不符" in message.body and "returned for supplement" in message.subject
    assert "补正" in message.subject  # Chinese first, then English
    for notice in notices:
        channels = dict(Delivery.objects.filter(notification=notice).values_list("channel", "status"))
        assert channels == {"in_app": "delivered", "email": "sent"}
    assert notices.first().url == reverse("applications:detail", args=[app.pk])


def test_email_links_use_the_configured_base_url(
    staff, applicant, round_, settings, django_capture_on_commit_callbacks
):
    applicant.email = "wang@example.cn"
    applicant.save()
    app = walk(staff, applicant, round_, "submitted")
    mail.outbox.clear()
    settings.ALARFUND_BASE_URL = "https://fund.example.gov.cn/"
    with django_capture_on_commit_callbacks(execute=True):
        return_first(staff, app)
    link = "https://fund.example.gov.cn" + reverse("applications:detail", args=[app.pk])
    assert mail.outbox and all(link in m.body for m in mail.outbox)


def test_nothing_is_sent_when_the_change_rolls_back(
    staff, applicant, round_, django_capture_on_commit_callbacks
):
    app = walk(staff, applicant, round_, "submitted")
    Notification.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            return_first(staff, app)
            raise RuntimeError("something failed after the change")
    assert callbacks == []
    assert Notification.objects.count() == 0 and Delivery.objects.count() == 0 and mail.outbox == []
    app.refresh_from_db()
    assert app.status == S.SUBMITTED


def test_the_per_user_switch_and_missing_addresses_are_respected_and_logged(
    staff, applicant, round_, make_user, django_capture_on_commit_callbacks
):
    applicant.email = "wang@example.cn"
    applicant.save()
    preference_set(by=applicant, email_enabled=False)
    assert AuditEvent.objects.filter(action="notifications.preference").exists()
    no_address = make_user(Role.APPLICANT, organisation=applicant.organisation)
    app = walk(staff, applicant, round_, "submitted")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        return_first(staff, app)
    assert mail.outbox == []
    email = dict(
        Delivery.objects.filter(channel="email", notification__kind="supplement_requested").values_list(
            "notification__recipient", "detail"
        )
    )
    assert email == {applicant.pk: "preference_off", no_address.pk: "no_address"}
    assert Notification.objects.filter(
        kind="supplement_requested", recipient=applicant
    ).exists()  # in-app stays


def test_opinion_requested_goes_to_the_department_officers(
    staff, applicant, round_, django_capture_on_commit_callbacks
):
    for officer in staff.departments:
        officer.email = f"{officer.department}@example.cn"
        officer.save()
    app = walk(staff, applicant, round_, "bureau_accepted")
    from tests.review.helpers import audit

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        audit(staff.auditor, app)
    recipients = set(
        Notification.objects.filter(kind="opinion_requested").values_list("recipient", flat=True)
    )
    assert recipients == {o.pk for o in staff.departments}
    assert len(mail.outbox) == 3
    # An objection goes to the bureau at once.
    with django_capture_on_commit_callbacks(execute=True):
        opinion_give(by=staff.tax, application=app, verdict="objection", reason="欠税")
    notice = Notification.objects.get(kind="opinion_given")
    assert notice.recipient == staff.officer and notice.params["verdict"] == "objection"
    assert notice.url == reverse("review:application", args=[app.pk])


def test_decision_made_goes_to_the_applicant(staff, applicant, round_, django_capture_on_commit_callbacks):
    app = walk(staff, applicant, round_, "association_accepted")
    with django_capture_on_commit_callbacks(execute=True):
        review_decide(
            by=staff.officer, application=app, decision="reject", reason="同一年度已享受四上企业奖励"
        )
    notice = Notification.objects.get(kind="decision_made", recipient=applicant)
    assert notice.params["status"] == "rejected" and "四上" in notice.params["note"]


def test_submission_asks_the_association(staff, applicant, round_, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        walk(staff, applicant, round_, "submitted")
    assert Notification.objects.filter(kind="review_requested", recipient=staff.association).exists()
    assert not Notification.objects.filter(kind="review_requested", recipient=staff.officer).exists()


def test_a_failing_mail_server_is_logged_and_breaks_nothing(
    staff, applicant, round_, settings, django_capture_on_commit_callbacks
):
    applicant.email = "wang@example.cn"
    applicant.save()
    app = walk(staff, applicant, round_, "submitted")
    settings.EMAIL_BACKEND = "tests.notifications.failing.Backend"
    with django_capture_on_commit_callbacks(execute=True):
        return_first(staff, app)
    delivery = Delivery.objects.get(channel="email", notification__recipient=applicant)
    assert delivery.status == "failed" and delivery.detail == "ConnectionRefusedError"
    app.refresh_from_db()
    assert app.status == S.RETURNED


def test_the_inbox_open_and_preferences(
    staff, applicant, round_, make_user, django_capture_on_commit_callbacks
):
    app = walk(staff, applicant, round_, "submitted")
    with django_capture_on_commit_callbacks(execute=True):
        return_first(staff, app)
    client = sign_in(Client(), applicant)
    body = client.get(reverse("notifications:inbox")).content.decode()
    assert "与快递单号明细不符" in body
    assert client.get(reverse("web:dashboard")).content.decode().count('class="badge count"') == 1
    notice = Notification.objects.get(recipient=applicant)
    response = client.post(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "applications:detail", args=[app.pk]
    )
    notice.refresh_from_db()
    assert notice.read_at is not None
    # Someone else's notification: not found.
    other = sign_in(Client(), make_user(Role.APPLICANT))
    assert other.post(reverse("notifications:open", args=[notice.pk])).status_code == 404
    response = client.post(reverse("notifications:preferences"), {})
    assert response.status_code == 302
    assert Preference.objects.get(user=applicant).email_enabled is False
    client.post(reverse("notifications:preferences"), {"email_enabled": "on"})
    assert Preference.objects.get(user=applicant).email_enabled is True
    assert client.post(reverse("notifications:read_all")).status_code == 302
    assert Client().get(reverse("notifications:inbox")).status_code == 302  # anonymous: sign in first
