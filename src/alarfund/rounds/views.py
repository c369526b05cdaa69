"""The bureau's round pages (Capability.ROUND_MANAGE) and the public pages of published rounds.

Thin views: fetch (with permission), call one service, render. Validation messages come from the
services, keyed by field; a stale edit is shown as a conflict (HTTP 409).
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alarfund.accounts.decorators import capability_required
from alarfund.accounts.permissions import Capability
from alarfund.audit.services import AuditContext
from alarfund.policy.parameters import parameters_for
from alarfund.stale import StaleEdit

from . import services
from .call import LINE_TITLES, call_context, covered_sales_years
from .forms import AuditorEngagementForm, ExtraMaterialForm, RoundForm, SalesYearForm
from .models import ROUND_TRANSITIONS, Round, RoundStatus

PUBLIC_STATUSES = (RoundStatus.PUBLISHED, RoundStatus.CLOSED)


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: next to its field when there is one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            if field == "interpretation":
                target = None
            form.add_error(target, errors)
    else:
        form.add_error(None, exc)


def _zh() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


# -- the bureau's pages -----------------------------------------------------------------------------


@capability_required(Capability.ROUND_MANAGE)
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    rounds = Round.objects.order_by("-sales_year")
    taken = {r.sales_year for r in rounds}
    free = [year for year in covered_sales_years() if year not in taken]
    context = {
        "rounds": rounds,
        "year_form": SalesYearForm(years=free) if free else None,
        "today": timezone.localdate(),
    }
    return render(request, "rounds/manage.html", context)


@capability_required(Capability.ROUND_MANAGE)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Open a round: the form is pre-filled with the measure's defaults for the chosen sales year."""
    source = request.POST if request.method == "POST" else request.GET
    year_form = SalesYearForm(source, years=list(covered_sales_years()))
    if not year_form.is_valid():
        return redirect("rounds:manage")
    sales_year = year_form.cleaned_data["sales_year"]
    defaults = services.round_defaults(sales_year)
    params = parameters_for(sales_year)
    if request.method == "POST":
        form = RoundForm(request.POST, params=params)
        if form.is_valid():
            try:
                round_ = services.round_create(
                    by=request.user, sales_year=sales_year, context=AuditContext.of(request), **form.values()
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("The round for %(year)s is created as a draft.") % {"year": sales_year}
                )
                return redirect("rounds:edit", round_id=round_.pk)
    else:
        form = RoundForm(initial=RoundForm.initial_from(defaults), params=params)
    context = {"form": form, "sales_year": sales_year, "defaults": defaults}
    return render(request, "rounds/create.html", context, status=400 if form.errors else 200)


def _edit_context(
    round_: Round,
    form: RoundForm,
    material_form: ExtraMaterialForm,
    auditor_form: AuditorEngagementForm | None = None,
) -> dict[str, Any]:
    return {
        "round": round_,
        "form": form,
        "material_form": material_form,
        "auditor_form": auditor_form or AuditorEngagementForm(round=round_),
        "engagements": round_.engagements.select_related("auditor", "engaged_by").order_by("engaged_at"),
        "extras": round_.extra_materials.order_by("code"),
        "line_titles": LINE_TITLES,
        "can_publish": RoundStatus.PUBLISHED in ROUND_TRANSITIONS[round_.status],
        "can_close": RoundStatus.CLOSED in ROUND_TRANSITIONS[round_.status],
        "closed": round_.status == RoundStatus.CLOSED,
    }


def _round_form(round_: Round, data: Any = None) -> RoundForm:
    initial = RoundForm.initial_from(
        {
            "window_start": round_.window_start,
            "window_end": round_.window_end,
            "budget_total": round_.budget_total,
            "budget_7": round_.budget_7,
            "budget_8": round_.budget_8,
            "budget_10": round_.budget_10,
            "enquiries": round_.enquiries,
            "interpretation": round_.interpretation,
            "version": round_.version,
        }
    )
    form = RoundForm(data, initial=initial, params=parameters_for(round_.sales_year))
    if round_.status == RoundStatus.CLOSED:
        for field in form.fields.values():
            field.disabled = True
    return form


