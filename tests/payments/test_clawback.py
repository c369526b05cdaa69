"""Art. 20: a finding with its decision document → the amount to recover (never above what was paid) →
recoveries until settled → a three-year ban that blocks the enterprise in the next round, with the reason
shown to it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from alarfund.accounts.choices import Role
from alarfund.accounts.permissions import Refused
from alarfund.applications.selectors import application_estimate, blocking_reasons
from alarfund.audit.models import AuditEvent
from alarfund.payments import clawback, services
from alarfund.payments.models import FindingStatus, FraudFinding, Recovery
from alarfund.plans.services import plan_start
from alarfund.policy.parameters import parameters_for
from alarfund.registers.models import Register
from alarfund.registers.rules import years_after
from tests.plans.conftest import pdf_upload

from .helpers import released

pytestmark = pytest.mark.django_db
DECISION = "师市商务局处理决定〔2026〕9号"


@pytest.fixture
def paid_batch(officer, approved):
    batch = released(officer, approved.round)
    today = timezone.localdate()
    for n, payment in enumerate(batch.payments.order_by("amount")):
        services.payment_mark_paid(by=officer, payment=payment, voucher_number=f"C-{n}", paid_on=today)
    return batch


def _record(officer, batch, **values):
    payment = batch.payments.order_by("amount").first()
    data = {
        "by": officer,
        "round": batch.plan_version.round,
        "organisation": payment.organisation,
        "application": payment.application,
        "found_on": timezone.localdate(),
        "decision_number": DECISION,
        "description": "虚报快递单量",
        "upload": pdf_upload("decision.pdf"),
        **values,
    }
    return clawback.finding_record(**data)


def test_a_finding_orders_recovery_of_what_was_paid_and_bans(officer, paid_batch) -> None:
    outcome = _record(officer, paid_batch)
    finding = FraudFinding.objects.get(pk=outcome.result["finding"])
    assert finding.amount_paid == finding.amount_due == Decimal("30000")
    assert finding.status == FindingStatus.OPEN and finding.files.count() == 1
    ban = finding.ban_entry
    assert ban is not None and ban.register == Register.BAN and ban.source_reference == DECISION
    years = parameters_for(2025).art20_ban_years
    assert ban.occurred_on == finding.found_on
    assert ban.end_date == years_after(finding.found_on, years) - dt.timedelta(days=1)
    assert AuditEvent.objects.filter(action="fraud_finding.record").count() == 1
    assert AuditEvent.objects.filter(action="register.create").count() == 1
    # Recoveries until settled; never above what is outstanding.
    with pytest.raises(ValidationError) as too_much:
        clawback.recovery_record(
            by=officer, finding=finding, amount="30000.01", received_on=timezone.localdate(), reference="R1"
        )
    assert "amount" in too_much.value.message_dict and not Recovery.objects.exists()
    clawback.recovery_record(
        by=officer, finding=finding, amount="10000", received_on=timezone.localdate(), reference="R1"
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and clawback.outstanding(finding) == Decimal("20000")
    clawback.recovery_record(
        by=officer, finding=finding, amount="20000", received_on=timezone.localdate(), reference="R2"
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.SETTLED and finding.settled_at is not None
    from alarfund.plans.services import OutOfSequence

    with pytest.raises(OutOfSequence):
        clawback.recovery_record(
            by=officer, finding=finding, amount="1", received_on=timezone.localdate(), reference="R3"
        )


def test_recovering_more_than_paid_or_less_without_reason_is_refused(officer, paid_batch) -> None:
    with pytest.raises(ValidationError) as above:
        _record(officer, paid_batch, amount_due="30000.01")
    assert "amount_due" in above.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        _record(officer, paid_batch, amount_due="20000")
    assert "reduction_reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError) as no_file:
        _record(officer, paid_batch, upload=None)
    assert "file" in no_file.value.message_dict
    with pytest.raises(ValidationError) as html:
        _record(officer, paid_batch, upload=SimpleUploadedFile("x.pdf", b"<html><script>1</script></html>"))
    assert "file" in html.value.message_dict
    assert not FraudFinding.objects.exists()
    from alarfund.registers.models import RegisterEntry

    assert not RegisterEntry.objects.exists()
    outcome = _record(officer, paid_batch, amount_due="20000", reduction_reason="部分款项已用于合规支出")
    assert FraudFinding.objects.get(pk=outcome.result["finding"]).amount_due == Decimal("20000")


def test_only_the_bureau_officer_records_findings(paid_batch, make_user) -> None:
    for role in (Role.BUREAU_APPROVER, Role.FINANCE_OFFICER, Role.APPLICANT):
        with pytest.raises(Refused):
            _record(make_user(role), paid_batch)


def test_the_ban_blocks_the_next_rounds_application_with_the_reason(
    officer, paid_batch, client_as, make_plan_round, make_ready
) -> None:
    outcome = _record(officer, paid_batch)
    finding = FraudFinding.objects.get(pk=outcome.result["finding"])
    organisation = finding.organisation
    next_round = make_plan_round(2026)
    application = make_ready(
        next_round, lines=["10"], parcels=60000, org=organisation, sources=("declared", "final")
    )
    make_ready(next_round, lines=["10"], parcels=70000)
    with translation.override("en"):
        estimate = application_estimate(application)
        assert not estimate.eligible and any("BANNED" in reason for reason in estimate.reasons)
        reasons = blocking_reasons(application)
        assert len(reasons) == 1 and DECISION in reasons[0] and "Art. 20" in reasons[0]
    # The next round's plan leaves the banned enterprise out by itself: nothing to pay it.
    version = plan_start(by=officer, round=next_round)
    entry = next(a for a in version.outputs["applicants"] if a["id"] == str(application.pk))
    assert entry["eligible"] is False and "BANNED" in entry["reasons"] and entry["total"] == "0.00"
    client, _user = client_as(Role.APPLICANT, organisation=organisation)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert DECISION in page and finding.ban_entry.end_date.isoformat() in page
    # The paid round's application page shows the applicant its payment.
    paid_page = client.get(reverse("applications:detail", args=[finding.application_id])).content.decode()
    assert "30,000.00" in paid_page


def test_finding_pages(officer, paid_batch, client_as) -> None:
    outcome = _record(officer, paid_batch)
    finding = FraudFinding.objects.get(pk=outcome.result["finding"])
    officer_client, _officer_user = client_as(Role.BUREAU_OFFICER)
    page = officer_client.get(reverse("payments:finding", args=[finding.pk]))
    assert page.status_code == 200 and DECISION in page.content.decode()
    body = page.content.decode()
    token = body.split('name="idempotency_token" value="')[1].split('"')[0]
    data = {
        "amount": "5000",
        "received_on": timezone.localdate().isoformat(),
        "reference": "R-web",
        "idempotency_token": token,
    }
    url = reverse("payments:recovery", args=[finding.pk])
    first = officer_client.post(url, data)
    second = officer_client.post(url, data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert finding.recoveries.count() == 1
    file = finding.files.get()
    download = officer_client.get(reverse("payments:finding_file", args=[file.pk]))
    assert download.status_code == 200 and download["Cache-Control"].startswith("no-store")
    finance, _ = client_as(Role.FINANCE_OFFICER)
    read = finance.get(reverse("payments:finding", args=[finding.pk]))
    assert read.status_code == 200 and "idempotency_token" not in read.content.decode()
    applicant, _ = client_as(Role.APPLICANT)
    assert applicant.get(reverse("payments:finding", args=[finding.pk])).status_code == 403
    assert applicant.get(reverse("payments:finding_file", args=[file.pk])).status_code == 403
    new_page = officer_client.get(reverse("payments:finding_new", args=[finding.round_id]))
    assert new_page.status_code == 200
