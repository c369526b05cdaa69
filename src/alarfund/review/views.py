"""The review pages: one page per application for every review role, and its actions.

Thin views: find the application the user's role may open (an auditor only in an engaged round: 403
with the reason otherwise; outside the role's statuses: 404), call one service, render. A refused
decision re-renders the page with the reasons (HTTP 400) and leaves the application unchanged.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alarfund.accounts.choices import Department
from alarfund.accounts.decorators import signed_in
from alarfund.accounts.permissions import Capability, require
from alarfund.applications.models import Application, ApplicationStatus, FigureSource
from alarfund.applications.selectors import application_estimate, checklist_for
from alarfund.applications.services import REQUESTABLE_FIELDS, open_request
from alarfund.audit.services import AuditContext
from alarfund.evidence.selectors import documents_for_subject, visible_documents
from alarfund.registers.selectors import application_findings

from . import services
from .figures import LABELS, OTHER_LABELS, label, relevant_fields
from .flags import application_flags
from .forms import AuditReportForm, OpinionForm, decision_marks, prefixed, version_of
from .models import Stage, Verdict
from .queues import bulk_accept, queue_audit, queue_first, queue_opinions, queue_second
from .selectors import (
    DEPARTMENTS,
    VISIBLE,
    audit_report,
    current_cycle,
    figures_of,
    final_decision,
    latest_opinions,
    marks,
    readiness_problems,
    review_capability,
    scope_of,
    stage_of,
)

__all__ = ["bulk_accept", "queue_audit", "queue_first", "queue_opinions", "queue_second"]
S = ApplicationStatus
C = Capability
QUEUE_OF = {
    C.REVIEW_FIRST: "web:review_first",
    C.REVIEW_SECOND: "web:review_second",
    C.AUDIT_WORK: "web:audit_work",
    C.DEPARTMENT_OPINION: "web:department_opinions",
}


def _open(request: HttpRequest, application_id: uuid.UUID) -> tuple[Application, Capability]:
    """The application, if the user's review role may open it (see module docstring)."""
    capability = review_capability(request.user)
    if capability is None:
        require(request.user, C.REVIEW_FIRST)  # refused with the reason (no review role)
        raise Http404  # pragma: no cover
    application = (
        Application.objects.select_related("round", "organisation").filter(pk=application_id).first()
    )
    if application is None or application.status not in VISIBLE[capability]:
        raise Http404
    require(request.user, capability, scope=scope_of(application, request.user))
    return application, capability


def _figure_rows(
    application: Application, posted: Any = None, field_errors: dict[str, list[str]] | None = None
) -> list[dict[str, Any]]:
    """Each claimed line: declared, audited and final figures, the reason for a final figure that
    differs, and what was posted (with its errors) in the audit and final forms."""
    declared = figures_of(application, FigureSource.DECLARED)
    audited = figures_of(application, FigureSource.AUDITED)
    final = figures_of(application, FigureSource.FINAL)
    decision = final_decision(application)
    errors = field_errors or {}
    rows = []
    for name in relevant_fields(application):
        final_value = getattr(final, name) if final else (getattr(audited, name) if audited else "")
        reason = (decision.reasons or {}).get(name, "") if decision else ""
        rows.append(
            {
                "name": name,
                "label": LABELS[name],
                "money": name != "parcels",
                "declared": getattr(declared, name) if declared else None,
                "audited": getattr(audited, name) if audited else None,
                "final": getattr(final, name) if final else None,
                "reason": reason,
                "audit_input": posted.get(f"a-{name}", "") if posted is not None else "",
                "final_input": posted.get(f"x-{name}", "") if posted is not None else final_value,
                "reason_input": posted.get(f"xr-{name}", "") if posted is not None else reason,
                "error": errors.get(name, []),
                "reason_error": errors.get(f"reason_{name}", []),
            }
        )
    return rows