@capability_required(Capability.ROUND_MANAGE)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id)
    status = 200
    conflict = False
    if request.method == "POST":
        form = _round_form(round_, request.POST)
        if form.is_valid():
            try:
                services.round_update(
                    by=request.user,
                    round=round_,
                    version=form.cleaned_data.get("version"),
                    context=AuditContext.of(request),
                    **form.values(),
                )
            except StaleEdit as exc:
                conflict = True
                form.add_error(None, exc)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The round is saved."))
                return redirect("rounds:edit", round_id=round_.pk)
        status = 409 if conflict else 400
    else:
        form = _round_form(round_)
    context = {**_edit_context(round_, form, ExtraMaterialForm()), "conflict": conflict}
    return render(request, "rounds/edit.html", context, status=status)


@capability_required(Capability.ROUND_MANAGE)
@require_POST
def transition(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id)
    target = request.POST.get("to", "")
    if target not in RoundStatus.values:
        return HttpResponse(status=400)
    try:
        services.round_transition(by=request.user, round=round_, to=target, context=AuditContext.of(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if target == RoundStatus.PUBLISHED:
            messages.success(request, _("The round is published: its call for applications is public."))
        else:
            messages.success(request, _("The round is closed."))
    return redirect("rounds:edit", round_id=round_.pk)


@capability_required(Capability.ROUND_MANAGE)
@require_POST
def material_add(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id)
    material_form = ExtraMaterialForm(request.POST)
    if material_form.is_valid():
        data = material_form.cleaned_data
        try:
            services.extra_material_add(
                by=request.user,
                round=round_,
                code=data["code"],
                label_zh=data["label_zh"],
                label_en=data["label_en"],
                required=data["required"],
                applies_to=data["applies_to"],
                context=AuditContext.of(request),
            )
        except ValidationError as exc:
            apply_errors(material_form, exc)
        else:
            messages.success(request, _("The material is added to the round's checklist."))
            return HttpResponseRedirect(reverse("rounds:edit", kwargs={"round_id": round_.pk}) + "#materials")
    context = {**_edit_context(round_, _round_form(round_), material_form), "conflict": False}
    return render(request, "rounds/edit.html", context, status=400)


@capability_required(Capability.REVIEW_SECOND)
@require_POST
def auditor_engage(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    """Art. 17(三), 18: engage a third-party auditor; the auditor then sees this round's applications."""
    round_ = get_object_or_404(Round, pk=round_id)
    auditor_form = AuditorEngagementForm(request.POST, round=round_)
    if auditor_form.is_valid():
        try:
            services.auditor_engage(
                by=request.user,
                round=round_,
                auditor=auditor_form.cleaned_data["auditor"],
                contract_reference=auditor_form.cleaned_data["contract_reference"],
                context=AuditContext.of(request),
            )
        except ValidationError as exc:
            apply_errors(auditor_form, exc)
        else:
            messages.success(request, _("The auditor is engaged for this round."))
            return HttpResponseRedirect(reverse("rounds:edit", kwargs={"round_id": round_.pk}) + "#auditors")
    context = {
        **_edit_context(round_, _round_form(round_), ExtraMaterialForm(), auditor_form),
        "conflict": False,
    }
    return render(request, "rounds/edit.html", context, status=400)


# -- public pages -------------------------------------------------------------------------------------


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """Published rounds, newest first; `?year=2026` goes straight to that year's call."""
    rounds = Round.objects.filter(status__in=PUBLIC_STATUSES).order_by("-sales_year")
    year = request.GET.get("year", "")
    if year:
        match = next((r for r in rounds if str(r.sales_year) == year.strip()), None)
        if match is None:
            raise Http404
        return redirect("rounds:call", round_id=match.pk)
    return render(request, "rounds/public_list.html", {"rounds": rounds, "today": timezone.localdate()})


@require_GET
def call(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    """The round's call for applications (申报通知), generated from its settings and the measure."""
    round_ = get_object_or_404(Round, pk=round_id, status__in=PUBLIC_STATUSES)
    context = call_context(round_, _zh())
    context["window"] = services.window_state(round_, timezone.localdate())
    return render(request, "rounds/call.html", context)
