"""Batches and payments: from the approved version only, maker-checker with a fresh code, the bank's
answer (voucher used once), re-issue, cancellation, the transition tables and one-time form tokens."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from alarfund import idempotency
from alarfund.accounts.choices import Role
from alarfund.accounts.permissions import Refused
from alarfund.audit.models import AuditEvent
from alarfund.payments import services
from alarfund.payments.models import (
    BATCH_TRANSITIONS,
    PAYMENT_TRANSITIONS,
    BatchStatus,
    Payment,
    PaymentBatch,
    PaymentStatus,
)
from alarfund.plans.services import OutOfSequence, plan_start

from .helpers import code_for, new_approver, prepared, released

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_nothing_is_paid_from_a_plan_that_is_not_approved(officer, make_plan_round, make_ready) -> None:
    round_ = make_plan_round()
    make_ready(round_, lines=["10"], parcels=60000)
    plan_start(by=officer, round=round_)
    with pytest.raises(OutOfSequence):
        services.batch_prepare(by=officer, round=round_)
    assert not PaymentBatch.objects.exists() and not Payment.objects.exists()


def test_a_batch_pays_each_applicant_its_award_once(officer, approved) -> None:
    batch = prepared(officer, approved.round)
    payments = list(batch.payments.order_by("amount"))
    assert [p.amount for p in payments] == [Decimal("30000"), Decimal("35000"), Decimal("46000")]
    assert batch.total == approved.total == Decimal("111000")
    assert all(p.status == PaymentStatus.PENDING and p.plan_version_id == approved.pk for p in payments)
    assert payments[0].bank_account == "6228480123456789012"  # snapshot of the payee's account
    assert AuditEvent.objects.filter(action="payment_batch.prepare", object_id=str(batch.pk)).count() == 1
    with pytest.raises(ValidationError) as refused:
        services.batch_prepare(by=officer, round=approved.round)
    assert refused.value.code == "nothing_to_pay"
    assert PaymentBatch.objects.count() == 1


def test_an_applicant_without_a_valid_account_is_left_out_with_the_reason(
    officer, make_plan_round, make_ready, make_org
) -> None:
    from .helpers import approved_version

    round_ = make_plan_round()
    make_ready(round_, lines=["10"], parcels=60000)
    make_ready(round_, lines=["10"], parcels=70000, org=make_org(bank_account="12"))
    version = approved_version(officer, round_)
    batch = prepared(officer, version.round)
    assert batch.payments.count() == 1
    assert len(batch.left_out) == 1 and "bank account" in batch.left_out[0]["reason"]


def test_only_another_person_with_a_fresh_code_releases(officer, approved, make_user) -> None:
    batch = prepared(officer, approved.round)
    with pytest.raises(Refused):  # the officer may not release at all
        services.batch_release(by=officer, batch=batch, code="000000", lock=batch.lock)
    # Maker-checker by identity: the preparer, now an approver, still cannot release their batch.
    officer.role = Role.BUREAU_APPROVER
    officer.save()
    with pytest.raises(OutOfSequence):
        services.batch_release(by=officer, batch=batch, code=code_for(officer), lock=batch.lock)
    approver = new_approver()
    with pytest.raises(ValidationError) as wrong:
        services.batch_release(by=approver, batch=batch, code="000000", lock=batch.lock)
    assert "code" in wrong.value.message_dict
    assert AuditEvent.objects.filter(action="payment_batch.release", result="failure").count() == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PREPARED and batch.released_by is None
    code = code_for(approver)
    services.batch_release(by=approver, batch=batch, code=code, lock=batch.lock)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RELEASED and batch.released_by == approver


def test_the_database_refuses_a_checker_who_is_the_maker(officer, approved) -> None:
    batch = prepared(officer, approved.round)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentBatch.objects.filter(pk=batch.pk).update(
            status="released", released_by=officer, released_at=timezone.now()
        )


def test_a_stale_release_form_is_refused(officer, approved) -> None:
    batch = prepared(officer, approved.round)
    approver = new_approver()
    with pytest.raises(ValidationError) as stale:
        services.batch_release(by=approver, batch=batch, code=code_for(approver), lock=batch.lock + 1)
    assert stale.value.code == "stale"


def test_bank_results_only_after_release_and_vouchers_once(officer, approved) -> None:
    batch = prepared(officer, approved.round)
    first, second, _third = batch.payments.order_by("amount")
    with pytest.raises(OutOfSequence):
        services.payment_mark_paid(by=officer, payment=first, voucher_number="V1", paid_on=TODAY())
    first.refresh_from_db()
    assert first.status == PaymentStatus.PENDING
    approver = new_approver()
    services.batch_release(by=approver, batch=batch, code=code_for(approver), lock=batch.lock)
    services.payment_mark_paid(by=officer, payment=first, voucher_number="V1", paid_on=TODAY())
    with pytest.raises(ValidationError) as reused:
        services.payment_mark_paid(by=officer, payment=second, voucher_number="V1", paid_on=TODAY())
    assert "voucher_number" in reused.value.message_dict
    second.refresh_from_db()
    assert second.status == PaymentStatus.PENDING and second.voucher_number == ""
    with pytest.raises(OutOfSequence):  # paid is final
        services.payment_mark_failed(by=officer, payment=first, reason="退票")
    with pytest.raises(ValidationError) as future:
        services.payment_mark_paid(
            by=officer, payment=second, voucher_number="V2", paid_on=TODAY().replace(year=TODAY().year + 1)
        )
    assert "paid_on" in future.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():  # the database backs it up
        Payment.objects.filter(pk=second.pk).update(status="paid", voucher_number="V1", paid_on=TODAY())


def test_one_live_payment_per_applicant_in_the_database(officer, approved) -> None:
    batch = prepared(officer, approved.round)
    payment = batch.payments.first()
    assert payment is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            batch=batch,
            plan_version=approved,
            application=payment.application,
            organisation=payment.organisation,
            amount=payment.amount,
            payee_name="x",
            bank_name="x",
            bank_account="6228480123456789012",
        )


def test_failed_payments_are_reissued_in_a_new_batch_linked_to_the_old(officer, approved) -> None:
    batch = released(officer, approved.round)
    failed = batch.payments.order_by("amount").first()
    assert failed is not None
    with pytest.raises(ValidationError):
        services.payment_mark_failed(by=officer, payment=failed, reason="  ")
    services.payment_mark_failed(by=officer, payment=failed, reason="户名与账号不符")
    failed.refresh_from_db()
    assert failed.status == PaymentStatus.FAILED
    outcome = services.payments_reissue(by=officer, payments=[failed], target=failed.pk)
    new_batch = PaymentBatch.objects.get(pk=outcome.result["batch"])
    assert new_batch.status == BatchStatus.PREPARED and new_batch.number == 2
    reissue = new_batch.payments.get()
    assert reissue.reissue_of == failed and reissue.amount == failed.amount
    failed.refresh_from_db()
    assert failed.status == PaymentStatus.FAILED and failed.reissued_as == reissue
    with pytest.raises(OutOfSequence):  # re-issued once only
        services.payments_reissue(by=officer, payments=[failed], target=failed.pk)
    with pytest.raises(OutOfSequence):  # a pending payment is not re-issued
        services.payments_reissue(by=officer, payments=[reissue], target=reissue.pk)


def test_cancelling_a_batch_frees_its_applicants(officer, approved) -> None:
    batch = prepared(officer, approved.round)
    with pytest.raises(ValidationError):
        services.batch_cancel(by=officer, batch=batch, reason="", lock=batch.lock)
    services.batch_cancel(by=officer, batch=batch, reason="金额需复核", lock=batch.lock)
    assert set(batch.payments.values_list("status", flat=True)) == {PaymentStatus.CANCELLED}
    again = prepared(officer, approved.round)
    assert again.payments.count() == 3
    approver = new_approver()
    services.batch_release(by=approver, batch=again, code=code_for(approver), lock=again.lock)
    again.refresh_from_db()
    with pytest.raises(OutOfSequence):
        services.batch_cancel(by=officer, batch=again, reason="晚了", lock=again.lock)


def test_a_version_with_live_batches_cannot_be_replaced(officer, approved) -> None:
    from alarfund.plans.models import VersionStatus
    from alarfund.plans.services import plan_new_version

    batch = prepared(officer, approved.round)
    with pytest.raises(OutOfSequence, match="Payment batches exist"):
        plan_new_version(by=officer, version=approved, reason="更正")
    approved.refresh_from_db()
    assert approved.status == VersionStatus.APPROVED
    services.batch_cancel(by=officer, batch=batch, reason="方案需更正", lock=batch.lock)
    new = plan_new_version(by=officer, version=approved, reason="更正")
    assert new.number == approved.number + 1


def test_cancelling_a_reissue_lets_the_failed_payment_be_reissued_again(officer, approved) -> None:
    batch = released(officer, approved.round)
    failed = batch.payments.first()
    assert failed is not None
    services.payment_mark_failed(by=officer, payment=failed, reason="账户冻结")
    outcome = services.payments_reissue(by=officer, payments=[failed], target=failed.pk)
    reissue_batch = PaymentBatch.objects.get(pk=outcome.result["batch"])
    services.batch_cancel(by=officer, batch=reissue_batch, reason="等待企业更正账户", lock=reissue_batch.lock)
    cancelled = reissue_batch.payments.get()
    assert cancelled.reissue_of is None and cancelled.cancelled_reissue_of == failed
    services.payments_reissue(by=officer, payments=[failed], target=failed.pk)
    failed.refresh_from_db()
    assert failed.reissued_as.status == PaymentStatus.PENDING


@pytest.mark.parametrize("table", [BATCH_TRANSITIONS, PAYMENT_TRANSITIONS])
def test_every_transition_outside_the_tables_is_refused(table) -> None:
    class Thing:
        status = ""

    states = list(table)
    for source in states:
        for target in states:
            thing = Thing()
            thing.status = source
            if target in table[source]:
                services._move(thing, table, target)
                assert thing.status == target
            else:
                with pytest.raises(OutOfSequence):
                    services._move(thing, table, target)
                assert thing.status == source


# -- one-time tokens -------------------------------------------------------------------------------


def test_a_replayed_token_returns_the_first_result_and_does_nothing(officer, approved) -> None:
    token = idempotency.issue(officer, "payment_batch.prepare", approved.round.pk)
    first = services.batch_prepare(by=officer, round=approved.round, token=token)
    again = services.batch_prepare(by=officer, round=approved.round, token=token)
    assert not first.replayed and again.replayed and again.result == first.result
    assert PaymentBatch.objects.count() == 1
    assert AuditEvent.objects.filter(action="payment_batch.prepare").count() == 1


def test_a_refused_write_leaves_the_token_usable(officer, approved) -> None:
    batch = released(officer, approved.round)
    payment = batch.payments.first()
    assert payment is not None
    token = idempotency.issue(officer, "payment.result", payment.pk)
    with pytest.raises(ValidationError):
        services.payment_mark_paid(
            by=officer, payment=payment, voucher_number="", paid_on=TODAY(), token=token
        )
    outcome = services.payment_mark_paid(
        by=officer, payment=payment, voucher_number="V9", paid_on=TODAY(), token=token
    )
    assert not outcome.replayed


def test_tokens_are_bound_to_user_action_and_object(officer, approved, make_user) -> None:
    batch = released(officer, approved.round)
    first, second, _ = batch.payments.all()
    token = idempotency.issue(officer, "payment.result", first.pk)
    colleague = make_user(Role.BUREAU_OFFICER)
    for by, payment in ((colleague, first), (officer, second)):
        with pytest.raises(idempotency.InvalidToken):
            services.payment_mark_paid(
                by=by, payment=payment, voucher_number="V5", paid_on=TODAY(), token=token
            )
    with pytest.raises(idempotency.InvalidToken):
        services.payment_mark_paid(
            by=officer, payment=first, voucher_number="V5", paid_on=TODAY(), token="forged"
        )
    assert not Payment.objects.filter(status=PaymentStatus.PAID).exists()