def _material_rows(
    request: HttpRequest,
    application: Application,
    stage: str | None,
    posted: Any = None,
    field_errors: dict[str, list[str]] | None = None,
) -> list[dict[str, Any]]:
    documents = {
        d.material_code: d
        for d in visible_documents(request.user, documents_for_subject("application", application.pk))
    }
    current = marks(application, stage) if stage else {}
    earlier = marks(application, Stage.FIRST) if stage == Stage.SECOND else {}
    errors = field_errors or {}
    rows = []
    for material in checklist_for(application):
        mark = current.get(("material", material.code)) or earlier.get(("material", material.code))
        verdict = mark.verdict if mark else ""
        reason = mark.reason if mark else ""
        if posted is not None:
            verdict = posted.get(f"m-{material.code}", "")
            reason = posted.get(f"mr-{material.code}", "")
        rows.append(
            {
                "material": material,
                "document": documents.get(material.code),
                "verdict": verdict,
                "reason": reason,
                "first_mark": earlier.get(("material", material.code)),
                "errors": errors.get(f"material:{material.code}", []),
            }
        )
    return rows


def _item_rows(
    application: Application,
    stage: str | None,
    posted: Any = None,
    field_errors: dict[str, list[str]] | None = None,
) -> list[dict[str, Any]]:
    current = marks(application, stage) if stage else {}
    relevant = set(relevant_fields(application))
    errors = field_errors or {}
    rows = []
    for name in REQUESTABLE_FIELDS:
        if name not in relevant and name not in OTHER_LABELS:
            continue
        mark = current.get(("figure", name))
        flagged = bool(mark and mark.verdict == Verdict.NEEDS_SUPPLEMENT)
        reason = mark.reason if flagged and mark else ""
        if posted is not None:
            flagged = posted.get(f"f-{name}") == Verdict.NEEDS_SUPPLEMENT
            reason = posted.get(f"fr-{name}", "")
        rows.append(
            {
                "name": name,
                "label": label(name),
                "flagged": flagged,
                "reason": reason,
                "errors": errors.get(f"figure:{name}", []),
            }
        )
    return rows


def _page(
    request: HttpRequest,
    application: Application,
    capability: Capability,
    *,
    errors: list[str] | None = None,
    field_errors: dict[str, list[str]] | None = None,
    posted: Any = None,
    audit_form: AuditReportForm | None = None,
    opinion_form: OpinionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    stage = stage_of(application.status)
    reviewer = capability in (C.REVIEW_FIRST, C.REVIEW_SECOND)
    may_decide = stage is not None and services.STAGE_CAPABILITY[stage] == capability
    opinions = latest_opinions(application)
    own_department = getattr(request.user, "department", "")
    request_open = open_request(application) if application.status == S.RETURNED else None
    context = {
        "application": application,
        "organisation": application.organisation,
        "capability": capability.value,
        "queue_url": QUEUE_OF[capability],
        "reviewer": reviewer,
        "cycle": current_cycle(application),
        "stage": stage,
        "may_decide": may_decide and stage in (Stage.FIRST, Stage.SECOND, Stage.FINAL),
        "may_accept": may_decide and stage in (Stage.FIRST, Stage.SECOND),
        "figure_rows": _figure_rows(application, posted, field_errors),
        "material_rows": _material_rows(
            request, application, stage if may_decide else None, posted, field_errors
        ),
        "item_rows": _item_rows(application, stage if may_decide else None, posted, field_errors),
        "flags": application_flags(application) if reviewer else [],
        "findings": application_findings(application) if reviewer else [],
        "estimate": application_estimate(application) if reviewer else None,
        "timeline": application.timeline.all(),
        "open_items": _open_items(application, request_open),
        "audit_report": audit_report(application) if capability in (C.AUDIT_WORK, C.REVIEW_SECOND) else None,
        "may_audit": capability == C.AUDIT_WORK and application.status == S.BUREAU_ACCEPTED,
        "audit_form": audit_form or AuditReportForm(),
        "opinions": [
            (Department(d).label, opinions.get(d))
            for d in DEPARTMENTS
            if d == own_department or capability == C.REVIEW_SECOND
        ],
        "may_give_opinion": capability == C.DEPARTMENT_OPINION and application.status == S.AUDITED,
        "opinion_form": opinion_form or OpinionForm(),
        "may_finalise": capability == C.REVIEW_SECOND and application.status == S.AUDITED,
        "readiness": readiness_problems(application) if application.status == S.AUDITED else [],
        "errors": errors or [],
        "field_errors": field_errors or {},
        "posted": posted,
    }
    return render(request, "review/application.html", context, status=status)


def _open_items(application: Application, request: Any) -> list[tuple[str, str]]:
    if request is None:
        return []
    labels = {m.code: str(m.label) for m in checklist_for(application)}
    return [
        (
            labels.get(item.get("code", ""), item.get("code", ""))
            if item.get("kind") == "material"
            else label(item.get("field", "")),
            item.get("reason", ""),
        )
        for item in request.items
    ]


def _split(exc: ValidationError) -> tuple[list[str], dict[str, list[str]]]:
    """Every message for the notice at the top of the page, and those of a field for beside it."""
    if hasattr(exc, "error_dict"):
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items() if k != "__all__"}
        return [str(m) for m in exc.messages], fields
    return [str(m) for m in exc.messages], {}


