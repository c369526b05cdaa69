"""Writes of the payments (Art. 18): prepare, release (maker-checker with a fresh code), cancel, record
the bank's answer (paid with its voucher, or failed with the reason), re-issue a failed payment.

Each write checks permission, then runs through `alarfund.idempotency.run` (one-time form token; a
replay returns the first result) and, in that one transaction, locks the rows it changes, checks the
status against the transition tables, writes and audits. A step out of sequence raises `OutOfSequence`
(HTTP 409) and changes nothing; bad input raises a ValidationError keyed by field (HTTP 400).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from alarfund import idempotency
from alarfund.accounts.permissions import Capability, require
from alarfund.applications.models import Application
from alarfund.audit.models import AuditResult
from alarfund.audit.services import Actor, AuditContext, audit_record
from alarfund.plans.models import PlanVersion, VersionStatus
from alarfund.plans.services import OutOfSequence, payable_version
from alarfund.rounds.models import Round
from alarfund.stale import check_version

from .models import (
    BATCH_TRANSITIONS,
    LIVE_STATUSES,
    PAYMENT_TRANSITIONS,
    BatchStatus,
    FraudFinding,
    Payment,
    PaymentBatch,
    PaymentStatus,
)
from .selectors import awards, bank_problem

Outcome = idempotency.Outcome


class WrongCode(ValidationError):
    """The step-up code typed into the release form is wrong or already used."""

    def __init__(self) -> None:
        super().__init__(
            {"code": [_("The code from your authenticator app is wrong or was already used.")]}, code="otp"
        )


def _move(obj: Any, table: dict[str, frozenset[str]], to: str) -> None:
    if to not in table[obj.status]:  # the table is the last word
        raise OutOfSequence(_("This change of status is not allowed."))
    obj.status = to


def _audit(by: Any, action: str, obj: Any, context: AuditContext | None, **details: Any) -> None:
    audit_record(
        action=action,
        actor=Actor.of(by),
        context=context,
        object_type="payment_batch" if isinstance(obj, PaymentBatch) else "payment",
        object_id=obj.pk,
        details=details,
    )


def _locked_batch(batch: PaymentBatch) -> PaymentBatch:
    return PaymentBatch.objects.select_for_update().select_related("plan_version").get(pk=batch.pk)


def _locked_payment(payment: Payment) -> Payment:
    return Payment.objects.select_for_update().select_related("batch").get(pk=payment.pk)


def _payable(version: PlanVersion) -> None:
    if version.status != VersionStatus.APPROVED:
        raise OutOfSequence(_("The plan version is no longer the approved one: nothing can be paid from it."))


def _new_batch(by: Any, version: PlanVersion) -> PaymentBatch:
    number = (version.payment_batches.aggregate(n=Max("number"))["n"] or 0) + 1
    return PaymentBatch.objects.create(plan_version=version, number=number, prepared_by=by)


def _new_payment(
    batch: PaymentBatch, application: Application, amount: Decimal, reissue_of: Payment | None = None
) -> Payment:
    organisation = application.organisation
    return Payment.objects.create(
        batch=batch,
        plan_version=batch.plan_version,
        application=application,
        organisation=organisation,
        amount=amount,
        payee_name=organisation.name,
        bank_name=organisation.bank_name,
        bank_account=organisation.bank_account,
        reissue_of=reissue_of,
    )


# -- prepare ---------------------------------------------------------------------------------------


def candidates(version: PlanVersion) -> tuple[list[tuple[Application, Decimal]], list[dict[str, str]]]:
    """Who a new batch of ``version`` pays (application, award), and who is left out with the reason."""
    award = awards(version)
    applications = {
        str(a.pk): a for a in Application.objects.filter(pk__in=list(award)).select_related("organisation")
    }
    live_here = {
        str(i)
        for i in Payment.objects.filter(plan_version=version, status__in=LIVE_STATUSES).values_list(
            "application_id", flat=True
        )
    }
    failed_here = {
        str(i)
        for i in Payment.objects.filter(
            plan_version=version, status=PaymentStatus.FAILED, reissued_as__isnull=True
        ).values_list("application_id", flat=True)
    }
    live_elsewhere = {
        str(i)
        for i in Payment.objects.filter(plan_version__round_id=version.round_id, status__in=LIVE_STATUSES)
        .exclude(plan_version=version)
        .values_list("application_id", flat=True)
    }
    findings = set(
        FraudFinding.objects.filter(round_id=version.round_id).values_list("organisation_id", flat=True)
    )
    pay: list[tuple[Application, Decimal]] = []
    left_out: list[dict[str, str]] = []
    for key, amount in award.items():
        application = applications[key]
        name = application.organisation.name
        if key in live_here:
            continue
        reason = ""
        if key in failed_here:
            reason = _("A payment to this applicant failed: re-issue it instead.")
        elif key in live_elsewhere:
            reason = _("Already paid or pending under an earlier version of the plan.")
        elif application.organisation_id in findings:
            reason = _("A fraud finding is recorded for this organisation (Art. 20): not paid.")
        else:
            reason = bank_problem(application.organisation)
        if reason:
            left_out.append({"application": key, "name": name, "amount": str(amount), "reason": reason})
        else:
            pay.append((application, amount))
    return pay, left_out


def batch_prepare(
    *, by: Any, round: Round, token: str | None = None, context: AuditContext | None = None
) -> Outcome:
    """A batch of one payment per applicant of the approved version not yet in a live payment."""
    require(by, Capability.PAYMENT_PREPARE)

    def work() -> dict[str, Any]:
        version = PlanVersion.objects.select_for_update().get(pk=payable_version(round).pk)
        _payable(version)
        pay, left_out = candidates(version)
        if not pay:
            raise ValidationError(
                _("Nobody of the approved plan is left to pay in a new batch."), code="nothing_to_pay"
            )
        batch = _new_batch(by, version)
        total = Decimal(0)
        for application, amount in pay:
            _new_payment(batch, application, amount)
            total += amount
        batch.total = total
        batch.left_out = left_out
        batch.save(update_fields=["total", "left_out"])
        _audit(
            by,
            "payment_batch.prepare",
            batch,
            context,
            version=str(version.pk),
            number=batch.number,
            payments=len(pay),
            total=str(total),
            left_out=len(left_out),
        )
        return {"batch": str(batch.pk)}

    return idempotency.run(token=token, user=by, action="payment_batch.prepare", target=round.pk, work=work)


# -- release and cancel ------------------------------------------------------------------------------


def batch_release(
    *,
    by: Any,
    batch: PaymentBatch,
    code: str,
    lock: int | None,
    token: str | None = None,
    context: AuditContext | None = None,
) -> Outcome:
    """The checker releases a prepared batch: never its preparer, and only with a fresh TOTP code."""
    from alarfund.accounts.services import totp_verify

    require(by, Capability.PAYMENT_RELEASE)

    def work() -> dict[str, Any]:
        current = _locked_batch(batch)
        if current.status != BatchStatus.PREPARED:
            raise OutOfSequence(
                _("Batch %(number)s is %(status)s: it cannot be released now.")
                % {"number": current.number, "status": current.get_status_display()}
            )
        check_version(current.lock, lock)
        if current.prepared_by_id == by.pk:
            raise OutOfSequence(_("You prepared this batch: another person must release it (maker-checker)."))
        _payable(current.plan_version)
        if totp_verify(user=by, token=code, context=context) is None:
            raise WrongCode()
        _move(current, BATCH_TRANSITIONS, BatchStatus.RELEASED)
        current.released_by = by
        current.released_at = timezone.now()
        current.lock += 1
        current.save()
        _audit(
            by,
            "payment_batch.release",
            current,
            context,
            number=current.number,
            total=str(current.total),
            payments=current.payments.count(),
            prepared_by=str(current.prepared_by_id),
        )
        return {"batch": str(current.pk)}

    try:
        return idempotency.run(
            token=token, user=by, action="payment_batch.release", target=batch.pk, work=work
        )
    except WrongCode:
        audit_record(
            action="payment_batch.release",
            result=AuditResult.FAILURE,
            actor=Actor.of(by),
            context=context,
            object_type="payment_batch",
            object_id=batch.pk,
            details={"code": "otp"},
        )
        raise


def batch_cancel(
    *,
    by: Any,
    batch: PaymentBatch,
    reason: str,
    lock: int | None,
    token: str | None = None,
    context: AuditContext | None = None,
) -> Outcome:
    """Cancel a batch before release (its payments are cancelled; their applicants can be batched again)."""
    require(by, Capability.PAYMENT_PREPARE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the batch is cancelled.")]})

    def work() -> dict[str, Any]:
        current = _locked_batch(batch)
        if current.status != BatchStatus.PREPARED:
            raise OutOfSequence(_("Only a batch that is not released yet can be cancelled."))
        check_version(current.lock, lock)
        _move(current, BATCH_TRANSITIONS, BatchStatus.CANCELLED)
        current.cancelled_by = by
        current.cancelled_at = timezone.now()
        current.cancel_reason = reason[:2000]
        current.lock += 1
        current.save()
        for payment in current.payments.select_for_update():
            _move(payment, PAYMENT_TRANSITIONS, PaymentStatus.CANCELLED)
            if payment.reissue_of_id is not None:  # the failed payment may be re-issued again
                payment.cancelled_reissue_of_id, payment.reissue_of_id = payment.reissue_of_id, None
            payment.lock += 1
            payment.save(update_fields=["status", "lock", "reissue_of", "cancelled_reissue_of"])
        _audit(by, "payment_batch.cancel", current, context, number=current.number, reason=reason[:2000])
        return {"batch": str(current.pk)}

    return idempotency.run(token=token, user=by, action="payment_batch.cancel", target=batch.pk, work=work)


# -- the bank's answer -------------------------------------------------------------------------------


def _expect_result_allowed(payment: Payment) -> None:
    if payment.batch.status != BatchStatus.RELEASED:
        raise OutOfSequence(_("The batch is not released yet: no bank result can be recorded."))
    if payment.status != PaymentStatus.PENDING:
        raise OutOfSequence(
            _("This payment is already %(status)s: its result cannot be recorded again.")
            % {"status": payment.get_status_display()}
        )


def clean_voucher(voucher_number: str, paid_on: Any) -> tuple[str, dict[str, list[str]]]:
    """The voucher number as recorded (spaces collapsed) and the input errors of a "paid" answer that
    need no database: shared by the single form and the bank's result file."""
    voucher_number = " ".join(str(voucher_number or "").split())
    errors: dict[str, list[str]] = {}
    if not voucher_number:
        errors["voucher_number"] = [_("Enter the bank voucher number.")]
    elif len(voucher_number) > 64:
        errors["voucher_number"] = [_("At most %(count)d characters.") % {"count": 64}]
    if not isinstance(paid_on, dt.date):
        errors["paid_on"] = [_("Enter the date of the payment.")]
    elif paid_on > timezone.localdate():
        errors["paid_on"] = [_("The payment date cannot be in the future.")]
    return voucher_number, errors


