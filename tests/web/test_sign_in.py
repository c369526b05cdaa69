"""Sign-in, throttling, session rotation, sign-out replay, disabled accounts, timeouts, bootstrap."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from alarfund.accounts.choices import Role
from alarfund.accounts.models import User
from alarfund.accounts.services import user_set_active
from alarfund.accounts.signals import SESSION_LOGIN_AT, SESSION_SEEN_AT
from alarfund.audit.models import AuditEvent
from tests.conftest import PASSWORD, current_code, sign_in, totp_device

LOGIN = "/accounts/login/"
SAME_MESSAGE_ZH = "用户名或密码不正确。"


def post_login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_sign_in_rotates_the_session_id(make_user) -> None:
    user = make_user(Role.APPLICANT)
    client = Client()
    client.get(LOGIN)
    session = client.session
    session["probe"] = 1
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = post_login(client, user.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("web:dashboard")
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert before != after
    assert client.get(reverse("web:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", result="success", actor_id=user.pk).exists()


def test_unknown_user_and_wrong_password_get_the_same_message(make_user) -> None:
    user = make_user(Role.APPLICANT)
    wrong = post_login(Client(), user.username, "not-the-password")
    unknown = post_login(Client(), "nobody-here", "not-the-password")
    disabled_user = make_user(Role.APPLICANT, is_active=False)
    disabled = post_login(Client(), disabled_user.username, PASSWORD)
    for response in (wrong, unknown, disabled):
        assert response.status_code == 200
        assert SAME_MESSAGE_ZH in response.content.decode()
    failures = AuditEvent.objects.filter(action="auth.login", result="failure")
    assert {e.actor_username for e in failures} >= {user.username, "nobody-here"}
    assert all("not-the-password" not in str(e.details) for e in failures)


@pytest.mark.parametrize("username_exists", [True, False])
def test_throttled_after_five_failures_even_across_addresses(make_user, username_exists: bool) -> None:
    user = make_user(Role.APPLICANT)
    username = user.username if username_exists else "ghost-user"
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = post_login(Client(), username, "wrong-password", ip=f"10.0.1.{attempt + 1}")
        assert response.status_code == 200
    # The fifth failure locks the user name, whatever the address.
    response = post_login(Client(), username, "wrong-password", ip="10.0.2.1")
    assert response.status_code == 429
    # Sixth try, from yet another address, with the right password: still locked.
    locked = post_login(Client(), username, PASSWORD, ip="10.0.9.9")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()


def test_locked_message_in_english(make_user) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(Client(), "ghost", "wrong")
    client = Client()
    client.cookies["alarfund_language"] = "en"
    response = post_login(client, "ghost", "wrong")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts." in response.content.decode()


def test_sign_out_flushes_the_session_and_replay_is_anonymous(make_user) -> None:
    user = make_user(Role.APPLICANT)
    client = Client()
    post_login(client, user.username, PASSWORD)
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("accounts:organisation")).status_code == 200
    assert client.get(reverse("accounts:logout")).status_code == 405  # sign-out is POST only
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    response = replay.get(reverse("accounts:organisation"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(action="auth.logout", actor_id=user.pk).exists()


def test_disabled_account_loses_its_live_session(make_user, client_as) -> None:
    admin_client, _admin = client_as(Role.ADMINISTRATOR)
    reviewer = make_user(Role.ASSOCIATION_REVIEWER)
    client = sign_in(Client(), reviewer)
    assert client.get(reverse("web:review_first")).status_code == 200
    response = admin_client.post(reverse("accounts:user_set_active", args=[reviewer.pk]), {"active": "0"})
    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert not reviewer.is_active
    response = client.get(reverse("web:review_first"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(action="user.disable", object_id=str(reviewer.pk)).exists()


def test_administrator_cannot_disable_self(make_user) -> None:
    admin = make_user(Role.ADMINISTRATOR)
    with translation.override("en"), pytest.raises(ValidationError, match="own account"):
        user_set_active(by=admin, user=admin, active=False)


def _age_session(client: Client, *, login_ago: float, seen_ago: float) -> None:
    session = client.session
    now = time.time()
    session[SESSION_LOGIN_AT] = now - login_ago
    session[SESSION_SEEN_AT] = now - seen_ago
    session.save()


def test_idle_timeout(make_user) -> None:
    user = make_user(Role.APPLICANT)
    client = Client()
    post_login(client, user.username, PASSWORD)
    _age_session(client, login_ago=35 * 60, seen_ago=29 * 60)
    assert client.get(reverse("accounts:organisation")).status_code == 200  # activity renews
    _age_session(client, login_ago=70 * 60, seen_ago=31 * 60)
    response = client.get(reverse("accounts:organisation"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get(reverse("accounts:organisation")).status_code == 302  # stays signed out


def test_absolute_lifetime(make_user) -> None:
    user = make_user(Role.APPLICANT)
    client = Client()
    post_login(client, user.username, PASSWORD)
    _age_session(client, login_ago=12 * 3600 + 5, seen_ago=10)
    response = client.get(reverse("accounts:organisation"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_session_cookie_and_server_expiry_settings() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_bootstrap_account_must_change_password_then_enrol(db) -> None:
    """``createsuperuser`` makes an administrator who must change the password at first sign-in."""
    User.objects.create_superuser("bootstrap", password="Initial-Passw0rd!", full_name="初始管理员")
    admin = User.objects.get(username="bootstrap")
    assert admin.role == Role.ADMINISTRATOR and admin.must_change_password
    client = Client()
    post_login(client, "bootstrap", "Initial-Passw0rd!")
    for name in ("web:dashboard", "accounts:users", "accounts:otp_verify"):
        response = client.get(reverse(name))
        assert response["Location"].startswith(reverse("accounts:password_change")), name
    # The same password again is refused, as is a simple one (staff complexity).
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "Initial-Passw0rd!",
            "new_password1": "Initial-Passw0rd!",
            "new_password2": "Initial-Passw0rd!",
        },
    )
    assert response.status_code == 200
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "Initial-Passw0rd!",
            "new_password1": "onlylowercaseletters",
            "new_password2": "onlylowercaseletters",
        },
    )
    assert response.status_code == 200 and "至少三种" in response.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "Initial-Passw0rd!",
            "new_password1": "Tarim-River-2025",
            "new_password2": "Tarim-River-2025",
        },
    )
    assert response.status_code == 302
    admin.refresh_from_db()
    assert not admin.must_change_password
    # Next: the two-factor enrolment, and only then the staff pages.
    assert client.get(reverse("accounts:users"))["Location"].startswith(reverse("accounts:otp_verify"))
    client.get(reverse("accounts:otp_setup"))
    device = admin.totpdevice_set.get()
    client.post(reverse("accounts:otp_setup"), {"token": current_code(device)})
    assert client.get(reverse("accounts:users")).status_code == 200


def test_password_change_ends_other_sessions(make_user) -> None:
    officer = make_user(Role.BUREAU_OFFICER)
    device = totp_device(officer)
    first, second = sign_in(Client(), officer), sign_in(Client(), officer)
    assert second.get(reverse("web:review_second")).status_code == 200
    response = first.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Kunlun-Peak-7788", "new_password2": "Kunlun-Peak-7788"},
    )
    assert response.status_code == 302
    assert first.get(reverse("web:review_second")).status_code == 200
    assert second.get(reverse("web:review_second"))["Location"].startswith(LOGIN)
    assert device.pk
