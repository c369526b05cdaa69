"""Shared fixtures for every test package: organisations, users of every role, and signed-in clients (staff past TOTP)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from alarfund.accounts.choices import Department, Jurisdiction, OrganisationType, Role
from alarfund.accounts.models import Organisation, User
from alarfund.accounts.uscc import make_uscc

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
PASSWORD = "Correct-Horse-42!"


def _uscc(n: int) -> str:
    return make_uscc(authority_and_type="91", region="659002", org_body=f"MA{n:06d}")


@pytest.fixture
def make_org(db: Any) -> Callable[..., Organisation]:
    counter = iter(range(1, 10_000))

    def make(**fields: Any) -> Organisation:
        n = next(counter)
        defaults = {
            "uscc": _uscc(n),
            "name": f"阿拉尔市测试电子商务有限公司{n}",
            "org_type": OrganisationType.ENTERPRISE,
            "jurisdiction": Jurisdiction.ALAR_CITY,
            "legal_representative": "王测试",
            "contact_name": "李测试",
            "contact_phone": "13999700000",
            "bank_name": "中国农业银行阿拉尔分行",
            "bank_account": "6228480123456789012",
        }
        return Organisation.objects.create(**{**defaults, **fields})

    return make


@pytest.fixture
def make_user(db: Any, make_org: Callable[..., Organisation]) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(role: str = Role.APPLICANT, **fields: Any) -> User:
        n = next(counter)
        fields.setdefault("username", f"{role}-{n}")
        fields.setdefault("full_name", f"测试用户{n}")
        if role == Role.APPLICANT:
            fields.setdefault("organisation", make_org())
        if role == Role.DEPARTMENT_OFFICER:
            fields.setdefault("department", Department.STATISTICS)
        password = fields.pop("password", PASSWORD)
        user = User(role=role, **fields)
        user.set_password(password)
        user.save()
        return user

    return make


def totp_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def current_code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():06d}"


def sign_in(client: Client, user: User, *, verified: bool = True) -> Client:
    """Signed in as ``user``; staff also past the TOTP step unless ``verified=False``."""
    client.force_login(user, backend=MODEL_BACKEND)
    if verified and user.is_staff_role:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()
    return client


@pytest.fixture
def client_as(make_user: Callable[..., User]) -> Callable[..., tuple[Client, User]]:
    def make(role: str, *, verified: bool = True, **fields: Any) -> tuple[Client, User]:
        user = make_user(role, **fields)
        return sign_in(Client(), user, verified=verified), user

    return make


ALL_ROLES = list(Role)
STAFF = [role for role in Role if role != Role.APPLICANT]


@pytest.fixture(autouse=True)
def documents_dir(tmp_path: Any, settings: Any) -> Any:
    """Every test gets its own private documents folder (uploads never land in ./var)."""
    folder = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "file_permissions_mode": 0o600},
        },
    }
    return folder
