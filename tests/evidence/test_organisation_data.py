"""ID numbers and bank accounts of organisations: encrypted in the database, found by keyed hash, shown
masked, revealed only to allowed roles (audited), never in logs."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from stdnum.cn import ric

from alarfund import sensitive
from alarfund.accounts.choices import Role
from alarfund.accounts.demo import ORGANISATIONS, demo_id_number
from alarfund.accounts.models import Organisation
from alarfund.accounts.selectors import organisations_by_bank_account, organisations_by_id_number
from alarfund.accounts.validators import validate_id_number
from alarfund.audit.models import AuditEvent

from .conftest import jpeg_bytes, pdf_bytes, upload

ID = "659002198506222443"
BANK = "6228480123456789012"
REGISTER = "/accounts/register/"


def with_check(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def registration(**overrides: str) -> dict[str, str]:
    data = {
        "uscc": "91659002MA7K3Q2B1X",
        "name": "阿拉尔市胡杨林电子商务有限公司",
        "org_type": "enterprise",
        "jurisdiction": "regiment_12",
        "legal_representative": "古丽娜尔",
        "representative_id_number": "659002 19850622 2443",
        "contact_name": "马晓东",
        "contact_phone": "13997001234",
        "bank_name": "中国农业银行阿拉尔分行",
        "bank_account": "6228 4801 2345 6789 012",
        "full_name": "马晓东",
        "username": "huyanglin",
        "password": "Populus-Euphratica-88",
        "password_again": "Populus-Euphratica-88",
    }
    from alarfund.accounts.uscc import make_uscc

    data["uscc"] = make_uscc(authority_and_type="91", region="659002", org_body="MA7K3Q2B")
    data.update(overrides)
    return data


def database_dump() -> str:
    """Every row of every table, as the database returns it (what a dump or a stolen backup shows)."""
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            lines.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(lines)


@pytest.mark.django_db
def test_registration_stores_only_ciphertext_and_lookups_work(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    client = Client()
    response = client.post(REGISTER, registration())
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = Organisation.objects.get()
    assert organisation.representative_id_number == ID and organisation.bank_account == BANK
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT representative_id_number, bank_account, representative_id_hash, bank_account_hash "
            "FROM accounts_organisation"
        )
        raw_id, raw_bank, id_hash, bank_hash = cursor.fetchone()
    assert raw_id.startswith("v1:") and raw_bank.startswith("v1:")
    dump = database_dump()
    for plain in (ID, BANK, "6228 4801", "2443", ID[:14]):
        assert plain not in dump
    assert id_hash == sensitive.lookup_hash(ID, kind=sensitive.ID_NUMBER)
    assert list(organisations_by_id_number("659002198506222443")) == [organisation]
    assert list(organisations_by_bank_account("6228 4801 2345 6789 012")) == [organisation]
    assert list(organisations_by_bank_account("6228480123456789013")) == []
    assert bank_hash and list(organisations_by_id_number("")) == []
    # The organisation page shows them masked; the logs never saw them.
    page = client.get(reverse("accounts:organisation")).content.decode()
    assert "659***********2443" in page and ID not in page
    assert "***************9012" in page and BANK not in page
    for plain in (ID, BANK, "6228 4801 2345 6789 012"):
        assert plain not in caplog.text
        assert all(plain not in str(record.args) for record in caplog.records)


@pytest.mark.django_db
def test_equal_values_are_not_equal_ciphertexts(make_org) -> None:
    first, second = make_org(bank_account=BANK), make_org(bank_account=BANK)
    with connection.cursor() as cursor:
        cursor.execute("SELECT bank_account, bank_account_hash FROM accounts_organisation")
        rows = cursor.fetchall()
    assert rows[0][0] != rows[1][0] and rows[0][1] == rows[1][1]
    assert set(organisations_by_bank_account(BANK)) == {first, second}  # duplicates across organisations


@pytest.mark.django_db
def test_querying_the_encrypted_column_is_refused(make_org) -> None:
    make_org()
    with pytest.raises(FieldError):
        list(Organisation.objects.filter(bank_account=BANK))
    assert Organisation.objects.filter(bank_account__isnull=False).count() == 1


@pytest.mark.django_db
def test_partial_save_refreshes_the_hash(make_org) -> None:
    organisation = make_org()
    organisation.representative_id_number = ID
    organisation.save(update_fields=["representative_id_number"])
    assert list(organisations_by_id_number(ID)) == [organisation]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        ("65900219850622244", "18位", "18 characters"),
        ("659002198506222442", "校验位", "check digit"),
        (with_check("65900219851332244"), "出生日期", "date of birth"),
        ("6590021985062224A3", "17位数字", "17 digits"),
        ("", "", "required"),
    ],
)
def test_invalid_id_number_refused_clearly_in_both_languages(value: str, zh: str, en: str) -> None:
    client = Client()
    body = client.post(REGISTER, registration(representative_id_number=value)).content.decode()
    assert zh in body
    client.cookies["alarfund_language"] = "en"
    response = client.post(REGISTER, registration(representative_id_number=value))
    assert en in response.content.decode()
    assert Organisation.objects.count() == 0
    assert "no-store" in response["Cache-Control"]  # the typed numbers are shown back: never cached


def test_id_number_validation_accepts_older_counties_and_normalises() -> None:
    assert validate_id_number("652901198001013570") == "652901198001013570"  # 阿克苏市 before 1983: real
    assert validate_id_number("６５９００２１９７８０３１５１３１７") == "659002197803151317"
    assert validate_id_number("65900219850622244x".replace("4x", "43")) == ID
    for body, code in (
        ("99900219850622244", "id_region"),
        ("65900228500622244", "id_birth_date"),
        ("65900218991231244", "id_birth_date"),
    ):
        with pytest.raises(ValidationError) as caught:
            validate_id_number(with_check(body))
        assert caught.value.code == code


def test_demo_organisations_have_valid_id_numbers() -> None:
    for spec in ORGANISATIONS:
        assert validate_id_number(spec.representative_id_number) == spec.representative_id_number
    assert validate_id_number(demo_id_number("19991231", "001"))


# --- Reveal -----------------------------------------------------------------------------------------


def reveal(client: Client, organisation: Organisation, field: str, **headers: str):
    return client.post(
        reverse("accounts:organisation_reveal", kwargs={"organisation_id": organisation.pk}),
        {"field": field},
        **headers,
    )


@pytest.mark.django_db
def test_owner_reveals_with_htmx_and_it_is_audited(client_as, make_org) -> None:
    organisation = make_org(representative_id_number=ID)
    client, user = client_as(Role.APPLICANT, organisation=organisation)
    page = client.get(reverse("accounts:organisation")).content.decode()
    assert (
        "659***********2443" in page
        and reverse("accounts:organisation_reveal", args=[organisation.pk]) in page
    )
    response = reveal(client, organisation, "id_number", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and ID in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.filter(action="organisation.reveal").latest("seq")
    assert event.actor_id == user.pk and event.details == {"field": "id_number"} and event.result == "success"
    assert ID not in str(event.details)
    plain = reveal(client, organisation, "bank_account")  # without htmx: the whole page
    assert plain.status_code == 200 and BANK in plain.content.decode()


@pytest.mark.django_db
def test_other_organisation_reveal_is_404_and_audited(client_as, make_org) -> None:
    victim = make_org(representative_id_number=ID)
    client, intruder = client_as(Role.APPLICANT)
    response = reveal(client, victim, "id_number")
    assert response.status_code == 404 and ID not in response.content.decode()
    event = AuditEvent.objects.filter(action="organisation.reveal").latest("seq")
    assert event.result == "refused" and event.actor_id == intruder.pk
    assert event.object_id == str(victim.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "id_number", "bank_account"),
    [
        (Role.ASSOCIATION_REVIEWER, 200, 200),
        (Role.BUREAU_OFFICER, 200, 200),
        (Role.BUREAU_APPROVER, 403, 200),
        (Role.FINANCE_OFFICER, 403, 200),
        (Role.ADMINISTRATOR, 403, 403),
        (Role.AUDITOR, 403, 403),
        (Role.DEPARTMENT_OFFICER, 403, 403),
    ],
)
def test_staff_reveal_matrix(client_as, make_org, role, id_number, bank_account) -> None:
    organisation = make_org(representative_id_number=ID)
    client, _staff = client_as(role)
    for field, expected, plain in (("id_number", id_number, ID), ("bank_account", bank_account, BANK)):
        response = reveal(client, organisation, field, HTTP_HX_REQUEST="true")
        assert response.status_code == expected, (role, field)
        assert (plain in response.content.decode()) == (expected == 200)
    if role in (Role.ASSOCIATION_REVIEWER, Role.BUREAU_OFFICER, Role.FINANCE_OFFICER, Role.ADMINISTRATOR):
        page = client.get(reverse("accounts:organisation_detail", args=[organisation.pk])).content.decode()
        assert "659***********2443" in page and ID not in page and BANK not in page


@pytest.mark.django_db
def test_anonymous_reveal_goes_to_sign_in(make_org) -> None:
    organisation = make_org(representative_id_number=ID)
    response = reveal(Client(), organisation, "id_number")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_logs_never_contain_id_or_bank_numbers(client_as, make_org, caplog) -> None:
    """Uploads, refusals, downloads, reveals and a 404 at DEBUG level: no number in any log line."""
    caplog.set_level(logging.DEBUG)
    organisation = make_org(representative_id_number=ID)
    client, user = client_as(Role.APPLICANT, organisation=organisation)
    from alarfund.evidence.services import UploadRefused, document_upload

    version = document_upload(
        actor=user,
        organisation=organisation,
        material_code="id_card",
        files=[upload(f"{ID}.jpg", jpeg_bytes())],
    )
    with pytest.raises(UploadRefused):
        document_upload(
            actor=user,
            organisation=organisation,
            material_code="bank_receipt",
            files=[upload(f"{BANK}.pdf", b"<html>" + BANK.encode())],
        )
    client.get(reverse("evidence:download", args=[version.files.get().pk]))
    reveal(client, organisation, "id_number")
    reveal(client, organisation, "bank_account", HTTP_HX_REQUEST="true")
    intruder, _ = client_as(Role.APPLICANT)
    reveal(intruder, organisation, "id_number")
    document_upload(
        actor=user,
        organisation=organisation,
        material_code="bank_receipt",
        files=[upload("r.pdf", pdf_bytes())],
    )
    text = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert ID not in text and BANK not in text
