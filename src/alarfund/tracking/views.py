"""The report page, the progress fragment (htmx), the downloads and "import again".

Thin views: find the application, check ``access.can_view``/``can_start`` (another organisation's
application and an unknown one answer the same 404), call one service or selector, render.
"""

from __future__ import annotations

import tempfile
import uuid
from itertools import islice
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alarfund.accounts.decorators import signed_in
from alarfund.accounts.permissions import Refused
from alarfund.applications.models import Application
from alarfund.audit.models import AuditResult
from alarfund.audit.services import Actor, AuditContext, audit_record
from alarfund.evidence.filenames import content_disposition

from . import flags as F
from . import report as R
from . import services
from .access import HIDDEN_CODES, can_start, can_view, is_owner
from .carriers import CARRIER_LABELS
from .messages import failure_message, warning_message
from .models import ImportJob

SHOWN = 50


def _application(request: HttpRequest, application_id: uuid.UUID) -> Application:
    application = (
        Application.objects.select_related("round", "organisation").filter(pk=application_id).first()
    )
    decision = can_view(request.user, application) if application is not None else None
    if application is None or decision is None or (not decision and decision.code in HIDDEN_CODES):
        audit_record(
            action="tracking.report_view",
            result=AuditResult.REFUSED,
            actor=Actor.of(request.user),
            context=AuditContext.of(request),
            object_type="application",
            object_id=application_id,
            details={"code": decision.code if decision is not None else "not_found"},
        )
        raise Http404()
    if not decision:
        raise Refused(decision)
    return application


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private, max-age=0"
    return response


def status_context(application: Application) -> dict[str, Any]:
    job = services.latest_job(application)
    current = services.current_job(application)
    return {
        "application": application,
        "tracking_job": job,
        "tracking_current": current,
        "tracking_status_loaded": True,
        "tracking_error": failure_message(job.error_code, job.error_params) if job and job.error_code else "",
    }


@signed_in
@require_GET
def status(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """The progress fragment (``tracking/_import_status.html``): htmx polls it while an import runs."""
    application = _application(request, application_id)
    return _no_store(render(request, "tracking/_import_status.html", status_context(application)))


def _summary(job: ImportJob | None) -> list[dict[str, Any]]:
    if job is None:
        return []
    stats = job.stats or {}
    return [
        {"code": code, "label": label, "count": stats.get(code, 0)}
        for code, _bit, label in F.PROBLEMS
        if stats.get(code, 0)
    ]


@signed_in
@require_GET
def report(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _application(request, application_id)
    context = status_context(application)
    current: ImportJob | None = context["tracking_current"]
    staff = not is_owner(request.user, application)
    sections: list[dict[str, Any]] = []
    if current is not None:
        names = R.sheet_names(current)
        stats = current.stats or {}
        for title, code_total, produced in (
            (_("Problems in rows"), None, R.row_problems(current, limit=SHOWN)),
            (_("Repeated in the same file"), "duplicate_in_file", R.repeats(current, names, limit=SHOWN)),
            (
                _("Also claimed in another list"),
                None,
                R.cross(current, names, staff=staff, limit=SHOWN),
            ),
        ):
            shown = [
                {
                    "where": names.get(line.sheet, ""),
                    "row": line.row_no,
                    "number": line.number,
                    "problem": F.PROBLEM_LABELS.get(line.code, line.code),
                    "detail": line.detail,
                }
                for line in islice(produced, SHOWN)
            ]
            if shown:
                sections.append(
                    {"title": title, "lines": shown, "total": stats.get(code_total) if code_total else None}
                )
        context["warnings"] = [
            warning_message(w.get("code", ""), w.get("params")) for w in current.warnings or []
        ]
    context.update(
        {
            "current": current,
            "summary": _summary(current),
            "sections": sections,
            "shown": SHOWN,
            "may_start": bool(can_start(request.user, application)),
            "staff": staff,
            "carriers": CARRIER_LABELS,
        }
    )
    return _no_store(render(request, "tracking/report.html", context))


def _download(request: HttpRequest, application: Application, kind: str) -> ImportJob:
    current = services.current_job(application)
    if current is None:
        raise Http404()
    audit_record(
        action="tracking.report_download",
        actor=Actor.of(request.user),
        context=AuditContext.of(request),
        object_type="application",
        object_id=application.pk,
        details={"job": str(current.pk), "format": kind},
    )
    return current


def _filename(application: Application, extension: str) -> str:
    prefix = _("tracking-number-report")
    return f"{prefix}-{application.round.sales_year}-{application.organisation.name[:40]}.{extension}"


@signed_in
@require_GET
def download_csv(request: HttpRequest, application_id: uuid.UUID) -> StreamingHttpResponse:
    application = _application(request, application_id)
    current = _download(request, application, "csv")
    staff = not is_owner(request.user, application)
    response = StreamingHttpResponse(
        R.csv_chunks(current, staff=staff), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition(_filename(application, "csv"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private, max-age=0"
    return response


@signed_in
@require_GET
def download_xlsx(request: HttpRequest, application_id: uuid.UUID) -> FileResponse:
    application = _application(request, application_id)
    current = _download(request, application, "xlsx")
    staff = not is_owner(request.user, application)
    target = tempfile.TemporaryFile()  # FileResponse closes it
    R.xlsx_file(current, staff=staff, target=target)
    target.seek(0)
    response = FileResponse(
        target, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition(_filename(application, "xlsx"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private, max-age=0"
    return response


@signed_in
@require_POST
def rerun(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _application(request, application_id)
    decision = can_start(request.user, application)
    if not decision:
        raise Refused(decision)
    try:
        services.tracking_import_rerun(
            by=request.user, application=application, context=AuditContext.of(request)
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The list is being imported again."))
    return redirect("tracking:report", application_id=application.pk)
