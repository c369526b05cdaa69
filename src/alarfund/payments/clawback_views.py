"""The clawback pages (Art. 20): findings, a new finding, a finding with its recoveries, its files."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alarfund import idempotency
from alarfund.accounts.decorators import capability_required, signed_in
from alarfund.accounts.models import Organisation
from alarfund.accounts.permissions import Capability, check
from alarfund.applications.models import Application
from alarfund.audit.services import AuditContext
from alarfund.evidence.filenames import content_disposition
from alarfund.rounds.models import Round

from . import clawback
from .forms import FindingForm, RecoveryForm
from .models import FraudFinding
from .views import TOKEN, _done, messages_of, payment_reader, status_of


@payment_reader
@require_GET
def findings(request: HttpRequest) -> HttpResponse:
    rows = (
        FraudFinding.objects.select_related("organisation", "round", "ban_entry")
        .annotate(recovered=Sum("recoveries__amount"))
        .order_by("-found_on")
    )
    context = {
        "findings": rows,
        "can_record": check(request.user, Capability.PAYMENT_PREPARE).allowed,
        "rounds": Round.objects.order_by("-sales_year"),
    }
    return render(request, "payments/findings.html", context)


def _new_context(
    request: HttpRequest, round_: Round, form: FindingForm | None = None, **extra: Any
) -> dict[str, Any]:
    token = idempotency.issue(request.user, "fraud_finding.record", round_.pk)
    if form is None:
        form = FindingForm(token=token)
    else:
        form.data = form.data.copy()
        form.data[TOKEN] = token
    context = {"round": round_, "form": form, "errors": []}
    context.update(extra)
    return context


@capability_required(Capability.PAYMENT_PREPARE)
@require_http_methods(["GET", "POST"])
def finding_new(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id)
    if request.method == "GET":
        return render(request, "payments/finding_new.html", _new_context(request, round_))
    form = FindingForm(request.POST, request.FILES)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    uscc = (data.get("uscc") or "").strip().upper()
    organisation = Organisation.objects.filter(uscc=uscc).first() if uscc else None
    if organisation is None:
        exc = ValidationError(
            {"uscc": [_("No registered organisation has this unified social credit code.")]}
        )
        context = _new_context(request, round_, form, errors=messages_of(exc))
        return render(request, "payments/finding_new.html", context, status=400)
    application = Application.objects.filter(round=round_, organisation=organisation).first()
    try:
        outcome = clawback.finding_record(
            by=request.user,
            round=round_,
            organisation=organisation,
            application=application,
            found_on=data.get("found_on"),
            decision_number=data.get("decision_number", ""),
            description=data.get("description", ""),
            amount_due=data.get("amount_due") or None,
            reduction_reason=data.get("reduction_reason", ""),
            upload=request.FILES.get("file"),
            token=request.POST.get(TOKEN, ""),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        context = _new_context(request, round_, form, errors=messages_of(exc))
        return render(request, "payments/finding_new.html", context, status=status_of(exc))
    return _done(request, outcome, _("The finding, its recovery order and the ban are recorded."))


def _finding_context(request: HttpRequest, finding: FraudFinding, **extra: Any) -> dict[str, Any]:
    can_record = check(request.user, Capability.PAYMENT_PREPARE).allowed
    open_ = finding.status == "open"
    context = {
        "finding": finding,
        "recoveries": finding.recoveries.select_related("recorded_by"),
        "recovered": clawback.recovered(finding),
        "outstanding": clawback.outstanding(finding),
        "files": finding.files.all(),
        "form": RecoveryForm(token=idempotency.issue(request.user, "fraud_finding.recovery", finding.pk))
        if can_record and open_
        else None,
        "errors": [],
    }
    context.update(extra)
    return context


def _finding(finding_id: uuid.UUID) -> FraudFinding:
    return get_object_or_404(
        FraudFinding.objects.select_related("organisation", "round", "ban_entry", "recorded_by"),
        pk=finding_id,
    )


@payment_reader
@require_GET
def finding_detail(request: HttpRequest, finding_id: uuid.UUID) -> HttpResponse:
    finding = _finding(finding_id)
    return render(request, "payments/finding.html", _finding_context(request, finding))


@capability_required(Capability.PAYMENT_PREPARE)
@require_POST
def recovery(request: HttpRequest, finding_id: uuid.UUID) -> HttpResponse:
    finding = _finding(finding_id)
    form = RecoveryForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        outcome = clawback.recovery_record(
            by=request.user,
            finding=finding,
            amount=data.get("amount", ""),
            received_on=data.get("received_on"),
            reference=data.get("reference", ""),
            token=request.POST.get(TOKEN, ""),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        finding.refresh_from_db()
        context = _finding_context(request, finding, errors=messages_of(exc))
        return render(request, "payments/finding.html", context, status=status_of(exc))
    return _done(request, outcome, _("The recovered amount is recorded."))


@signed_in
@require_GET
def finding_file(request: HttpRequest, file_id: uuid.UUID) -> FileResponse:
    row, handle = clawback.finding_file_open(
        user=request.user, file_id=file_id, context=AuditContext.of(request)
    )
    response = FileResponse(handle, content_type=row.content_type)
    response["Content-Disposition"] = content_disposition(row.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private, max-age=0"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
