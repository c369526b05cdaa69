"""The round's commitments: list and add, one commitment with its payments and deliverables."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alarfund.accounts.decorators import capability_required
from alarfund.accounts.permissions import Capability, check, require
from alarfund.audit.services import AuditContext
from alarfund.rounds.models import Round

from . import commitments as services
from .forms import CommitmentForm, DeliverableForm, PaymentForm
from .models import Commitment
from .views import plan_reader


def _apply(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@plan_reader
@require_http_methods(["GET", "POST"])
def round_commitments(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id)
    form = CommitmentForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Capability.PLAN_PREPARE)
        if form.is_valid():
            try:
                services.commitment_create(
                    by=request.user, round=round_, context=AuditContext.of(request), **form.cleaned_data
                )
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("The commitment is recorded."))
                return redirect("plans:commitments", round_id=round_.pk)
    context = {
        "round": round_,
        "commitments": round_.commitments.prefetch_related("payments", "deliverables"),
        "summary": services.commitments_summary(round_),
        "form": form,
        "can_prepare": check(request.user, Capability.PLAN_PREPARE).allowed,
    }
    return render(request, "plans/commitments.html", context, status=400 if form.errors else 200)


def _detail(request: HttpRequest, commitment: Commitment, status: int = 200, **forms: Any) -> HttpResponse:
    initial = {
        name: getattr(commitment, name)
        for name in (
            "article",
            "label",
            "provider",
            "amount",
            "document_number",
            "funded_elsewhere",
            "purpose",
        )
    }
    context = {
        "commitment": commitment,
        "round": commitment.round,
        "edit_form": forms.get("edit_form") or CommitmentForm(initial=initial),
        "payment_form": forms.get("payment_form") or PaymentForm(),
        "deliverable_form": forms.get("deliverable_form") or DeliverableForm(),
        "can_prepare": check(request.user, Capability.PLAN_PREPARE).allowed,
        "can_pay": check(request.user, Capability.PAYMENT_PREPARE).allowed,
    }
    return render(request, "plans/commitment.html", context, status=status)


@plan_reader
@require_http_methods(["GET", "POST"])
def commitment_detail(request: HttpRequest, commitment_id: uuid.UUID) -> HttpResponse:
    commitment = get_object_or_404(Commitment.objects.select_related("round"), pk=commitment_id)
    if request.method != "POST":
        return _detail(request, commitment)
    form = CommitmentForm(request.POST)
    version = request.POST.get("version", "")
    if form.is_valid():
        try:
            services.commitment_update(
                by=request.user,
                commitment=commitment,
                version=int(version) if version.isdigit() else None,
                context=AuditContext.of(request),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _apply(form, exc)
            return _detail(request, commitment, 409 if exc.code == "stale" else 400, edit_form=form)
        messages.success(request, _("The commitment is updated."))
        return redirect("plans:commitment", commitment_id=commitment.pk)
    return _detail(request, commitment, 400, edit_form=form)


@capability_required(Capability.PAYMENT_PREPARE)
@require_POST
def commitment_payment(request: HttpRequest, commitment_id: uuid.UUID) -> HttpResponse:
    commitment = get_object_or_404(Commitment.objects.select_related("round"), pk=commitment_id)
    form = PaymentForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        services.commitment_payment_add(
            by=request.user,
            commitment=commitment,
            amount=data.get("amount", ""),
            paid_on=data.get("paid_on"),  # type: ignore[arg-type]
            reference=data.get("reference", ""),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        _apply(form, exc)
        return _detail(request, commitment, 400, payment_form=form)
    messages.success(request, _("The payment is recorded."))
    return redirect("plans:commitment", commitment_id=commitment.pk)


@capability_required(Capability.PLAN_PREPARE)
@require_POST
def commitment_deliverable(request: HttpRequest, commitment_id: uuid.UUID) -> HttpResponse:
    commitment = get_object_or_404(Commitment.objects.select_related("round"), pk=commitment_id)
    form = DeliverableForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, commitment, 400, deliverable_form=form)
    try:
        services.deliverable_upload(
            by=request.user,
            commitment=commitment,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        _apply(form, exc)
        return _detail(request, commitment, 400, deliverable_form=form)
    messages.success(request, _("The deliverable is uploaded."))
    return redirect("plans:commitment", commitment_id=commitment.pk)
