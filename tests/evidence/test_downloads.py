"""Downloads: who may open which document, the answer to everyone else, headers, and the audit trail."""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from alarfund.accounts.choices import Role
from alarfund.accounts.permissions import Scope
from alarfund.audit.models import AuditEvent
from alarfund.evidence.access import can_view
from alarfund.evidence.models import Document
from alarfund.evidence.services import document_upload

from .conftest import jpeg_bytes, pdf_bytes, upload

ROUND = uuid.UUID("0b7c0e6a-9d55-4f0e-9d1a-3f5bd0a6f001")


def round_scope(document: Document) -> Scope:
    return Scope(organisation_id=document.organisation_id, round_id=ROUND)


def engaged_everywhere(user: object) -> set[uuid.UUID]:
    return {ROUND}


@pytest.fixture
def owner(client_as):
    return client_as(Role.APPLICANT)


def without_tokens(page: bytes) -> bytes:
    """The page without what differs per request: CSRF tokens and the address (its UUID)."""
    return re.sub(rb"[A-Za-z0-9]{32,}|[0-9a-f]{8}-[0-9a-f-]{27}", b"", page)


def upload_for(user, *, material="business_licence", name="营业执照.pdf", data=None):
    data = pdf_bytes() if data is None else data
    version = document_upload(
        actor=user, organisation=user.organisation, material_code=material, files=[upload(name, data)]
    )
    return version.files.get()


def url(document_file) -> str:
    return reverse("evidence:download", kwargs={"file_id": document_file.pk})


def test_owner_downloads_with_safe_headers(owner) -> None:
    client, user = owner
    stored = upload_for(user, name='营业执照"\r\n.pdf')
    response = client.get(url(stored))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert "\r" not in disposition and "\n" not in disposition and disposition.count('"') == 2
    assert "filename*=UTF-8''" + quote("营业执照_.pdf") in disposition
    event = AuditEvent.objects.filter(action="document.view").latest("seq")
    assert event.result == "success" and event.actor_id == user.pk and event.object_id == str(stored.pk)


def test_long_and_hostile_filenames_are_stored_under_generated_names_and_sent_sanitised(owner) -> None:
    client, user = owner
    for raw in ("../../x", "a\x00b\x1b\r\nc.pdf", "名" * 2000 + ".pdf"):
        stored = upload_for(user, name=raw)
        assert ".." not in stored.stored_name and "名" not in stored.stored_name
        assert len(stored.original_name) <= 120
        header = client.get(url(stored))["Content-Disposition"]
        assert "\r" not in header and "\n" not in header and "\x00" not in header
        assert len(header) < 1200


def test_other_organisation_gets_404_and_the_attempt_is_audited(owner, client_as) -> None:
    _client, user = owner
    stored = upload_for(user)
    intruder_client, intruder = client_as(Role.APPLICANT)
    response = intruder_client.get(url(stored))
    assert response.status_code == 404
    assert pdf_bytes() not in response.content
    event = AuditEvent.objects.filter(action="document.view").latest("seq")
    assert event.result == "refused" and event.actor_id == intruder.pk
    assert event.object_id == str(stored.pk) and event.details["code"] == "other_organisation"
    # An unknown id gets exactly the same answer (and is audited too).
    missing = intruder_client.get(reverse("evidence:download", kwargs={"file_id": uuid.uuid4()}))
    assert missing.status_code == 404 and without_tokens(missing.content) == without_tokens(response.content)
    assert AuditEvent.objects.filter(action="document.view", details__code="not_found").exists()


def test_other_organisation_cannot_post_either(owner, client_as) -> None:
    _client, user = owner
    stored = upload_for(user)
    intruder_client, _ = client_as(Role.APPLICANT)
    assert intruder_client.post(url(stored)).status_code in {403, 405}


def test_anonymous_gets_the_login_page_and_no_data(owner) -> None:
    _client, user = owner
    stored = upload_for(user)
    response = Client().get(url(stored))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert pdf_bytes() not in response.content


