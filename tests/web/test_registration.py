"""Self-registration of an organisation and its first user: success, and every bad input refused
clearly in the reader's language with nothing half-created."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from alarfund.accounts.choices import Jurisdiction, OrganisationType, Role
from alarfund.accounts.models import Organisation, User
from alarfund.accounts.uscc import make_uscc
from alarfund.audit.models import AuditEvent

GOOD_USCC = make_uscc(authority_and_type="91", region="659002", org_body="MA7K3Q2B")
URL = "/accounts/register/"


def form(**overrides: Any) -> dict[str, str]:
    data = {
        "uscc": GOOD_USCC,
        "name": "阿拉尔市胡杨林电子商务有限公司",
        "org_type": OrganisationType.ENTERPRISE,
        "jurisdiction": Jurisdiction.REGIMENT_12,
        "legal_representative": "古丽娜尔",
        "representative_id_number": "659002198506222443",
        "contact_name": "马晓东",
        "contact_phone": "139 9700 1234",
        "bank_name": "中国农业银行阿拉尔分行",
        "bank_account": "6228 4801 2345 6789 012",
        "full_name": "马晓东",
        "username": "huyanglin",
        "email": "",
        "phone": "",
        "password": "Populus-Euphratica-88",
        "password_again": "Populus-Euphratica-88",
    }
    data.update(overrides)
    return data


def counts() -> tuple[int, int]:
    return Organisation.objects.count(), User.objects.count()


@pytest.mark.django_db
def test_registration_creates_organisation_user_and_audit_and_signs_in() -> None:
    client = Client()
    assert client.get(URL).status_code == 200
    response = client.post(URL, form())
    assert response.status_code == 302 and response["Location"] == reverse("web:dashboard")
    organisation = Organisation.objects.get()
    user = User.objects.get()
    assert organisation.uscc == GOOD_USCC
    assert organisation.contact_phone == "13997001234"
    assert organisation.bank_account == "6228480123456789012"
    assert user.organisation == organisation and user.role == Role.APPLICANT
    assert not user.must_change_password
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"organisation.register", "user.create", "auth.login"} <= actions
    page = client.get(reverse("accounts:organisation")).content.decode()
    assert "***************9012" in page and "6228480123456789012" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("uscc", "zh", "en"),
    [
        ("91659002MA7K3Q2", "恰好18位", "exactly 18 characters"),
        (GOOD_USCC[:-1] + ("0" if GOOD_USCC[-1] != "0" else "1"), "校验位", "check digit"),
        ("91ABCDEFMA7K3Q2B1X", "区划码", "region code"),
        ("91659002MA7K3O2B1X", "不含I、O、S、V、Z", "no I, O, S, V or Z"),
    ],
)
def test_invalid_code_refused_in_both_languages(uscc: str, zh: str, en: str) -> None:
    response = Client().post(URL, form(uscc=uscc))
    assert response.status_code == 200 and zh in response.content.decode()
    english = Client()
    english.cookies["alarfund_language"] = "en"
    response = english.post(URL, form(uscc=uscc))
    assert en in response.content.decode()
    assert counts() == (0, 0)


@pytest.mark.django_db
def test_duplicate_organisation_refused_without_a_new_user() -> None:
    Client().post(URL, form())
    assert counts() == (1, 1)
    response = Client().post(URL, form(username="someone-else"))
    assert response.status_code == 200
    assert "该统一社会信用代码的组织已经注册" in response.content.decode()
    assert counts() == (1, 1)
    # Full-width characters and spaces in the same code are the same organisation.
    spaced = " ".join(GOOD_USCC).translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    response = Client().post(URL, form(uscc=spaced, username="third"))
    assert "该统一社会信用代码的组织已经注册" in response.content.decode()
    assert counts() == (1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "zh"),
    [
        ("Short-1!", "密码长度太短"),  # Django's own translation: too short
        ("password1234", "太常见"),  # common password list
        ("123456789012345", "密码只包含数字"),  # entirely numeric
    ],
)
def test_weak_password_refused_and_nothing_created(password: str, zh: str) -> None:
    response = Client().post(URL, form(password=password, password_again=password))
    assert response.status_code == 200 and zh in response.content.decode()
    assert counts() == (0, 0)


@pytest.mark.django_db
def test_other_bad_inputs() -> None:
    response = Client().post(URL, form(password_again="Something-Else-99"))
    assert "两次输入的密码不一致" in response.content.decode()
    response = Client().post(URL, form(contact_phone="12345"))
    assert "手机号码" in response.content.decode()
    response = Client().post(URL, form(bank_account="abc"))
    assert "银行账号" in response.content.decode()
    response = Client().post(URL, form(org_type="bank"))
    assert response.status_code == 200
    assert counts() == (0, 0)


@pytest.mark.django_db
def test_username_taken_refused() -> None:
    Client().post(URL, form())
    other = make_uscc(authority_and_type="92", region="659002", org_body="L8H2N6P1")
    response = Client().post(URL, form(uscc=other, username="HuYangLin"))
    assert "该用户名已被使用" in response.content.decode()
    assert counts() == (1, 1)


@pytest.mark.django_db
def test_codes_with_letter_authority_are_accepted() -> None:
    """GB 32100-2015 allows letters in characters 1–2 (e.g. N agriculture, Y other): see ADR 0003."""
    code = make_uscc(authority_and_type="N2", region="659002", org_body="MA1234AB")
    response = Client().post(URL, form(uscc=code, org_type=OrganisationType.SERVICE_PROVIDER))
    assert response.status_code == 302
    assert Organisation.objects.get().uscc == code


@pytest.mark.django_db
def test_live_code_check_fragment() -> None:
    client = Client()
    ok = client.post(reverse("accounts:uscc_check"), {"uscc": GOOD_USCC.lower()})
    assert ok.status_code == 200 and "校验位正确" in ok.content.decode()
    bad = client.post(reverse("accounts:uscc_check"), {"uscc": GOOD_USCC[:-1] + "Y"})
    assert "校验位" in bad.content.decode() and "uscc-feedback bad" in bad.content.decode()
    assert counts() == (0, 0)


@pytest.mark.django_db
def test_signed_in_user_is_sent_to_the_dashboard(client_as) -> None:
    client, _user = client_as(Role.APPLICANT)
    assert client.get(URL)["Location"] == reverse("web:dashboard")