@signed_in
@require_GET
def application(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    found, capability = _open(request, application_id)
    return _page(request, found, capability)


@signed_in
@require_POST
def decide(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    found, capability = _open(request, application_id)
    codes = [m.code for m in checklist_for(found)]
    decision = request.POST.get("decision", "")
    try:
        result = services.review_decide(
            by=request.user,
            application=found,
            decision=decision,
            marks=decision_marks(request.POST, codes),
            reason=request.POST.get("reason", ""),
            version=version_of(request.POST),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        errors, field_errors = _split(exc)
        found.refresh_from_db()
        return _page(
            request,
            found,
            capability,
            errors=errors,
            field_errors=field_errors,
            posted=request.POST,
            status=400,
        )
    done = {
        "save": _("The marks were saved."),
        "accept": _("The application was accepted."),
        "return": _("The application was returned to the applicant for supplement."),
        "reject": _("The application was rejected."),
    }
    messages.success(request, done[decision])
    if decision == "save":
        return redirect("review:application", application_id=result.pk)
    return redirect(QUEUE_OF[capability])


@signed_in
@require_POST
def audit(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    found, capability = _open(request, application_id)
    form = AuditReportForm(request.POST, request.FILES)
    figures = prefixed(request.POST, "a-", relevant_fields(found))
    if not form.is_valid():
        return _page(request, found, capability, audit_form=form, posted=request.POST, status=400)
    try:
        services.audit_complete(
            by=request.user,
            application=found,
            figures=figures,
            findings=form.cleaned_data.get("findings", ""),
            report_files=form.cleaned_data["report"],
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        errors, field_errors = _split(exc)
        for message in field_errors.pop("report", []):
            form.add_error("report", message)
        return _page(
            request,
            found,
            capability,
            errors=errors,
            field_errors=field_errors,
            audit_form=form,
            posted=request.POST,
            status=400,
        )
    messages.success(request, _("The audit is recorded; the departments are consulted next."))
    return redirect(QUEUE_OF[capability])


@signed_in
@require_POST
def opinion(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    found, capability = _open(request, application_id)
    form = OpinionForm(request.POST)
    if not form.is_valid():
        return _page(request, found, capability, opinion_form=form, status=400)
    try:
        services.opinion_give(
            by=request.user,
            application=found,
            verdict=form.cleaned_data["verdict"],
            reason=form.cleaned_data.get("reason", ""),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        errors, field_errors = _split(exc)
        for name, messages_ in field_errors.items():
            if name in form.fields:
                for message in messages_:
                    form.add_error(name, message)
        return _page(request, found, capability, errors=errors, opinion_form=form, status=400)
    messages.success(request, _("Your department's opinion is recorded."))
    return redirect(QUEUE_OF[capability])


@signed_in
@require_POST
def final(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    found, capability = _open(request, application_id)
    names = relevant_fields(found)
    try:
        services.final_figures_save(
            by=request.user,
            application=found,
            figures=prefixed(request.POST, "x-", names),
            reasons=prefixed(request.POST, "xr-", names),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        errors, field_errors = _split(exc)
        return _page(
            request,
            found,
            capability,
            errors=errors,
            field_errors=field_errors,
            posted=request.POST,
            status=400,
        )
    messages.success(request, _("The final figures are saved."))
    return redirect("review:application", application_id=found.pk)


@signed_in
@require_POST
def ready(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    found, capability = _open(request, application_id)
    try:
        services.review_mark_ready(
            by=request.user,
            application=found,
            note=request.POST.get("note", ""),
            context=AuditContext.of(request),
        )
    except ValidationError as exc:
        errors, field_errors = _split(exc)
        return _page(request, found, capability, errors=errors, field_errors=field_errors, status=400)
    messages.success(request, _("The application is ready for the reward plan."))
    return redirect(QUEUE_OF[capability])
