"""Reconciliation to the fen (after failures, re-issues and cancellations; a broken amount is found by the
page and the command) and the bank transfer lists (full accounts, safe cells, audited, staff only)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from alarfund.accounts.choices import Role
from alarfund.accounts.permissions import Refused
from alarfund.audit.models import AuditEvent
from alarfund.payments import exports, services
from alarfund.payments.models import PaymentBatch
from alarfund.payments.reconciliation import reconcile_round, reconcile_version
from tests.plans.conftest import xlsx_rows

from .helpers import code_for, new_approver, prepared, released

pytestmark = pytest.mark.django_db


def test_reconciliation_after_failures_and_reissues(officer, approved) -> None:
    before = reconcile_version(approved)
    assert before.balanced and before.unbatched == Decimal("111000") and before.paid == 0
    batch = released(officer, approved.round)
    p30, p35, p46 = batch.payments.order_by("amount")
    today = timezone.localdate()
    services.payment_mark_paid(by=officer, payment=p30, voucher_number="B-1", paid_on=today)
    services.payment_mark_failed(by=officer, payment=p35, reason="账号错误")
    report = reconcile_version(approved)
    assert (report.paid, report.pending, report.failed_open, report.unbatched) == (
        Decimal("30000"),
        Decimal("46000"),
        Decimal("35000"),
        Decimal("0"),
    )
    assert report.balanced and report.accounted == report.approved == Decimal("111000")
    outcome = services.payments_reissue(by=officer, payments=[p35], target=p35.pk)
    report = reconcile_version(approved)
    assert report.failed_open == 0 and report.pending == Decimal("81000") and report.balanced
    reissue_batch = PaymentBatch.objects.get(pk=outcome.result["batch"])
    approver = new_approver()
    services.batch_release(by=approver, batch=reissue_batch, code=code_for(approver), lock=reissue_batch.lock)
    services.payment_mark_paid(
        by=officer, payment=reissue_batch.payments.get(), voucher_number="B-2", paid_on=today
    )
    services.payment_mark_paid(by=officer, payment=p46, voucher_number="B-3", paid_on=today)
    report = reconcile_version(approved)
    assert report.paid == Decimal("111000") and report.balanced
    assert reconcile_round(approved.round).balanced


def test_cancelled_payments_count_as_not_yet_in_a_batch(officer, approved) -> None:
    batch = prepared(officer, approved.round)
    services.batch_cancel(by=officer, batch=batch, reason="重做", lock=batch.lock)
    report = reconcile_version(approved)
    assert report.unbatched == Decimal("111000") and report.pending == 0 and report.balanced


def test_a_broken_amount_is_found_by_the_page_and_the_command(officer, approved, client_as) -> None:
    batch = released(officer, approved.round)
    out = io.StringIO()
    call_command("reconcile", "--round", str(approved.round.sales_year), stdout=out)  # clean: no exit
    assert "balanced" in out.getvalue()
    victim = batch.payments.order_by("amount").first()
    assert victim is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payments_payment SET amount = %s WHERE id = %s",
            ["30000.01", victim.pk.hex if connection.vendor == "sqlite" else victim.pk],
        )
    report = reconcile_version(approved)
    assert not report.balanced
    assert [r.application_id for r in report.discrepancies] == [str(victim.application_id)]
    assert report.discrepancies[0].difference == Decimal("-0.01")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("reconcile", stdout=out)
    assert exit_.value.code == 1 and "DISCREPANCY" in out.getvalue() and "-0.01" in out.getvalue()
    client, _user = client_as(Role.FINANCE_OFFICER)
    page = client.get(f"/payments/rounds/{approved.round.pk}/reconciliation/")
    assert page.status_code == 200 and "-0.01" in page.content.decode()


def test_the_cli_reconcile_command(officer, approved) -> None:
    from alarfund.cli import _parser

    args = _parser().parse_args(["reconcile", "--round", "2025"])
    assert args.command == "reconcile" and args.round == "2025"


def test_transfer_lists_carry_full_accounts_safely_and_are_audited(officer, approved, make_user) -> None:
    batch = prepared(officer, approved.round)
    payment = batch.payments.order_by("amount").first()
    assert payment is not None
    payment.payee_name = '=HYPERLINK("x")有限公司'
    payment.save()
    data = exports.transfer_list(by=officer, batch=batch, kind="xlsx")
    rows = xlsx_rows(data)
    assert any(row[4] == "6228480123456789012" for row in rows)
    assert any(row[1] == '\'=HYPERLINK("x")有限公司' for row in rows)
    assert rows[-1][5] == Decimal("111000") or rows[-1][5] == 111000
    assert "壹拾壹万壹仟元整" in rows[-1][6]
    text = exports.transfer_list(by=new_approver(), batch=batch, kind="csv").decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text)))
    assert any(r[1].startswith("'=") for r in parsed) and parsed[-1][5] == "111000.00"
    events = AuditEvent.objects.filter(action="payment_batch.export", object_id=str(batch.pk))
    assert events.count() == 2
    assert "6228480123456789012" not in str(list(events.values_list("details", flat=True)))
    for role in (Role.FINANCE_OFFICER, Role.APPLICANT, Role.AUDITOR):
        with pytest.raises(Refused):
            exports.transfer_list(by=make_user(role), batch=batch, kind="csv")
