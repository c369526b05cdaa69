"""The payment pages: the officer's work area, the approver's release area, a round's payments, a batch,
the reconciliation, the transfer lists.

Thin views: fetch, call one service, redirect to the first result (a replayed form token lands on the
same page as the first submission). A refusal re-renders the page with the reason: 400 for bad input,
409 for a step out of sequence or a stale page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alarfund import idempotency
from alarfund.accounts.decorators import capability_required, signed_in
from alarfund.accounts.permissions import Capability, Refused, check
from alarfund.audit.services import AuditContext
from alarfund.evidence.filenames import content_disposition
from alarfund.plans.models import VersionStatus
from alarfund.plans.services import OutOfSequence
from alarfund.rounds.models import Round
from alarfund.stale import StaleEdit

from . import bank_results, exports, services
from .clawback import can_read
from .forms import BankResultsForm, CancelForm, FailedForm, PaidForm, ReleaseForm
from .models import BatchStatus, Payment, PaymentBatch, PaymentStatus
from .reconciliation import reconcile_round

View = Callable[..., HttpResponse]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOKEN = idempotency.FIELD


def payment_reader(view: View) -> View:
    """Officer, approver and the Finance Bureau (read-only) read the payment pages."""

    @signed_in
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        decision = can_read(request.user)
        if not decision:
            raise Refused(decision)
        return view(request, *args, **kwargs)

    return wrapped


def messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for errors in exc.message_dict.values() for m in errors]
    return [str(m) for m in exc.messages]


def status_of(exc: ValidationError) -> int:
    return 409 if isinstance(exc, OutOfSequence | StaleEdit) else 400


def _lock(request: HttpRequest) -> int | None:
    raw = request.POST.get("lock", "")
    return int(raw) if raw.isdigit() else None


def _done(request: HttpRequest, outcome: services.Outcome, text: str) -> HttpResponse:
    if outcome.replayed:
        messages.info(request, _("This form was already sent: here is the result of the first submission."))
    else:
        messages.success(request, text)
    if "finding" in outcome.result:
        return redirect("payments:finding", finding_id=outcome.result["finding"])
    return redirect("payments:batch", batch_id=outcome.result["batch"])


# -- work areas ------------------------------------------------------------------------------------


def _rounds() -> list[dict[str, Any]]:
    rows = []
    for round_ in Round.objects.order_by("-sales_year"):
        version = round_.plan_versions.filter(status=VersionStatus.APPROVED).first()
        batches = PaymentBatch.objects.filter(plan_version__round=round_)
        rows.append(
            {
                "round": round_,
                "version": version,
                "prepared": batches.filter(status=BatchStatus.PREPARED).count(),
                "released": batches.filter(status=BatchStatus.RELEASED).count(),
            }
        )
    return rows


@capability_required(Capability.PAYMENT_PREPARE)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "payments/home.html", {"rows": _rounds(), "approver": False})


@capability_required(Capability.PAYMENT_RELEASE)
@require_GET
def release_home(request: HttpRequest) -> HttpResponse:
    waiting = PaymentBatch.objects.filter(status=BatchStatus.PREPARED).select_related(
        "plan_version__round", "prepared_by"
    )
    released = PaymentBatch.objects.filter(status=BatchStatus.RELEASED).select_related(
        "plan_version__round", "released_by"
    )[:20]
    context = {"rows": _rounds(), "waiting": waiting, "released": released, "approver": True}
    return render(request, "payments/home.html", context)


# -- a round's payments ------------------------------------------------------------------------------


def _round_context(request: HttpRequest, round_: Round, **extra: Any) -> dict[str, Any]:
    version = round_.plan_versions.filter(status=VersionStatus.APPROVED).first()
    can_prepare = check(request.user, Capability.PAYMENT_PREPARE).allowed
    pay: list[Any] = []
    left_out: list[dict[str, str]] = []
    errors: list[str] = list(extra.pop("errors", []))
    if version is not None:
        try:
            pay, left_out = services.candidates(version)
        except ValidationError as exc:
            errors += messages_of(exc)
    context = {
        "round": round_,
        "version": version,
        "batches": PaymentBatch.objects.filter(plan_version__round=round_)
        .select_related("plan_version", "prepared_by", "released_by")
        .order_by("-prepared_at"),
        "to_pay": pay,
        "to_pay_total": sum((amount for _a, amount in pay), 0),
        "left_out": left_out,
        "can_prepare": can_prepare,
        "token": idempotency.issue(request.user, "payment_batch.prepare", round_.pk)
        if can_prepare and version is not None and pay
        else "",
        "errors": errors,
    }
    context.update(extra)
    return context


@payment_reader
@require_GET
def round_payments(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id)
    return render(request, "payments/round.html", _round_context(request, round_))


@capability_required(Capability.PAYMENT_PREPARE)
@require_POST
def prepare(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id)
    try:
        outcome = services.batch_prepare(
            by=request.user, round=round_, token=request.POST.get(TOKEN, ""), context=AuditContext.of(request)
        )
    except ValidationError as exc:
        context = _round_context(request, round_, errors=messages_of(exc))
        return render(request, "payments/round.html", context, status=status_of(exc))
    return _done(request, outcome, _("The batch is prepared. Another person must release it."))


# -- a batch -----------------------------------------------------------------------------------------


def _batch_context(request: HttpRequest, batch: PaymentBatch, **extra: Any) -> dict[str, Any]:
    user = request.user
    can_prepare = check(user, Capability.PAYMENT_PREPARE).allowed
    can_release = check(user, Capability.PAYMENT_RELEASE).allowed
    payments = list(
        batch.payments.select_related("organisation", "reissue_of", "reissued_as").order_by("payee_name")
    )
    released = batch.status == BatchStatus.RELEASED
    rows = []
    for payment in payments:
        token = ""
        if can_prepare and released and payment.status == PaymentStatus.PENDING:
            token = idempotency.issue(user, "payment.result", payment.pk)
        reissue_token = ""
        if can_prepare and payment.status == PaymentStatus.FAILED and not payment.reissued:
            reissue_token = idempotency.issue(user, "payment.reissue", payment.pk)
        rows.append(
            {
                "payment": payment,
                "paid_form": PaidForm(token=token, prefix=f"p{payment.pk.hex[:8]}") if token else None,
                "failed_form": FailedForm(token=token, prefix=f"f{payment.pk.hex[:8]}") if token else None,
                "reissue_token": reissue_token,
            }
        )
    prepared = batch.status == BatchStatus.PREPARED
    is_maker = batch.prepared_by_id == user.pk
    failed_open = [p for p in payments if p.status == PaymentStatus.FAILED and not p.reissued]
    context = {
        "batch": batch,
        "version": batch.plan_version,
        "round": batch.plan_version.round,
        "rows": rows,
        "can_prepare": can_prepare,
        "can_release": can_release,
        "can_export": can_prepare or can_release,
        "release_form": ReleaseForm(token=idempotency.issue(user, "payment_batch.release", batch.pk))
        if can_release and prepared and not is_maker
        else None,
        "is_maker": is_maker,
        "cancel_form": CancelForm(token=idempotency.issue(user, "payment_batch.cancel", batch.pk))
        if can_prepare and prepared
        else None,
        "reissue_all_token": idempotency.issue(user, "payment.reissue", batch.pk)
        if can_prepare and len(failed_open) > 1
        else "",
        "failed_open": failed_open,
        "results_form": BankResultsForm(token=idempotency.issue(user, bank_results.ACTION, batch.pk))
        if can_prepare and released and any(p.status == PaymentStatus.PENDING for p in payments)
        else None,
        "result_imports": list(batch.result_imports.select_related("uploaded_by")),
        "result_problems": [],
        "errors": [],
    }
    context.update(extra)
    return context


def _batch(batch_id: uuid.UUID) -> PaymentBatch:
    return get_object_or_404(
        PaymentBatch.objects.select_related("plan_version__round", "prepared_by", "released_by"), pk=batch_id
    )


@payment_reader
@require_GET
def batch_detail(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _batch(batch_id)
    return render(request, "payments/batch.html", _batch_context(request, batch))


def _refused(request: HttpRequest, batch: PaymentBatch, exc: ValidationError) -> HttpResponse:
    batch.refresh_from_db()
    context = _batch_context(request, batch, errors=messages_of(exc))
    return render(request, "payments/batch.html", context, status=status_of(exc))


@capability_required(Capability.PAYMENT_RELEASE)
@require_POST
def release(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _batch(batch_id)
    try:
        outcome = services.batch_release(
            by=request.user,
            batch=batch,
            code=request.POST.get("code", ""),
            lock=_lock(request),
            token=request.POST.get(TOKEN, ""),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        return _refused(request, batch, exc)
    return _done(request, outcome, _("The batch is released: send the transfer list to the bank."))


@capability_required(Capability.PAYMENT_PREPARE)
@require_POST
def cancel(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _batch(batch_id)
    try:
        outcome = services.batch_cancel(
            by=request.user,
            batch=batch,
            reason=request.POST.get("reason", ""),
            lock=_lock(request),
            token=request.POST.get(TOKEN, ""),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        return _refused(request, batch, exc)
    return _done(request, outcome, _("The batch is cancelled; its applicants can be paid in a new batch."))


def _payment(payment_id: uuid.UUID) -> Payment:
    return get_object_or_404(Payment.objects.select_related("batch__plan_version__round"), pk=payment_id)


def _prefixed(request: HttpRequest, prefix: str, name: str) -> str:
    return request.POST.get(f"{prefix}-{name}", request.POST.get(name, ""))


@capability_required(Capability.PAYMENT_PREPARE)
@require_POST
def mark_paid(request: HttpRequest, payment_id: uuid.UUID) -> HttpResponse:
    payment = _payment(payment_id)
    prefix = f"p{payment.pk.hex[:8]}"
    form = PaidForm(request.POST, prefix=prefix)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        outcome = services.payment_mark_paid(
            by=request.user,
            payment=payment,
            voucher_number=data.get("voucher_number", "") or "",
            paid_on=data.get("paid_on"),
            token=_prefixed(request, prefix, TOKEN),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        return _refused(request, payment.batch, exc)
    return _done(request, outcome, _("The payment is recorded as paid."))


@capability_required(Capability.PAYMENT_PREPARE)
@require_POST
def mark_failed(request: HttpRequest, payment_id: uuid.UUID) -> HttpResponse:
    payment = _payment(payment_id)
    prefix = f"f{payment.pk.hex[:8]}"
    try:
        outcome = services.payment_mark_failed(
            by=request.user,
            payment=payment,
            reason=_prefixed(request, prefix, "failure_reason"),
            token=_prefixed(request, prefix, TOKEN),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        return _refused(request, payment.batch, exc)
    return _done(
        request, outcome, _("The payment is recorded as failed. Re-issue it once the cause is fixed.")
    )


@capability_required(Capability.PAYMENT_PREPARE)
@require_POST
def reissue(request: HttpRequest, payment_id: uuid.UUID) -> HttpResponse:
    payment = _payment(payment_id)
    try:
        outcome = services.payments_reissue(
            by=request.user,
            payments=[payment],
            target=payment.pk,
            token=request.POST.get(TOKEN, ""),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        return _refused(request, payment.batch, exc)
    return _done(request, outcome, _("The payment is re-issued in a new batch, which must be released."))


@capability_required(Capability.PAYMENT_PREPARE)
@require_POST
def reissue_all(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _batch(batch_id)
    failed = [p for p in batch.payments.filter(status=PaymentStatus.FAILED) if not p.reissued]
    try:
        outcome = services.payments_reissue(
            by=request.user,
            payments=failed,
            target=batch.pk,
            token=request.POST.get(TOKEN, ""),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        return _refused(request, batch, exc)
    return _done(
        request, outcome, _("The failed payments are re-issued in a new batch, which must be released.")
    )


@signed_in
@require_GET
def export(request: HttpRequest, batch_id: uuid.UUID, kind: str) -> HttpResponse:
    batch = _batch(batch_id)
    if kind not in ("xlsx", "csv"):
        raise Http404
    try:
        data = exports.transfer_list(
            by=request.user, batch=batch, kind=kind, context=AuditContext.of(request)
        )
    except ValidationError as exc:
        return _refused(request, batch, exc)
    version = batch.plan_version
    name = f"transfers-{version.round.sales_year}-v{version.number}-{batch.number}.{kind}"
    response = HttpResponse(data, content_type=XLSX if kind == "xlsx" else "text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(name)
    response["Cache-Control"] = "no-store, private, max-age=0"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@capability_required(Capability.PAYMENT_PREPARE)
@require_POST
def import_results(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _batch(batch_id)
    try:
        outcome = bank_results.import_results(
            by=request.user,
            batch=batch,
            upload=request.FILES.get("file"),
            token=request.POST.get(TOKEN, ""),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        batch.refresh_from_db()
        context = _batch_context(
            request, batch, errors=messages_of(exc), result_problems=getattr(exc, "rows", [])
        )
        return render(request, "payments/batch.html", context, status=status_of(exc))
    return _done(
        request,
        outcome,
        _("The bank's results are recorded: %(paid)s paid, %(failed)s failed.")
        % {"paid": outcome.result.get("paid", 0), "failed": outcome.result.get("failed", 0)},
    )


@capability_required(Capability.PAYMENT_PREPARE)
@require_GET
def results_template(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _batch(batch_id)
    try:
        data = exports.results_template(by=request.user, batch=batch, context=AuditContext.of(request))
    except ValidationError as exc:
        return _refused(request, batch, exc)
    version = batch.plan_version
    name = f"bank-results-{version.round.sales_year}-v{version.number}-{batch.number}.xlsx"
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(name)
    response["Cache-Control"] = "no-store, private, max-age=0"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- reconciliation ----------------------------------------------------------------------------------


@payment_reader
@require_GET
def reconciliation(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id)
    return render(
        request, "payments/reconciliation.html", {"report": reconcile_round(round_), "round": round_}
    )
