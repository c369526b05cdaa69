"""The oversight pages: the cross-year overview, a round's dashboard, the performance report; exports.

Read-only. Dashboards need `OVERSIGHT_DASHBOARD` (finance officer, Commerce Bureau officer and approver);
the performance evaluation needs `OVERSIGHT_VIEW` (finance officer only). Every download is audited
by the service that produces it.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from alarfund.accounts.decorators import capability_required
from alarfund.accounts.permissions import Capability, check
from alarfund.audit.services import AuditContext
from alarfund.evidence.filenames import content_disposition
from alarfund.rounds.models import Round

from . import figures, report, services, tables


def _attachment(export: services.Export) -> HttpResponse:
    response = HttpResponse(export.data, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition(export.filename)
    response["Cache-Control"] = "no-store, private, max-age=0"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@capability_required(Capability.OVERSIGHT_DASHBOARD)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    context = {
        "table": tables.years_table(),
        "rounds": Round.objects.order_by("-sales_year"),
        "can_report": check(request.user, Capability.OVERSIGHT_VIEW).allowed,
    }
    return render(request, "oversight/overview.html", context)


@capability_required(Capability.OVERSIGHT_DASHBOARD)
@require_GET
def round_dashboard(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id)
    basis = figures.plan_basis(round_)
    context = {
        "round": round_,
        "basis": basis,
        "basis_text": tables.basis_text(basis.status),
        "tables": [build(round_) for build in tables.ROUND_TABLES.values()],
        "can_report": check(request.user, Capability.OVERSIGHT_VIEW).allowed,
    }
    return render(request, "oversight/round.html", context)


@capability_required(Capability.OVERSIGHT_DASHBOARD)
@require_GET
def round_table_export(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id)
    export = services.table_export(
        by=request.user, table=request.GET.get("table", ""), round=round_, context=AuditContext.of(request)
    )
    return _attachment(export)


@capability_required(Capability.OVERSIGHT_DASHBOARD)
@require_GET
def years_export(request: HttpRequest) -> HttpResponse:
    export = services.table_export(by=request.user, table="years", context=AuditContext.of(request))
    return _attachment(export)


@capability_required(Capability.OVERSIGHT_VIEW)
@require_GET
def performance_home(request: HttpRequest) -> HttpResponse:
    return render(request, "oversight/performance.html", {"rounds": Round.objects.order_by("-sales_year")})


@capability_required(Capability.OVERSIGHT_VIEW)
@require_GET
def performance_report(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id)
    return render(request, "oversight/report.html", {"report": report.build(round_)})


@capability_required(Capability.OVERSIGHT_VIEW)
@require_GET
def performance_pdf(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id)
    return _attachment(
        services.report_export(by=request.user, round=round_, kind="pdf", context=AuditContext.of(request))
    )


@capability_required(Capability.OVERSIGHT_VIEW)
@require_GET
def performance_xlsx(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id)
    return _attachment(
        services.report_export(by=request.user, round=round_, kind="xlsx", context=AuditContext.of(request))
    )
