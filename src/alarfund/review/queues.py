"""The work queues of the review roles: what waits for me, since when; filters; safe bulk accept."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from alarfund.accounts.choices import Department
from alarfund.accounts.decorators import capability_required, signed_in
from alarfund.accounts.permissions import Capability, engaged_round_ids, require
from alarfund.applications.models import Application, ApplicationStatus
from alarfund.audit.services import AuditContext
from alarfund.registers.selectors import findings_by_uscc
from alarfund.rounds.models import Round

from . import services
from .flags import round_flags
from .forms import QueueFilterForm
from .selectors import (
    DEPARTMENTS,
    QueueRow,
    current_cycle,
    latest_opinions,
    queue,
    review_capability,
    stage_of,
)

S = ApplicationStatus
PAGE_SIZE = 50

TITLES: dict[Capability, Any] = {
    Capability.REVIEW_FIRST: gettext_lazy("First review"),
    Capability.REVIEW_SECOND: gettext_lazy("Second review"),
    Capability.AUDIT_WORK: gettext_lazy("Audit"),
    Capability.DEPARTMENT_OPINION: gettext_lazy("Department opinions"),
}
INTROS: dict[Capability, Any] = {
    Capability.REVIEW_FIRST: gettext_lazy(
        "Submitted applications wait here for the association's first review (Art. 17(2)): check each "
        "material and figure, then accept, return for supplement with a reason per item, or reject."
    ),
    Capability.REVIEW_SECOND: gettext_lazy(
        "Applications the association passed wait here for the bureau's second review; audited "
        "applications wait for the final figures and the decision once the statistics, tax and market "
        "regulation departments have answered (Art. 17(3), Art. 18)."
    ),
    Capability.AUDIT_WORK: gettext_lazy(
        "Applications the bureau passed in the rounds you are engaged for: enter the audited figure of "
        "every claimed line and upload the audit report."
    ),
    Capability.DEPARTMENT_OPINION: gettext_lazy(
        "Audited applications on which the Commerce Bureau consults your department: give no objection, "
        "or an objection with its reason."
    ),
}
BULK = frozenset({Capability.REVIEW_FIRST, Capability.REVIEW_SECOND})


def _rounds_for(request: HttpRequest, capability: Capability) -> list[Round]:
    rounds = Round.objects.order_by("-sales_year")
    if capability == Capability.AUDIT_WORK:
        rounds = rounds.filter(pk__in=engaged_round_ids(request.user))
    return list(rounds)


def _rows(applications: list[Application], capability: Capability) -> list[QueueRow]:
    by_round: dict[Any, list[Application]] = {}
    for application in applications:
        by_round.setdefault(application.round_id, []).append(application)
    flags: dict[Any, list[Any]] = {}
    findings: dict[str, list[Any]] = {}
    reviewer = capability in BULK
    for round_id, members in by_round.items():
        if reviewer:
            flags.update(round_flags(round_id))
            findings.update(
                {
                    f"{round_id}:{uscc}": found
                    for uscc, found in findings_by_uscc(
                        [a.organisation.uscc for a in members], members[0].round.sales_year
                    ).items()
                }
            )
    rows = []
    for application in applications:
        row = QueueRow(
            application=application,
            waiting_since=getattr(application, "waiting_since", None),
            cycle=current_cycle(application),
            flags=flags.get(application.pk, []),
            findings=findings.get(f"{application.round_id}:{application.organisation.uscc}", []),
        )
        if application.status == S.AUDITED and capability in (
            Capability.REVIEW_SECOND,
            Capability.DEPARTMENT_OPINION,
        ):
            given = latest_opinions(application, row.cycle)
            row.opinions = [(Department(d).label, given.get(d)) for d in DEPARTMENTS]
        rows.append(row)
    return rows


def _queue(request: HttpRequest, capability: Capability) -> HttpResponse:
    rounds = _rounds_for(request, capability)
    form = QueueFilterForm(request.GET or None, rounds=rounds)
    filters = form.filters()
    applications = queue(request.user, filters)
    if filters.flagged and capability in BULK:
        flagged_rows = [r for r in _rows(applications, capability) if r.flags or r.findings]
        applications = [r.application for r in flagged_rows]
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _rows(list(page.object_list), capability)
    if capability in BULK:
        for row in rows:
            stage = stage_of(row.application.status)
            row.bulk_ok = stage in services.ACCEPT_TO and not services.bulk_blockers(row.application, stage)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "capability": capability.value,
        "title": TITLES[capability],
        "intro": INTROS[capability],
        "form": form,
        "page": page,
        "rows": rows,
        "bulk": capability in BULK and any(r.bulk_ok for r in rows),
        "departments": DEPARTMENTS,
        "query": query.urlencode(),
        "no_engagement": capability == Capability.AUDIT_WORK and not rounds,
    }
    return render(request, "review/queue.html", context)


@capability_required(Capability.REVIEW_FIRST)
@require_GET
def queue_first(request: HttpRequest) -> HttpResponse:
    return _queue(request, Capability.REVIEW_FIRST)


@capability_required(Capability.REVIEW_SECOND)
@require_GET
def queue_second(request: HttpRequest) -> HttpResponse:
    return _queue(request, Capability.REVIEW_SECOND)


@capability_required(Capability.AUDIT_WORK)
@require_GET
def queue_audit(request: HttpRequest) -> HttpResponse:
    return _queue(request, Capability.AUDIT_WORK)


@capability_required(Capability.DEPARTMENT_OPINION)
@require_GET
def queue_opinions(request: HttpRequest) -> HttpResponse:
    return _queue(request, Capability.DEPARTMENT_OPINION)


@signed_in
@require_POST
def bulk_accept(request: HttpRequest) -> HttpResponse:
    """Accept the selected applications that are safe to accept; report the ones skipped and why."""
    capability = review_capability(request.user)
    if capability not in BULK:
        require(request.user, Capability.REVIEW_FIRST)  # refused, with the reason
    valid_ids = []
    for raw in request.POST.getlist("application")[:PAGE_SIZE]:
        try:
            valid_ids.append(uuid.UUID(raw))
        except ValueError:
            continue
    applications = list(Application.objects.filter(pk__in=valid_ids).select_related("organisation", "round"))
    result = services.review_bulk_accept(
        by=request.user, applications=applications, context=AuditContext.of(request)
    )
    if result.accepted:
        messages.success(request, _("%(count)d applications accepted.") % {"count": len(result.accepted)})
    for application, reasons in result.skipped:
        messages.warning(
            request,
            _("Not accepted: %(organisation)s: %(reasons)s")
            % {"organisation": application.organisation.name, "reasons": "; ".join(reasons)},
        )
    target = "web:review_first" if capability == Capability.REVIEW_FIRST else "web:review_second"
    return redirect(target)
