"""The payment pages per role, and the whole flow through the browser's forms: prepare, release with a
code, paid/failed, re-issue; a re-sent form lands on the first result; refusals say why (400/409)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from alarfund.accounts.choices import Role
from alarfund.audit.models import AuditEvent
from alarfund.payments.models import BatchStatus, Payment, PaymentBatch, PaymentStatus
from tests.conftest import current_code, totp_device

from .helpers import prepared, released

pytestmark = pytest.mark.django_db


def _tokens(body: str) -> list[str]:
    return re.findall(r'name="[\w-]*idempotency_token" value="([^"]+)"', body)


def test_pages_per_role(officer, approved, client_as) -> None:
    batch = prepared(officer, approved.round)
    urls = [
        reverse("payments:round", args=[approved.round.pk]),
        reverse("payments:batch", args=[batch.pk]),
        reverse("payments:reconciliation", args=[approved.round.pk]),
        reverse("payments:findings"),
    ]
    for role in (Role.BUREAU_OFFICER, Role.BUREAU_APPROVER, Role.FINANCE_OFFICER):
        client, _ = client_as(role)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (role, url)
    finance, _ = client_as(Role.FINANCE_OFFICER)
    assert not _tokens(finance.get(urls[1]).content.decode())  # read-only
    assert finance.get(reverse("payments:export_csv", args=[batch.pk])).status_code == 403
    for role in (Role.APPLICANT, Role.AUDITOR, Role.ASSOCIATION_REVIEWER, Role.ADMINISTRATOR):
        client, _ = client_as(role)
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
    officer_client, _ = client_as(Role.BUREAU_OFFICER)
    assert officer_client.get(reverse("web:payments")).status_code == 200
    approver_client, _ = client_as(Role.BUREAU_APPROVER)
    body = approver_client.get(reverse("web:payment_release")).content.decode()
    assert reverse("payments:batch", args=[batch.pk]) in body


def test_the_flow_through_the_forms(approved, client_as) -> None:
    officer_client, _officer = client_as(Role.BUREAU_OFFICER)
    round_page = officer_client.get(reverse("payments:round", args=[approved.round.pk])).content.decode()
    token = _tokens(round_page)[0]
    url = reverse("payments:prepare", args=[approved.round.pk])
    first = officer_client.post(url, {"idempotency_token": token})
    again = officer_client.post(url, {"idempotency_token": token})  # a double click
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    batch = PaymentBatch.objects.get()
    assert batch.payments.count() == 3
    # The maker sees no release form; the checker releases with a code.
    batch_url = reverse("payments:batch", args=[batch.pk])
    approver_client, approver = client_as(Role.BUREAU_APPROVER)
    page = approver_client.get(batch_url).content.decode()
    release_token = _tokens(page)[0]
    release_url = reverse("payments:release", args=[batch.pk])
    wrong = approver_client.post(
        release_url, {"idempotency_token": release_token, "lock": batch.lock, "code": "000000"}
    )
    assert wrong.status_code == 400
    code = current_code(totp_device(approver))
    ok = approver_client.post(
        release_url, {"idempotency_token": release_token, "lock": batch.lock, "code": code}
    )
    assert ok.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RELEASED
    # Out of sequence: releasing again with a new form is a 409, nothing changes.
    late = approver_client.post(
        release_url, {"idempotency_token": release_token, "lock": batch.lock, "code": code}
    )
    assert late.status_code == 302  # the same token: the first result
    # The officer records the bank's answers.
    page = officer_client.get(batch_url).content.decode()
    payments = list(batch.payments.order_by("payee_name"))
    p_tokens = dict(re.findall(r'name="(p[0-9a-f]{8})-idempotency_token" value="([^"]+)"', page))
    first_payment = payments[0]
    prefix = f"p{first_payment.pk.hex[:8]}"
    paid_url = reverse("payments:paid", args=[first_payment.pk])
    data = {
        f"{prefix}-idempotency_token": p_tokens[prefix],
        f"{prefix}-voucher_number": "WEB-1",
        f"{prefix}-paid_on": timezone.localdate().isoformat(),
    }
    assert officer_client.post(paid_url, data).status_code == 302
    assert officer_client.post(paid_url, data).status_code == 302  # replay: first result
    assert AuditEvent.objects.filter(action="payment.paid").count() == 1
    second = payments[1]
    prefix2 = f"p{second.pk.hex[:8]}"
    reuse = {
        f"{prefix2}-idempotency_token": p_tokens[prefix2],
        f"{prefix2}-voucher_number": "WEB-1",
        f"{prefix2}-paid_on": timezone.localdate().isoformat(),
    }
    refused = officer_client.post(reverse("payments:paid", args=[second.pk]), reuse)
    assert refused.status_code == 400
    second.refresh_from_db()
    assert second.status == PaymentStatus.PENDING
    failed_prefix = f"f{second.pk.hex[:8]}"
    officer_client.post(
        reverse("payments:failed", args=[second.pk]),
        {
            f"{failed_prefix}-idempotency_token": p_tokens[prefix2],
            f"{failed_prefix}-failure_reason": "账户已销户",
        },
    )
    second.refresh_from_db()
    assert second.status == PaymentStatus.FAILED
    page = officer_client.get(batch_url).content.decode()
    reissue_token = re.search(
        rf'action="{reverse("payments:reissue", args=[second.pk])}">.*?idempotency_token" value="([^"]+)"',
        page,
        re.S,
    )
    assert reissue_token is not None
    response = officer_client.post(
        reverse("payments:reissue", args=[second.pk]), {"idempotency_token": reissue_token.group(1)}
    )
    assert response.status_code == 302
    assert Payment.objects.get(reissue_of=second).status == PaymentStatus.PENDING
    export = officer_client.get(reverse("payments:export_xlsx", args=[batch.pk]))
    assert export.status_code == 200 and export["Cache-Control"].startswith("no-store")


def test_paying_before_release_is_409_and_changes_nothing(officer, approved, client_as) -> None:
    batch = prepared(officer, approved.round)
    payment = batch.payments.first()
    assert payment is not None
    client, _ = client_as(Role.BUREAU_OFFICER)
    response = client.post(
        reverse("payments:paid", args=[payment.pk]),
        {"voucher_number": "X", "paid_on": timezone.localdate().isoformat(), "idempotency_token": ""},
    )
    assert response.status_code in (400, 409)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_extra_fields_are_ignored(officer, approved, client_as) -> None:
    batch = released(officer, approved.round)
    payment = batch.payments.order_by("amount").first()
    assert payment is not None
    client, _user = client_as(Role.BUREAU_OFFICER)
    page = client.get(reverse("payments:batch", args=[batch.pk])).content.decode()
    prefix = f"p{payment.pk.hex[:8]}"
    token = dict(re.findall(r'name="(p[0-9a-f]{8})-idempotency_token" value="([^"]+)"', page))[prefix]
    client.post(
        reverse("payments:paid", args=[payment.pk]),
        {
            f"{prefix}-idempotency_token": token,
            f"{prefix}-voucher_number": "EXTRA-1",
            f"{prefix}-paid_on": timezone.localdate().isoformat(),
            "amount": "999999",
            "status": "failed",
        },
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.amount == 30000