def test_staff_without_second_factor_gets_nothing(owner, client_as) -> None:
    _client, user = owner
    stored = upload_for(user)
    client, _reviewer = client_as(Role.ASSOCIATION_REVIEWER, verified=False)
    response = client.get(url(stored))
    assert response.status_code == 302 and reverse("accounts:otp_verify") in response["Location"]


# role → (ordinary document, sensitive ID card image) with the default scope provider (no round known)
EXPECTED = {
    Role.ASSOCIATION_REVIEWER: (200, 200),
    Role.BUREAU_OFFICER: (200, 200),
    Role.BUREAU_APPROVER: (200, 403),
    Role.FINANCE_OFFICER: (200, 403),
    Role.AUDITOR: (403, 403),  # not engaged: the rounds app's scope provider decides
    Role.DEPARTMENT_OFFICER: (403, 403),
    Role.ADMINISTRATOR: (403, 403),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_staff_roles(owner, client_as, role) -> None:
    _client, user = owner
    ordinary = upload_for(user)
    id_card = upload_for(user, material="id_card", name="身份证.jpg", data=jpeg_bytes())
    client, _staff = client_as(role)
    for stored, expected in zip((ordinary, id_card), EXPECTED[role], strict=True):
        response = client.get(url(stored))
        assert response.status_code == expected, (role, stored.version.document.material_code)
        if expected == 200:
            assert "no-store" in response["Cache-Control"]
        else:
            assert b"%PDF" not in response.content


def test_sensitive_view_is_a_reveal_in_the_audit_trail(owner, client_as) -> None:
    client, user = owner
    id_card = upload_for(user, material="id_card", name="身份证.jpg", data=jpeg_bytes())
    reviewer_client, reviewer = client_as(Role.ASSOCIATION_REVIEWER)
    for who, c in ((user, client), (reviewer, reviewer_client)):
        response = c.get(url(id_card))
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("no-store")
        event = AuditEvent.objects.filter(action="document.reveal").latest("seq")
        assert event.actor_id == who.pk and event.object_id == str(id_card.pk)
        assert event.details["material_code"] == "id_card"


def test_refusal_of_a_staff_role_says_why_and_is_audited(owner, client_as) -> None:
    _client, user = owner
    id_card = upload_for(user, material="id_card", name="身份证.jpg", data=jpeg_bytes())
    client, finance = client_as(Role.FINANCE_OFFICER)
    client.cookies["alarfund_language"] = "en"
    response = client.get(url(id_card))
    assert response.status_code == 403
    assert "sensitive personal information" in response.content.decode()
    event = AuditEvent.objects.filter(action="permission.refused").latest("seq")
    assert event.actor_id == finance.pk and event.details["code"] == "sensitive"


@override_settings(
    ALARFUND_DOCUMENT_SCOPE=f"{__name__}.round_scope",
    ALARFUND_AUDITOR_ENGAGEMENTS=f"{__name__}.engaged_everywhere",
)
def test_auditor_reads_documents_of_engaged_rounds_through_the_scope_hook(owner, make_user) -> None:
    _client, user = owner
    stored = upload_for(user)
    id_card = upload_for(user, material="id_card", name="身份证.jpg", data=jpeg_bytes())
    auditor = make_user(Role.AUDITOR)
    assert can_view(auditor, stored.version.document)
    assert not can_view(auditor, id_card.version.document)  # never ID card images


def test_disabled_owner_cannot_download(owner) -> None:
    _client, user = owner
    stored = upload_for(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert can_view(user, stored.version.document).code == "inactive"


def test_document_list_include_renders_download_links(owner) -> None:
    from django.template.loader import render_to_string

    from alarfund.evidence.selectors import documents_for_subject

    _client, user = owner
    stored = upload_for(user)
    document_upload(
        actor=user,
        organisation=user.organisation,
        material_code="business_licence",
        files=[upload("第二版.pdf", pdf_bytes(b"% v2"))],
    )
    (document,) = documents_for_subject("organisation", user.organisation_id)
    html = render_to_string("evidence/_document_list.html", {"document": document})
    assert url(stored) in html and "第二版.pdf" in html and "营业执照.pdf" in html
    assert html.index("第二版.pdf") < html.index("营业执照.pdf")  # newest first
