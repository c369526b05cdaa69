"""The Commerce Bureau's notice pages: publish a frozen version, follow the notice and its objections,
record findings, close or withdraw. Thin views: fetch, call one service, render; a refused step is
shown with its reason (400 bad input, 409 out of sequence or stale)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alarfund.accounts.decorators import capability_required, signed_in
from alarfund.accounts.permissions import Capability
from alarfund.audit.services import AuditContext
from alarfund.evidence.filenames import content_disposition
from alarfund.plans.models import PlanVersion
from alarfund.stale import StaleEdit

from . import content, objections, services, workdays
from .forms import DecisionForm, PublishForm, ReasonForm
from .models import Notice, Objection, ObjectionStatus

View = Callable[..., HttpResponse]


def decider(view: View) -> View:
    """Those who prepare the plan or carry out the second review (the Commerce Bureau)."""

    @signed_in
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        objections.require_decider(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for errors in exc.message_dict.values() for m in errors]
    return [str(m) for m in exc.messages]


def _status(exc: ValidationError) -> int:
    return 409 if isinstance(exc, services.OutOfSequence | StaleEdit) else 400


def _lock(request: HttpRequest) -> int | None:
    raw = request.POST.get("lock", "")
    return int(raw) if raw.isdigit() else None


# -- publish ----------------------------------------------------------------------------------------


def _preview(version: PlanVersion, starts_on: Any) -> tuple[services.Period | None, str]:
    if starts_on is None:
        return None, ""
    try:
        n = services.working_days_required(version.round.sales_year)
        return services.period_for(starts_on, n), ""
    except workdays.CalendarMissing as exc:
        return None, str(exc)


@capability_required(Capability.PLAN_PREPARE)
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    version = get_object_or_404(PlanVersion.objects.select_related("round"), pk=version_id)
    if request.method == "GET":
        form = PublishForm(request.GET or None, initial={"starts_on": timezone.localdate()})
        starts_on = (
            form.cleaned_data["starts_on"] if form.is_bound and form.is_valid() else timezone.localdate()
        )
        period, missing = _preview(version, starts_on)
        rows, _total = content.snapshot(version)
        context = {
            "version": version,
            "form": form,
            "period": period,
            "missing": missing,
            "rows": content.rows(rows),
            "reissue_of": services.pending_reissue(version),
            "working_days": services.working_days_required(version.round.sales_year),
        }
        return render(request, "notices/publish.html", context)
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        notice = services.notice_publish(
            by=request.user,
            version=version,
            starts_on=getattr(form, "cleaned_data", {}).get("starts_on"),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        rows, _total = content.snapshot(version)
        context = {
            "version": version,
            "form": form,
            "period": None,
            "missing": "",
            "rows": content.rows(rows),
            "reissue_of": services.pending_reissue(version),
            "working_days": services.working_days_required(version.round.sales_year),
            "errors": _messages(exc),
        }
        return render(request, "notices/publish.html", context, status=_status(exc))
    messages.success(request, _("The list is published for public notice."))
    return redirect("notices:manage", notice_id=notice.pk)


# -- the notice and its objections -------------------------------------------------------------------


def _manage_context(notice: Notice, **extra: Any) -> dict[str, Any]:
    try:
        end = services.effective_end(notice)
        missing = ""
    except workdays.CalendarMissing as exc:
        end, missing = notice.earliest_end, str(exc)
    context = {
        "notice": notice,
        "version": notice.plan_version,
        "rows": content.rows(notice.content),
        "objections": notice.objections.all(),
        "open_count": notice.objections.filter(status=ObjectionStatus.OPEN).count(),
        "end": end,
        "missing": missing,
        "today": timezone.localdate(),
        "reason_form": ReasonForm(),
        "errors": [],
    }
    context.update(extra)
    return context


@decider
@require_GET
def manage(request: HttpRequest, notice_id: uuid.UUID) -> HttpResponse:
    notice = get_object_or_404(Notice.objects.select_related("round", "plan_version"), pk=notice_id)
    return render(request, "notices/manage.html", _manage_context(notice))


def _refused(request: HttpRequest, notice: Notice, exc: ValidationError) -> HttpResponse:
    notice.refresh_from_db()
    context = _manage_context(notice, errors=_messages(exc))
    return render(request, "notices/manage.html", context, status=_status(exc))


@capability_required(Capability.PLAN_PREPARE)
@require_POST
def close(request: HttpRequest, notice_id: uuid.UUID) -> HttpResponse:
    notice = get_object_or_404(Notice.objects.select_related("round", "plan_version"), pk=notice_id)
    try:
        services.notice_close(
            by=request.user, notice=notice, lock=_lock(request), context=AuditContext.of(request)
        )
    except ValidationError as exc:
        return _refused(request, notice, exc)
    messages.success(request, _("The notice is closed. The plan can now be approved."))
    return redirect("notices:manage", notice_id=notice.pk)


@capability_required(Capability.PLAN_PREPARE)
@require_POST
def withdraw(request: HttpRequest, notice_id: uuid.UUID) -> HttpResponse:
    notice = get_object_or_404(Notice.objects.select_related("round", "plan_version"), pk=notice_id)
    try:
        services.notice_withdraw(
            by=request.user,
            notice=notice,
            reason=request.POST.get("reason", ""),
            lock=_lock(request),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        return _refused(request, notice, exc)
    messages.success(request, _("The notice is withdrawn."))
    return redirect("notices:manage", notice_id=notice.pk)


@decider
@require_http_methods(["GET", "POST"])
def objection_detail(request: HttpRequest, objection_id: uuid.UUID) -> HttpResponse:
    objection = get_object_or_404(Objection.objects.select_related("notice__round"), pk=objection_id)
    status = 200
    errors: list[str] = []
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        try:
            objections.objection_decide(
                by=request.user,
                objection=objection,
                outcome=data.get("outcome", request.POST.get("outcome", "")),
                finding=request.POST.get("finding", ""),
                context=AuditContext.of(request),
            )
        except ValidationError as exc:
            errors, status = _messages(exc), _status(exc)
            objection.refresh_from_db()
        else:
            messages.success(request, _("The finding is recorded."))
            return redirect("notices:objection", objection_id=objection.pk)
    objections.objection_view(by=request.user, objection=objection, context=AuditContext.of(request))
    context = {"objection": objection, "notice": objection.notice, "form": form, "errors": errors}
    context["code"] = objections.display_code(objection.tracking_code)
    return render(request, "notices/objection.html", context, status=status)


@decider
@require_GET
def objection_attachment(request: HttpRequest, objection_id: uuid.UUID) -> FileResponse:
    row, handle = objections.objection_attachment_open(
        by=request.user, objection_id=objection_id, context=AuditContext.of(request)
    )
    response = FileResponse(handle, content_type=row.attachment_content_type)
    response["Content-Disposition"] = content_disposition(row.attachment_name or "attachment")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private, max-age=0"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
