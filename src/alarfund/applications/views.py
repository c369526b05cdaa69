"""The applicant's pages (Capability.APPLICATION_PREPARE, own organisation only).

Thin views: fetch the application of the user's own organisation (another organisation's is a 404, so
URL guessing learns nothing), call one service, render. Service messages appear next to the fields; a
stale edit is shown as a conflict (HTTP 409).
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alarfund.accounts.decorators import capability_required
from alarfund.accounts.permissions import Capability
from alarfund.audit.services import AuditContext
from alarfund.evidence.forms import DocumentFilesField
from alarfund.evidence.selectors import documents_for_subject
from alarfund.policy.parameters import parameters_for
from alarfund.rounds.call import LINE_TITLES
from alarfund.rounds.models import Round, RoundStatus
from alarfund.rounds.services import window_state
from alarfund.rounds.views import apply_errors
from alarfund.stale import StaleEdit

from . import pdf, services
from .forms import FIGURE_LABELS, FLAG_LABELS, ApplicationForm, DemonstrationFormSet, PledgeForm
from .models import Application, ApplicationStatus, FigureSource
from .selectors import application_estimate, blocking_reasons, checklist_for
from .transitions import EDITABLE

SUBJECT = "application"
prepare_required = capability_required(Capability.APPLICATION_PREPARE)

#: What a reviewer can ask for (besides materials), as the applicant reads it.
REQUEST_LABELS: dict[str, Any] = {
    **FIGURE_LABELS,
    **FLAG_LABELS,
    "claimed_lines": gettext_lazy("the rewards claimed"),
    "warehouse_province": gettext_lazy("the province of the forward warehouse"),
    "demonstrations": gettext_lazy("the demonstration cases"),
    "declarations": gettext_lazy("the declarations"),
}


def _own(request: HttpRequest, application_id: uuid.UUID) -> Application:
    """The application, if it belongs to the user's organisation; otherwise 404 (nothing to learn)."""
    return get_object_or_404(
        Application.objects.select_related("round", "organisation"),
        pk=application_id,
        organisation_id=getattr(request.user, "organisation_id", None),
    )


def _asks(application: Application) -> list[str]:
    """What is asked of the applicant now: the open request's items, or what stops a submission."""
    if application.status == ApplicationStatus.RETURNED:
        request = services.open_request(application)
        labels = {m.code: m.label for m in checklist_for(application)}
        asks = []
        for item in request.items if request else []:
            what = (
                labels.get(item.get("code", ""), item.get("code")) if item.get("kind") == "material" else None
            )
            what = what or REQUEST_LABELS.get(item.get("field", ""), item.get("field"))
            asks.append(f"{what}: {item.get('reason', '')}")
        return asks or services.missing_for_submission(application)
    if application.status == ApplicationStatus.DRAFT:
        return services.missing_for_submission(application)
    return []


