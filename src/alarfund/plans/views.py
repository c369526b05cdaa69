"""The plan pages: the officer's work area (plan), the approver's (plan_approve), versions, exports.

Thin views: fetch with permission, call one service, render. A refused step is shown on the version's
page with the reason: 400 for bad input, 409 for a step out of sequence or a stale page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alarfund.accounts.decorators import capability_required, signed_in
from alarfund.accounts.permissions import Capability, Refused, check
from alarfund.applications.models import Application
from alarfund.audit.services import AuditContext
from alarfund.evidence.filenames import content_disposition
from alarfund.policy.parameters import parameters_for
from alarfund.rounds.models import Round
from alarfund.stale import StaleEdit

from . import commitments as commitment_services
from . import exports, files, report, services, whatif
from .forms import AdjustmentForm, ApprovalForm, ReasonForm, SwitchesForm
from .models import Adjustment, PlanVersion, VersionStatus

View = Callable[..., HttpResponse]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plan_reader(view: View) -> View:
    """Those who prepare, approve, pay or oversee the plan may read it."""

    @signed_in
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        decision = files.can_read_plan(request.user)
        if not decision:
            raise Refused(decision)
        return view(request, *args, **kwargs)

    return wrapped


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for errors in exc.message_dict.values() for m in errors]
    return [str(m) for m in exc.messages]


def _status(exc: ValidationError) -> int:
    return 409 if isinstance(exc, services.OutOfSequence | StaleEdit) else 400


# -- work areas -----------------------------------------------------------------------------------


def _rounds_overview() -> list[dict[str, Any]]:
    rows = []
    for round_ in Round.objects.order_by("-sales_year"):
        current = services.current_version(round_)
        rows.append(
            {
                "round": round_,
                "current": current,
                "commitments": commitment_services.commitments_summary(round_),
            }
        )
    return rows


@capability_required(Capability.PLAN_PREPARE)
@require_GET
def prepare_home(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/home.html", {"rows": _rounds_overview(), "approver": False})


@capability_required(Capability.PLAN_APPROVE)
@require_GET
def approve_home(request: HttpRequest) -> HttpResponse:
    waiting = PlanVersion.objects.filter(status=VersionStatus.FROZEN).select_related("round")
    approved = PlanVersion.objects.filter(status=VersionStatus.APPROVED).select_related("round")
    context = {"rows": _rounds_overview(), "waiting": waiting, "approved": approved, "approver": True}
    return render(request, "plans/home.html", context)


# -- the round's plan and its versions ------------------------------------------------------------


@plan_reader
@require_GET
def round_plan(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id)
    current = services.current_version(round_)
    if current is not None:
        return redirect("plans:version", version_id=current.pk)
    context = {
        "round": round_,
        "versions": [],
        "can_prepare": check(request.user, Capability.PLAN_PREPARE).allowed,
        "commitments": commitment_services.commitments_summary(round_),
    }
    return render(request, "plans/start.html", context)


@capability_required(Capability.PLAN_PREPARE)
@require_POST
def start(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id)
    try:
        version = services.plan_start(by=request.user, round=round_, context=AuditContext.of(request))
    except ValidationError as exc:
        for text in _messages(exc):
            messages.error(request, text)
        return redirect("plans:round", round_id=round_.pk)
    return redirect("plans:version", version_id=version.pk)


def _version_context(request: HttpRequest, version: PlanVersion, **extra: Any) -> dict[str, Any]:
    plan = report.build(version)
    params = parameters_for(version.round.sales_year)
    user = request.user
    can_prepare = check(user, Capability.PLAN_PREPARE).allowed
    applicants = [(a.id, a.name) for a in plan.applicants]
    counted = commitment_services.commitments_summary(version.round)["counted"]
    context = {
        "version": version,
        "round": version.round,
        "plan": plan,
        "versions": version.round.plan_versions.all(),
        "can_prepare": can_prepare,
        "can_approve": check(user, Capability.PLAN_APPROVE).allowed,
        "can_pay": check(user, Capability.PAYMENT_PREPARE).allowed,
        "is_draft": version.status == VersionStatus.DRAFT,
        "adjustments": version.adjustments.select_related("application__organisation"),
        "switches_form": SwitchesForm(initial=version.interpretation, params=params),
        "adjustment_form": AdjustmentForm(applicants=applicants),
        "approval_form": ApprovalForm(),
        "reason_form": ReasonForm(),
        "commitments_changed": counted != version.commitments_total,
        "approval_files": version.files.all(),
        "errors": [],
    }
    context.update(extra)
    return context


@plan_reader
@require_GET
def version_detail(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    version = get_object_or_404(PlanVersion.objects.select_related("round"), pk=version_id)
    return render(request, "plans/version.html", _version_context(request, version))


def _refused(request: HttpRequest, version: PlanVersion, exc: ValidationError, **forms: Any) -> HttpResponse:
    version.refresh_from_db()
    context = _version_context(request, version, errors=_messages(exc), **forms)
    return render(request, "plans/version.html", context, status=_status(exc))


def _lock(request: HttpRequest) -> int | None:
    raw = request.POST.get("lock", "")
    return int(raw) if raw.isdigit() else None


def _step(
    request: HttpRequest, version_id: uuid.UUID, call: Callable[[PlanVersion], Any], done: str
) -> HttpResponse:
    version = get_object_or_404(PlanVersion.objects.select_related("round"), pk=version_id)
    try:
        result = call(version)
    except ValidationError as exc:
        return _refused(request, version, exc)
    messages.success(request, done)
    target = result if isinstance(result, PlanVersion) else version
    return redirect("plans:version", version_id=target.pk)


@capability_required(Capability.PLAN_PREPARE)
@require_POST
def compute(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    context = AuditContext.of(request)
    return _step(
        request,
        version_id,
        lambda v: services.plan_compute(by=request.user, version=v, context=context),
        _("The plan is recomputed from the current figures."),
    )


@capability_required(Capability.PLAN_PREPARE)
@require_POST
def switches(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    version = get_object_or_404(PlanVersion.objects.select_related("round"), pk=version_id)
    form = SwitchesForm(request.POST, params=parameters_for(version.round.sales_year))
    if not form.is_valid():
        return _refused(
            request, version, ValidationError(_("Choose one option for every switch.")), switches_form=form
        )
    try:
        services.plan_set_switches(
            by=request.user,
            version=version,
            interpretation=dict(form.cleaned_data),
            lock=_lock(request),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        return _refused(request, version, exc, switches_form=form)
    messages.success(request, _("The switches of this version are set and the plan is recomputed."))
    return redirect("plans:version", version_id=version.pk)


@capability_required(Capability.PLAN_PREPARE)
@require_POST
def adjust(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    version = get_object_or_404(PlanVersion.objects.select_related("round"), pk=version_id)
    applicants = [(a, a) for a in version.sources]
    form = AdjustmentForm(request.POST, applicants=applicants)
    if not form.is_valid():
        return _refused(request, version, ValidationError(_("Fill in every field of the adjustment.")))
    application = get_object_or_404(Application, pk=form.cleaned_data["application"])
    try:
        services.adjustment_set(
            by=request.user,
            version=version,
            application=application,
            line=form.cleaned_data["line"],
            level=form.cleaned_data["level"],
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
            lock=_lock(request),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        return _refused(request, version, exc)
    messages.success(request, _("The adjustment is recorded and the plan is recomputed."))
    return redirect("plans:version", version_id=version.pk)


@capability_required(Capability.PLAN_PREPARE)
@require_POST
def adjustment_remove(request: HttpRequest, adjustment_id: uuid.UUID) -> HttpResponse:
    adjustment = get_object_or_404(Adjustment.objects.select_related("version"), pk=adjustment_id)
    try:
        services.adjustment_remove(by=request.user, adjustment=adjustment, context=AuditContext.of(request))
    except ValidationError as exc:
        return _refused(request, adjustment.version, exc)
    messages.success(request, _("The adjustment is removed and the plan is recomputed."))
    return redirect("plans:version", version_id=adjustment.version_id)


@capability_required(Capability.PLAN_PREPARE)
@require_POST
def freeze(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    context = AuditContext.of(request)
    return _step(
        request,
        version_id,
        lambda v: services.plan_freeze(by=request.user, version=v, lock=_lock(request), context=context),
        _("The version is frozen and waits for approval."),
    )


@capability_required(Capability.PLAN_APPROVE)
@require_POST
def approve(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    version = get_object_or_404(PlanVersion.objects.select_related("round"), pk=version_id)
    form = ApprovalForm(request.POST, request.FILES)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        services.plan_approve(
            by=request.user,
            version=version,
            document_number=data.get("document_number", ""),
            approval_date=data.get("approval_date"),
            upload=data.get("file"),
            lock=_lock(request),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        return _refused(request, version, exc, approval_form=form)
    messages.success(request, _("The approval of the Division and city is recorded."))
    return redirect("plans:version", version_id=version.pk)


@capability_required(Capability.PLAN_PREPARE)
@require_POST
def new_version(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    context = AuditContext.of(request)
    reason = request.POST.get("reason", "")
    return _step(
        request,
        version_id,
        lambda v: services.plan_new_version(by=request.user, version=v, reason=reason, context=context),
        _("A new draft version is started."),
    )


@capability_required(Capability.PLAN_PREPARE)
@require_POST
def verify(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    version = get_object_or_404(PlanVersion.objects.select_related("round"), pk=version_id)
    result = services.plan_verify(by=request.user, version=version, context=AuditContext.of(request))
    if result.reproduced:
        messages.success(request, _("Recomputed from its snapshot, this version is reproduced to the fen."))
    else:
        messages.error(
            request,
            _("Recomputed from its snapshot, this version differs: %(diff)s")
            % {"diff": "; ".join(result.differences[:5])},
        )
    if not result.parameters_unchanged:
        messages.warning(request, _("The parameters file now differs from the entries this version used."))
    return redirect("plans:version", version_id=version.pk)


@plan_reader
@require_GET
def what_if(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    version = get_object_or_404(PlanVersion.objects.select_related("round"), pk=version_id)
    params = parameters_for(version.round.sales_year)
    form = SwitchesForm(request.GET or None, initial=version.interpretation, params=params)
    comparison = (
        whatif.compare(version, dict(form.cleaned_data)) if form.is_bound and form.is_valid() else None
    )
    context = {"version": version, "round": version.round, "form": form, "comparison": comparison}
    return render(request, "plans/whatif.html", context)


# -- exports and files ----------------------------------------------------------------------------


def _attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    response["Cache-Control"] = "no-store, private, max-age=0"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@plan_reader
@require_GET
def export(request: HttpRequest, version_id: uuid.UUID, kind: str) -> HttpResponse:
    version = get_object_or_404(PlanVersion.objects.select_related("round"), pk=version_id)
    plan = report.build(version)
    stem = f"plan-{version.round.sales_year}-v{version.number}"
    if kind == "xlsx":
        return _attachment(exports.plan_xlsx(plan), XLSX, f"{stem}.xlsx")
    if kind == "pdf":
        return _attachment(exports.plan_pdf(plan), "application/pdf", f"{stem}.pdf")
    if kind == "notice":
        return _attachment(
            exports.notice_xlsx(plan), XLSX, f"notice-{version.round.sales_year}-v{version.number}.xlsx"
        )
    raise Http404


@capability_required(Capability.PAYMENT_PREPARE)
@require_GET
def payment_list(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id)
    try:
        version, data = services.payment_list_export(
            by=request.user, round=round_, context=AuditContext.of(request)
        )
    except services.OutOfSequence as exc:
        return render(request, "plans/refused.html", {"round": round_, "errors": _messages(exc)}, status=409)
    return _attachment(data, XLSX, f"payment-list-{round_.sales_year}-v{version.number}.xlsx")


@signed_in
@require_GET
def file_download(request: HttpRequest, file_id: uuid.UUID) -> FileResponse:
    row, handle = files.plan_file_open(user=request.user, file_id=file_id, context=AuditContext.of(request))
    response = FileResponse(handle, content_type=row.content_type)
    response["Content-Disposition"] = content_disposition(row.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private, max-age=0"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