def record_paid(
    *, by: Any, current: Payment, voucher_number: str, paid_on: dt.date, context: AuditContext | None
) -> None:
    """Record a payment as paid: ``current`` is locked (select_for_update) by the caller's transaction
    and the input is cleaned by `clean_voucher`. Checks the sequence, the release date and the voucher,
    moves the status through the table and audits. The one write of "paid", single or from a file."""
    _expect_result_allowed(current)
    released = current.batch.released_at
    if released is not None and paid_on < timezone.localdate(released):
        raise ValidationError({"paid_on": [_("The payment date cannot be before the batch's release.")]})
    if Payment.objects.filter(voucher_number=voucher_number).exists():
        raise ValidationError(
            {"voucher_number": [_("This voucher number is already recorded for another payment.")]}
        )
    _move(current, PAYMENT_TRANSITIONS, PaymentStatus.PAID)
    current.voucher_number = voucher_number
    current.paid_on = paid_on
    current.recorded_by = by
    current.recorded_at = timezone.now()
    current.lock += 1
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError:  # a concurrent payment took the voucher number first
        raise ValidationError(
            {"voucher_number": [_("This voucher number is already recorded for another payment.")]}
        ) from None
    _audit(
        by,
        "payment.paid",
        current,
        context,
        batch=str(current.batch_id),
        amount=str(current.amount),
        voucher_number=voucher_number,
        paid_on=paid_on.isoformat(),
    )


