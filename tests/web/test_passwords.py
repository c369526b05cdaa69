"""Argon2 hashing and the password rules (length, common list, numeric, staff complexity)."""

from __future__ import annotations

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import override_settings

from alarfund.accounts.choices import Role
from alarfund.accounts.models import User
from alarfund.config.settings import base


def test_argon2_is_the_production_hasher() -> None:
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.django_db
def test_passwords_are_stored_with_argon2(make_user) -> None:
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        user = make_user(Role.APPLICANT, password="Tarim-River-2025")
        assert user.password.startswith("argon2$argon2id$")
        assert User.objects.get(pk=user.pk).check_password("Tarim-River-2025")


def _problems(password: str, role: str) -> list[str]:
    try:
        password_validation.validate_password(password, User(username="someone", role=role))
    except ValidationError as exc:
        return [e.code for e in exc.error_list]
    return []


@pytest.mark.parametrize(
    ("password", "role", "codes"),
    [
        ("Short-Pw1!", Role.APPLICANT, ["password_too_short"]),
        ("password1234", Role.APPLICANT, ["password_too_common"]),
        ("384729103847", Role.APPLICANT, ["password_entirely_numeric"]),
        ("desert poplar trees", Role.APPLICANT, []),  # applicants: no composition rule
        ("desert poplar trees", Role.BUREAU_OFFICER, ["password_too_simple"]),  # staff: 等保 complexity
        ("Desert-poplar-trees", Role.BUREAU_OFFICER, []),
        ("someone12345", Role.APPLICANT, ["password_too_similar"]),
    ],
)
def test_password_rules(password: str, role: str, codes: list[str]) -> None:
    assert _problems(password, role) == codes
