"""Reads of the review: the cycle, the marks, the opinions, what each step still needs, the queues."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from alarfund.accounts.choices import Department, Role
from alarfund.accounts.permissions import Capability, Scope, check, engaged_round_ids
from alarfund.applications.models import Application, ApplicationStatus, FigureSource, StatusChange
from alarfund.applications.selectors import checklist_for, documents_by_code

from .figures import label
from .models import AuditorReport, DepartmentOpinion, FinalDecision, MaterialReview, OpinionVerdict, Stage

S = ApplicationStatus
DEPARTMENTS: tuple[str, ...] = tuple(Department.values)


def current_cycle(application: Application) -> int:
    """The n-th submission the application is in (0 for a draft that was never submitted)."""
    return StatusChange.objects.filter(application=application, to_status=S.SUBMITTED).count()


def stage_of(status: str) -> str | None:
    """Which reviewer's decision an application in `status` waits for."""
    stages: dict[str, str] = {
        S.SUBMITTED: Stage.FIRST,
        S.ASSOCIATION_ACCEPTED: Stage.SECOND,
        S.AUDITED: Stage.FINAL,
    }
    return stages.get(status)


def marks(
    application: Application, stage: str, cycle: int | None = None
) -> dict[tuple[str, str], MaterialReview]:
    cycle = current_cycle(application) if cycle is None else cycle
    rows = MaterialReview.objects.filter(application=application, cycle=cycle, stage=stage)
    return {(m.kind, m.code): m for m in rows}


def latest_opinions(application: Application, cycle: int | None = None) -> dict[str, DepartmentOpinion]:
    """Each department's current opinion in the cycle (a later one supersedes an earlier)."""
    cycle = current_cycle(application) if cycle is None else cycle
    latest: dict[str, DepartmentOpinion] = {}
    for opinion in DepartmentOpinion.objects.filter(application=application, cycle=cycle).order_by(
        "given_at"
    ):
        latest[opinion.department] = opinion
    return latest


def audit_report(application: Application, cycle: int | None = None) -> AuditorReport | None:
    cycle = current_cycle(application) if cycle is None else cycle
    return (
        AuditorReport.objects.filter(application=application, cycle=cycle)
        .select_related("report", "auditor")
        .first()
    )


def final_decision(application: Application, cycle: int | None = None) -> FinalDecision | None:
    cycle = current_cycle(application) if cycle is None else cycle
    return FinalDecision.objects.filter(application=application, cycle=cycle).first()


def figures_of(application: Application, source: str) -> Any:
    return application.figure_sets.filter(source=source).first()


# -- what a step still needs (guards) ----------------------------------------------------------------
def flagged_items(application: Application, stage: str) -> list[str]:
    """Items this stage's reviewer marked "needs supplement" in the current cycle."""
    flagged = [m for m in marks(application, stage).values() if m.verdict == "needs_supplement"]
    if not flagged:
        return []
    materials = {m.code: str(m.label) for m in checklist_for(application)}
    return [
        f"{label(m.code) if m.kind == 'figure' else materials.get(m.code, m.code)}: {m.reason}"
        for m in flagged
    ]


def unaccepted_materials(application: Application, stage: str) -> list[str]:
    """Materials that must be marked accepted before this stage accepts: every required one, and every
    optional one that was uploaded."""
    current = marks(application, stage)
    uploaded = documents_by_code(application)
    missing = []
    for material in checklist_for(application):
        if not (material.required or uploaded.get(material.code)):
            continue
        mark = current.get(("material", material.code))
        if mark is None or mark.verdict != "accepted":
            missing.append(str(material.label))
    return missing


def audit_problems(application: Application) -> list[str]:
    """What the move to "audited" needs: the audited figures and the audit report of this cycle."""
    problems = []
    if figures_of(application, FigureSource.AUDITED) is None or audit_report(application) is None:
        problems.append(_("The auditor has not entered the audited figures and the audit report yet."))
    return problems


def readiness_problems(application: Application) -> list[str]:
    """What the move to "ready for the plan" needs: no objection from each of the three departments
    in this cycle, and the bureau's final figures (with a reason where they differ from the audit)."""
    problems = []
    opinions = latest_opinions(application)
    for department in DEPARTMENTS:
        opinion = opinions.get(department)
        name = Department(department).label
        if opinion is None:
            problems.append(_("%(department)s has not given its opinion yet.") % {"department": name})
        elif opinion.verdict != OpinionVerdict.NO_OBJECTION:
            problems.append(
                _("%(department)s objects: %(reason)s") % {"department": name, "reason": opinion.reason}
            )
    if figures_of(application, FigureSource.FINAL) is None or final_decision(application) is None:
        problems.append(_("Enter the final figures first."))
    return problems


# -- who may open an application in the review -------------------------------------------------------
#: The statuses each capability sees in the review (drafts stay the applicant's own).
VISIBLE: dict[Capability, frozenset[str]] = {
    Capability.REVIEW_FIRST: frozenset(set(S.values) - {S.DRAFT, S.WITHDRAWN}),
    Capability.REVIEW_SECOND: frozenset(set(S.values) - {S.DRAFT, S.WITHDRAWN}),
    Capability.AUDIT_WORK: frozenset({S.BUREAU_ACCEPTED, S.AUDITED, S.READY}),
    Capability.DEPARTMENT_OPINION: frozenset({S.AUDITED, S.READY}),
}
REVIEW_CAPABILITIES = tuple(VISIBLE)