def record_failed(*, by: Any, current: Payment, reason: str, context: AuditContext | None) -> None:
    """Record a payment as failed (``current`` locked by the caller); the one write of "failed"."""
    _expect_result_allowed(current)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"failure_reason": [_("Give the bank's reason for the failure.")]})
    _move(current, PAYMENT_TRANSITIONS, PaymentStatus.FAILED)
    current.failure_reason = reason[:2000]
    current.recorded_by = by
    current.recorded_at = timezone.now()
    current.lock += 1
    current.save()
    _audit(
        by,
        "payment.failed",
        current,
        context,
        batch=str(current.batch_id),
        amount=str(current.amount),
        reason=reason[:2000],
    )


def _result(current: Payment) -> dict[str, Any]:
    return {"payment": str(current.pk), "batch": str(current.batch_id), "status": current.status}


def payment_mark_paid(
    *,
    by: Any,
    payment: Payment,
    voucher_number: str,
    paid_on: dt.date | None,
    token: str | None = None,
    context: AuditContext | None = None,
) -> Outcome:
    require(by, Capability.PAYMENT_PREPARE)
    voucher_number, errors = clean_voucher(voucher_number, paid_on)

    def work() -> dict[str, Any]:
        current = _locked_payment(payment)
        _expect_result_allowed(current)
        if errors:
            raise ValidationError(errors)
        assert isinstance(paid_on, dt.date)
        record_paid(by=by, current=current, voucher_number=voucher_number, paid_on=paid_on, context=context)
        return _result(current)

    return idempotency.run(token=token, user=by, action="payment.result", target=payment.pk, work=work)