@prepare_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My applications: status, whole timeline, what is asked now, the estimate; and the open rounds."""
    applications = (
        Application.objects.filter(organisation_id=request.user.organisation_id)
        .select_related("round", "organisation")
        .prefetch_related("timeline")
        .order_by("-round__sales_year")
    )
    today = timezone.localdate()
    applied = {a.round_id: a for a in applications}
    rows = [
        {
            "application": a,
            "asks": _asks(a),
            "estimate": application_estimate(a) if a.status != ApplicationStatus.WITHDRAWN else None,
            "blocking_reasons": blocking_reasons(a),
            "editable": a.status in EDITABLE,
        }
        for a in applications
    ]
    rounds = [
        {"round": r, "window": window_state(r, today), "application": applied.get(r.pk)}
        for r in Round.objects.filter(status=RoundStatus.PUBLISHED).order_by("-sales_year")
    ]
    return render(request, "applications/mine.html", {"rows": rows, "rounds": rounds, "today": today})


@prepare_required
@require_POST
def start(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id, status__in=(RoundStatus.PUBLISHED, RoundStatus.CLOSED))
    try:
        application = services.application_start(
            by=request.user, round=round_, context=AuditContext.of(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("applications:mine")
    messages.success(request, _("Your application is started. Enter your figures and save the draft."))
    return redirect("applications:edit", application_id=application.pk)


@prepare_required
@require_GET
def detail(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """Everything about the application, read-only (the only view once it is submitted)."""
    application = _own(request, application_id)
    context = {
        **pdf.form_context(application),
        "asks": _asks(application),
        "blocking_reasons": blocking_reasons(application),
        "timeline": application.timeline.all(),
        "editable": application.status in EDITABLE,
        "withdrawable": application.status == ApplicationStatus.DRAFT,
        "documents": {d.material_code: d for d in documents_for_subject(SUBJECT, application.pk)},
    }
    return render(request, "applications/detail.html", context)


@prepare_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _own(request, application_id)
    if request.method == "GET" and application.status not in EDITABLE:
        return redirect("applications:detail", application_id=application.pk)
    reopened, _codes = services.reopened_items(application)
    figures = application.figure_sets.get(source=FigureSource.DECLARED)
    params = parameters_for(application.round.sales_year)
    initial = ApplicationForm.initial_for(application, figures)
    demos_initial = [
        {"level": d.level, "title": d.title, "selected_on": d.selected_on, "first_time": d.first_time}
        for d in application.demonstrations.all()
    ]
    demos_editable = "demonstrations" in reopened
    data = request.POST if request.method == "POST" else None
    form = ApplicationForm(data, initial=initial, editable=reopened, params=params)
    formset = DemonstrationFormSet(data, initial=demos_initial, prefix="demo")
    if not demos_editable:
        for demo_form in formset.forms:
            for field in demo_form.fields.values():
                field.disabled = True
    status, conflict = 200, False
    demo_errors: list[str] = []
    if request.method == "POST":
        status = 400
        if form.is_valid() and (not demos_editable or formset.is_valid()):
            payload = form.service_data()
            if demos_editable:
                payload["demonstrations"] = [item for f in formset.forms if (item := f.as_item())]
            try:
                services.application_save(
                    by=request.user,
                    application=application,
                    version=form.cleaned_data.get("version"),
                    data=payload,
                    context=AuditContext.of(request),
                )
            except StaleEdit as exc:
                conflict, status = True, 409
                form.add_error(None, exc)
            except ValidationError as exc:
                demo_errors = exc.message_dict.get("demonstrations", []) if hasattr(exc, "error_dict") else []
                apply_errors(form, exc)
                if application.status not in EDITABLE:
                    status = 409
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("applications:edit", application_id=application.pk)
    context = {
        "application": application,
        "form": form,
        "formset": formset,
        "demos_editable": demos_editable,
        "demo_errors": demo_errors,
        "conflict": conflict,
        "returned": application.status == ApplicationStatus.RETURNED,
        "editable_any": bool(form.editable) or demos_editable,
        "asks": _asks(application),
    }
    return render(request, "applications/edit.html", context, status=status)


class UploadForm(forms.Form):
    material = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, material_code: str, **kwargs: Any) -> None:
        super().__init__(*args, prefix=material_code, **kwargs)
        self.fields["material"].initial = material_code
        self.fields["files"] = DocumentFilesField(material_code=material_code, label=_("Files"))


@prepare_required
@require_http_methods(["GET", "POST"])
def materials(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """The checklist of Art. 16 for this application: each item's versions and an upload form."""
    application = _own(request, application_id)
    _fields, codes = services.reopened_items(application)
    open_codes = codes if application.status in EDITABLE else set()
    # Each upload form is prefixed with its material code: "<code>-material" names the one posted.
    posted = None
    if request.method == "POST":
        posted = next((v for k, v in request.POST.items() if k.endswith("-material")), None)
        if posted is None:
            return HttpResponse(status=400)
    checklist = checklist_for(application)
    if posted is not None and posted not in {m.code for m in checklist}:
        return HttpResponse(status=400)
    forms_by_code: dict[str, UploadForm] = {}
    status = 200
    for material in checklist:
        if posted == material.code:
            form = UploadForm(request.POST, request.FILES, material_code=material.code)
            if form.is_valid():
                try:
                    services.application_material_upload(
                        by=request.user,
                        application=application,
                        material_code=material.code,
                        files=form.cleaned_data["files"],
                        context=AuditContext.of(request),
                    )
                except ValidationError as exc:
                    form.add_error("files", exc)
                else:
                    messages.success(request, _("Uploaded: %(material)s") % {"material": material.label})
                    return redirect(request.path + f"#m-{material.code}")
            status = 400
            forms_by_code[material.code] = form
        elif material.code in open_codes:
            forms_by_code[material.code] = UploadForm(material_code=material.code)
    documents = {d.material_code: d for d in documents_for_subject(SUBJECT, application.pk)}
    items = [
        {"material": m, "document": documents.get(m.code), "form": forms_by_code.get(m.code)}
        for m in checklist
    ]
    context = {"application": application, "items": items, "editable": application.status in EDITABLE}
    return render(request, "applications/materials.html", context, status=status)


@prepare_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _own(request, application_id)
    if request.method == "GET" and application.status not in EDITABLE:
        return redirect("applications:detail", application_id=application.pk)
    initial = {"version": application.version, "pledge_name": request.user.full_name}
    form = PledgeForm(request.POST or None, initial=initial)
    status, conflict, problems = 200, False, []
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(
                by=request.user,
                application=application,
                version=form.cleaned_data.get("version"),
                pledge_name=form.cleaned_data["pledge_name"],
                pledge_accepted=form.cleaned_data["pledge_accepted"],
                context=AuditContext.of(request),
            )
        except StaleEdit as exc:
            conflict, status = True, 409
            form.add_error(None, exc)
        except ValidationError as exc:
            status = 400
            problems = exc.message_dict.get("__all__", []) if hasattr(exc, "error_dict") else exc.messages
        else:
            messages.success(
                request,
                _("Your application is submitted. The E-commerce Association carries out the first review."),
            )
            return redirect("applications:detail", application_id=application.pk)
    context = {
        "application": application,
        "form": form,
        "conflict": conflict,
        "problems": problems,
        "missing": [] if problems else services.missing_for_submission(application),
        "pledge_text": pdf.pledge_text(parameters_for(application.round.sales_year)),
        "estimate": application_estimate(application),
        "line_titles": LINE_TITLES,
    }
    return render(request, "applications/submit.html", context, status=status)


@prepare_required
@require_POST
def withdraw(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _own(request, application_id)
    try:
        services.application_withdraw(
            by=request.user, application=application, context=AuditContext.of(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The application is withdrawn."))
    return redirect("applications:mine")


@prepare_required
@require_GET
def form_print(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """The application form as a printable page."""
    application = _own(request, application_id)
    return render(request, "applications/form_print.html", pdf.form_context(application))


@prepare_required
@require_GET
def form_pdf(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """The application form as PDF, to print, sign, stamp and upload as the `application_form` material."""
    application = _own(request, application_id)
    body = pdf.render_pdf(pdf.form_context(application))
    response = HttpResponse(body, content_type="application/pdf")
    filename = f"application-form-{application.round.sales_year}-{application.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