def review_capability(user: Any) -> Capability | None:
    """The review capability the user's role holds (each role holds at most one)."""
    for capability in REVIEW_CAPABILITIES:
        if check(user, capability):
            return capability
    return None


def scope_of(application: Application, user: Any = None) -> Scope:
    return Scope(
        organisation_id=application.organisation_id,
        round_id=application.round_id,
        department=getattr(user, "department", None) or None,
    )


def visible_to(user: Any) -> QuerySet[Application]:
    """The applications the user's review role may open (an auditor: only in engaged rounds)."""
    capability = review_capability(user)
    if capability is None:
        return Application.objects.none()
    applications = Application.objects.filter(status__in=VISIBLE[capability])
    if capability == Capability.AUDIT_WORK:
        applications = applications.filter(round_id__in=engaged_round_ids(user))
    return applications


# -- queues ----------------------------------------------------------------------------------------
@dataclass
class QueueFilters:
    round_id: str = ""
    query: str = ""
    flagged: bool = False
    show: str = "waiting"  # "waiting" (what waits for me) or "all" (everything I may open)
    line: str = ""


@dataclass
class QueueRow:
    application: Application
    waiting_since: dt.datetime | None
    cycle: int
    flags: list[Any] = field(default_factory=list)
    findings: list[Any] = field(default_factory=list)
    opinions: list[tuple[Any, Any]] = field(default_factory=list)
    bulk_ok: bool = False

    @property
    def resubmitted(self) -> bool:
        return self.cycle > 1

    @property
    def waiting_days(self) -> int | None:
        if self.waiting_since is None:
            return None
        from django.utils import timezone

        return (timezone.now() - self.waiting_since).days


def waiting_statuses(user: Any) -> frozenset[str]:
    """The statuses in which an application waits for this user's role."""
    capability = review_capability(user)
    return {
        Capability.REVIEW_FIRST: frozenset({S.SUBMITTED}),
        Capability.REVIEW_SECOND: frozenset({S.ASSOCIATION_ACCEPTED, S.AUDITED}),
        Capability.AUDIT_WORK: frozenset({S.BUREAU_ACCEPTED}),
        Capability.DEPARTMENT_OPINION: frozenset({S.AUDITED}),
        None: frozenset(),
    }[capability]


def with_waiting_since(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Annotate when each application entered its present status (its latest timeline row)."""
    latest = StatusChange.objects.filter(application=OuterRef("pk"), to_status=OuterRef("status")).order_by(
        "-at"
    )
    return applications.annotate(waiting_since=Subquery(latest.values("at")[:1]))


def queue(user: Any, filters: QueueFilters) -> list[Application]:
    """What waits for the user (or everything they may open), oldest waiting first."""
    applications = visible_to(user)
    capability = review_capability(user)
    if filters.show != "all":
        applications = applications.filter(status__in=waiting_statuses(user))
        if capability == Capability.DEPARTMENT_OPINION:
            applications = applications.exclude(pk__in=answered_this_cycle(getattr(user, "department", "")))
    if filters.round_id:
        applications = applications.filter(round_id=filters.round_id)
    text = filters.query.strip()
    if text:
        applications = applications.filter(
            Q(organisation__name__icontains=text) | Q(organisation__uscc__icontains=text.upper())
        )
    rows = list(
        with_waiting_since(applications.select_related("organisation", "round")).order_by(
            "waiting_since", "organisation__name"
        )
    )
    if filters.line:
        rows = [a for a in rows if filters.line in a.claimed_lines]
    return rows


def answered_this_cycle(department: str) -> list[Any]:
    """Applications whose current cycle already has this department's opinion."""
    given: dict[Any, set[int]] = {}
    for application_id, cycle in DepartmentOpinion.objects.filter(department=department).values_list(
        "application_id", "cycle"
    ):
        given.setdefault(application_id, set()).add(cycle)
    if not given:
        return []
    submissions: dict[Any, int] = {}
    for application_id in StatusChange.objects.filter(
        application_id__in=list(given), to_status=S.SUBMITTED
    ).values_list("application_id", flat=True):
        submissions[application_id] = submissions.get(application_id, 0) + 1
    return [a for a, cycles in given.items() if submissions.get(a, 0) in cycles]


def roles_waiting(status: str) -> list[str]:
    """Who must act next on an application in `status` (for the timeline and notifications)."""
    waiting: dict[str, list[str]] = {
        S.SUBMITTED: [Role.ASSOCIATION_REVIEWER],
        S.RETURNED: [Role.APPLICANT],
        S.ASSOCIATION_ACCEPTED: [Role.BUREAU_OFFICER],
        S.BUREAU_ACCEPTED: [Role.AUDITOR],
        S.AUDITED: [Role.DEPARTMENT_OFFICER, Role.BUREAU_OFFICER],
    }
    return waiting.get(status, [])