def payment_mark_failed(
    *, by: Any, payment: Payment, reason: str, token: str | None = None, context: AuditContext | None = None
) -> Outcome:
    require(by, Capability.PAYMENT_PREPARE)

    def work() -> dict[str, Any]:
        current = _locked_payment(payment)
        record_failed(by=by, current=current, reason=reason, context=context)
        return _result(current)

    return idempotency.run(token=token, user=by, action="payment.result", target=payment.pk, work=work)


# -- re-issue -----------------------------------------------------------------------------------------


def payments_reissue(
    *,
    by: Any,
    payments: Iterable[Payment],
    target: Any,
    token: str | None = None,
    context: AuditContext | None = None,
) -> Outcome:
    """Re-issue failed payments as new pending payments (same amounts, the payee's current bank
    details) in a new batch, which must be released again; each old payment stays failed, linked."""
    require(by, Capability.PAYMENT_PREPARE)
    ids = [p.pk for p in payments]

    def work() -> dict[str, Any]:
        olds = list(Payment.objects.select_for_update().filter(pk__in=ids).order_by("created_at"))
        if not olds:
            raise ValidationError(_("No failed payment is left to re-issue."), code="nothing_to_pay")
        versions = {p.plan_version_id for p in olds}
        if len(versions) != 1:
            raise ValidationError(_("Re-issue the payments of one plan version at a time."))
        version = PlanVersion.objects.select_for_update().get(pk=versions.pop())
        _payable(version)
        for old in olds:
            if old.status != PaymentStatus.FAILED or Payment.objects.filter(reissue_of=old).exists():
                raise OutOfSequence(_("Only a failed payment that is not re-issued yet can be re-issued."))
        problems = []
        applications = {
            a.pk: a
            for a in Application.objects.filter(pk__in=[o.application_id for o in olds]).select_related(
                "organisation"
            )
        }
        for old in olds:
            problem = bank_problem(applications[old.application_id].organisation)
            if problem:
                problems.append(f"{old.payee_name}: {problem}")
        if problems:
            raise ValidationError(problems, code="bank")
        batch = _new_batch(by, version)
        total = Decimal(0)
        for old in olds:
            _new_payment(batch, applications[old.application_id], old.amount, reissue_of=old)
            total += old.amount
        batch.total = total
        batch.save(update_fields=["total"])
        _audit(
            by,
            "payment_batch.reissue",
            batch,
            context,
            version=str(version.pk),
            number=batch.number,
            reissued=[str(o.pk) for o in olds],
            total=str(total),
        )
        return {"batch": str(batch.pk)}

    return idempotency.run(token=token, user=by, action="payment.reissue", target=target, work=work)
