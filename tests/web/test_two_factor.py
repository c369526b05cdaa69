"""Staff must pass TOTP before any staff page; codes are single-use; enrolment and its limits."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from alarfund.accounts.choices import Role
from alarfund.accounts.middleware import OTP_PENDING_OPEN
from alarfund.audit.models import AuditEvent
from tests.conftest import MODEL_BACKEND, PASSWORD, STAFF, current_code, sign_in, totp_device


def all_url_names() -> list[tuple[str, dict[str, object]]]:
    """Every named route, with a UUID for each parameter."""
    found: list[tuple[str, dict[str, object]]] = []

    def walk(patterns: list, namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                kwargs = {name: uuid.uuid4() for name in pattern.pattern.converters}
                found.append((namespace + pattern.name, kwargs))

    walk(get_resolver().url_patterns)
    return found


@pytest.mark.parametrize("role", STAFF)
def test_staff_with_password_only_reach_no_staff_page(client_as, role: Role) -> None:
    client, _user = client_as(role, verified=False)
    totp_device(_user)
    for name, kwargs in all_url_names():
        if name in OTP_PENDING_OPEN:
            continue
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:otp_verify")), name


def test_applicants_do_not_need_totp(client_as) -> None:
    client, _user = client_as(Role.APPLICANT, verified=False)
    assert client.get(reverse("accounts:organisation")).status_code == 200


def _password_login(client: Client, username: str) -> None:
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def test_totp_step_then_staff_pages_and_replay_rejected(make_user) -> None:
    officer = make_user(Role.BUREAU_OFFICER)
    device = totp_device(officer)
    client = Client()
    _password_login(client, officer.username)
    assert client.get(reverse("web:review_second"))["Location"].startswith(reverse("accounts:otp_verify"))

    code = current_code(device)
    before = client.session.session_key
    response = client.post(reverse("accounts:otp_verify") + "?next=/review/second/", {"token": code})
    assert response.status_code == 302 and response["Location"] == "/review/second/"
    assert client.session.session_key != before  # elevated session gets a new id
    assert client.get(reverse("web:review_second")).status_code == 200

    # The same code, in another session within its validity: refused.
    other = Client()
    _password_login(other, officer.username)
    response = other.post(reverse("accounts:otp_verify"), {"token": code})
    assert response.status_code == 200
    assert "已被使用" in response.content.decode() or "already been used" in response.content.decode()
    assert other.get(reverse("web:review_second")).status_code == 302
    results = list(AuditEvent.objects.filter(action="otp.verify").values_list("result", flat=True))
    assert results == ["success", "failure"]


def test_wrong_code_is_refused_in_english(make_user) -> None:
    officer = make_user(Role.FINANCE_OFFICER)
    totp_device(officer)
    client = Client()
    client.cookies["alarfund_language"] = "en"
    _password_login(client, officer.username)
    response = client.post(reverse("accounts:otp_verify"), {"token": "12345"})
    assert "Enter the 6 digits shown by the authenticator app." in response.content.decode()
    wrong = "000000" if current_code(totp_device(officer)) != "000000" else "111111"
    response = client.post(reverse("accounts:otp_verify"), {"token": wrong})
    assert "This code is not valid, or it has already been used." in response.content.decode()


def test_enrolment_on_first_sign_in(make_user) -> None:
    auditor = make_user(Role.AUDITOR)
    client = Client()
    _password_login(client, auditor.username)
    response = client.get(reverse("accounts:otp_verify"))
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=auditor, confirmed=False)
    response = client.post(reverse("accounts:otp_setup"), {"token": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("web:audit_work")).status_code == 200


def test_a_confirmed_authenticator_cannot_be_replaced_with_password_only(make_user) -> None:
    officer = make_user(Role.BUREAU_APPROVER)
    device = totp_device(officer)
    client = Client()
    _password_login(client, officer.username)
    response = client.get(reverse("accounts:otp_setup"))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert TOTPDevice.objects.filter(user=officer).count() == 1
    assert TOTPDevice.objects.get(user=officer).key == device.key


def test_force_login_without_device_cannot_skip(make_user) -> None:
    officer = make_user(Role.ADMINISTRATOR)
    client = Client()
    client.force_login(officer, backend=MODEL_BACKEND)
    assert client.get(reverse("accounts:users"))["Location"].startswith(reverse("accounts:otp_verify"))
    sign_in(client, officer)
    assert client.get(reverse("accounts:users")).status_code == 200
