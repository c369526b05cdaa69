"""The finance bureau's figures (Art. 3, 18): one selector per metric, plain rows, exact Decimal yuan.

Every figure reads the database and the plan versions' recorded engine output (`PlanVersion.outputs`,
the round file's output document); nothing is recomputed here and nothing is written. The plan a round
is judged on is its approved version, else its current frozen or draft version, labelled as such
(`plan_basis`). Figures of the notice and payment apps (objections, payments, clawbacks) are in their
own functions and are ``None`` while those apps are not installed. docs/oversight.md defines each one.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps as django_apps
from django.db.models import Sum
from django.utils import timezone

from alarfund.applications.models import Application, ApplicationStatus, StatusChange, SupplementRequest
from alarfund.plans.models import Commitment, CommitmentArticle, CommitmentPayment, PlanVersion, VersionStatus
from alarfund.policy.entitlements import LINES
from alarfund.policy.money import fen_to_decimal
from alarfund.policy.parameters import OutsidePolicyPeriod, parameters_for
from alarfund.rounds.models import Round

ZERO = Decimal(0)
S = ApplicationStatus
#: Applications that never reached the association (a draft, or a draft withdrawn) are not applicants.
NOT_APPLIED = (S.DRAFT, S.WITHDRAWN)


def _sum(value: Any) -> Decimal:
    return Decimal(value) if value is not None else ZERO


def ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole to four decimals (0.1234 = 12.34 %); None where the whole is zero."""
    if not whole:
        return None
    return (part / whole).quantize(Decimal("0.0001"))


# -- the plan a round is judged on ----------------------------------------------------------------


@dataclass(frozen=True)
class PlanBasis:
    version: PlanVersion | None

    @property
    def status(self) -> str:
        return self.version.status if self.version is not None else "none"

    @property
    def approved(self) -> bool:
        return self.status == VersionStatus.APPROVED

    @property
    def outputs(self) -> dict[str, Any]:
        return self.version.outputs if self.version is not None else {}

    def applicants(self) -> list[dict[str, Any]]:
        return list(self.outputs.get("applicants", []))


def plan_basis(round_: Round) -> PlanBasis:
    """The approved version of the round, else its current (frozen or draft) version, else none."""
    versions = round_.plan_versions.exclude(status=VersionStatus.SUPERSEDED)
    approved = versions.filter(status=VersionStatus.APPROVED).first()
    return PlanBasis(approved or versions.order_by("-number").first())


# -- the fund (Art. 3) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fund:
    sales_year: int
    cap: Decimal  # Art. 3 legal maximum from the parameters file
    fund: Decimal  # the round's annual fund (as the plan read it)
    committed: Decimal  # commitments counted toward the cap (Art. 11 funded elsewhere excluded)
    committed_elsewhere: Decimal
    commitments_paid: Decimal
    awarded: Decimal  # enterprise awards of the plan basis
    basis: str  # plan basis status

    @property
    def used(self) -> Decimal:
        return self.committed + self.awarded

    @property
    def headroom(self) -> Decimal:
        return self.fund - self.used

    @property
    def use_rate(self) -> Decimal | None:
        return ratio(self.used, self.fund)


def annual_cap(sales_year: int) -> Decimal:
    return fen_to_decimal(parameters_for(sales_year).annual_cap)


def fund_figures(round_: Round) -> Fund:
    basis = plan_basis(round_)
    budgets = (basis.version.inputs.get("round", {}).get("budgets", {}) if basis.version else {}) or {}
    fund = Decimal(str(budgets["total"])) if "total" in budgets else round_.budget_total
    rows = list(Commitment.objects.filter(round=round_))
    paid = CommitmentPayment.objects.filter(commitment__round=round_).aggregate(s=Sum("amount"))["s"]
    return Fund(
        sales_year=round_.sales_year,
        cap=annual_cap(round_.sales_year),
        fund=fund,
        committed=sum((c.amount for c in rows if not c.funded_elsewhere), ZERO),
        committed_elsewhere=sum((c.amount for c in rows if c.funded_elsewhere), ZERO),
        commitments_paid=_sum(paid),
        awarded=basis.version.total if basis.version else ZERO,
        basis=basis.status,
    )


# -- per article: the award lines (Art. 5–10) and the commitments (Art. 11–13, 22) ------------------


@dataclass(frozen=True)
class LineFigures:
    line: str
    entitled: Decimal  # after Art. 19, before budgets and the cap
    budget: Decimal | None  # Art. 7, 8, 10 category budgets
    awarded: Decimal
    awardees: int  # applicants with an amount on this line

    @property
    def factor(self) -> Decimal | None:
        """awarded / entitled: below 1 where a budget (Art. 7, 8, 10) or the cap (Art. 3) scaled the line."""
        return ratio(self.awarded, self.entitled)


def line_figures(round_: Round) -> list[LineFigures]:
    basis = plan_basis(round_)
    categories = basis.outputs.get("categories", {})
    awardees: Counter[str] = Counter()
    for applicant in basis.applicants():
        for line in applicant.get("lines", []):
            if Decimal(line["paid"]) > 0:
                awardees[line["article"]] += 1
    rows = []
    for line in LINES:
        entry = categories.get(line)
        if entry is None:
            continue
        rows.append(
            LineFigures(
                line=line,
                entitled=Decimal(entry["entitled"]),
                budget=Decimal(entry["budget"]) if "budget" in entry else None,
                awarded=Decimal(entry["paid"]),
                awardees=awardees[line],
            )
        )
    return rows


@dataclass(frozen=True)
class CommitmentFigures:
    article: str
    counted: Decimal
    elsewhere: Decimal
    paid: Decimal
    items: int


def commitment_figures(round_: Round) -> list[CommitmentFigures]:
    rows = []
    paid = {
        row["commitment__article"]: row["s"]
        for row in CommitmentPayment.objects.filter(commitment__round=round_)
        .values("commitment__article")
        .annotate(s=Sum("amount"))
    }
    commitments = list(Commitment.objects.filter(round=round_))
    for article in CommitmentArticle.values:
        mine = [c for c in commitments if c.article == article]
        if not mine:
            continue
        rows.append(
            CommitmentFigures(
                article=article,
                counted=sum((c.amount for c in mine if not c.funded_elsewhere), ZERO),
                elsewhere=sum((c.amount for c in mine if c.funded_elsewhere), ZERO),
                paid=_sum(paid.get(article)),
                items=len(mine),
            )
        )
    return rows


# -- applicants, awardees and their distribution ---------------------------------------------------


@dataclass(frozen=True)
class ApplicantFigures:
    applicants: int  # submitted at least once
    rejected: int
    in_review: int  # neither ready nor rejected yet
    ready: int
    in_plan: int  # applicants the plan basis computed
    eligible: int
    awardees: int  # an award above zero
    awarded: Decimal


def _applied(round_: Round) -> Any:
    return Application.objects.filter(round=round_).exclude(status__in=NOT_APPLIED)


def applicant_figures(round_: Round) -> ApplicantFigures:
    statuses = Counter(_applied(round_).values_list("status", flat=True))
    planned = plan_basis(round_).applicants()
    return ApplicantFigures(
        applicants=sum(statuses.values()),
        rejected=statuses[S.REJECTED],
        in_review=sum(n for status, n in statuses.items() if status not in (S.READY, S.REJECTED)),
        ready=statuses[S.READY],
        in_plan=len(planned),
        eligible=sum(1 for a in planned if a["eligible"]),
        awardees=sum(1 for a in planned if Decimal(a["total"]) > 0),
        awarded=sum((Decimal(a["total"]) for a in planned), ZERO),
    )


@dataclass
class Share:
    key: str
    applicants: int = 0
    awardees: int = 0
    awarded: Decimal = ZERO


def _distribution(round_: Round, key_of: Any) -> list[Share]:
    awards = {a["id"]: Decimal(a["total"]) for a in plan_basis(round_).applicants()}
    shares: dict[str, Share] = {}
    for application in _applied(round_).select_related("organisation"):
        key = key_of(application)
        share = shares.setdefault(key, Share(key))
        share.applicants += 1
        amount = awards.get(str(application.pk), ZERO)
        if amount > 0:
            share.awardees += 1
            share.awarded += amount
    return sorted(shares.values(), key=lambda s: (-s.awarded, -s.applicants, s.key))


def jurisdiction_distribution(round_: Round) -> list[Share]:
    """Per regiment or town (团场/镇) of the applicant organisation."""
    return _distribution(round_, lambda a: a.organisation.jurisdiction)


def entity_type_distribution(round_: Round) -> list[Share]:
    """Per applicant type of the application (enterprise, individual business, branch)."""
    return _distribution(round_, lambda a: a.entity_type)


# -- returns for supplement and processing time ----------------------------------------------------


@dataclass(frozen=True)
class ReturnFigures:
    returns: int  # every return for supplement
    applications_returned: int
    by_stage: dict[str, int]  # first_review / second_review / after_audit
    open_requests: int  # supplement requests not yet answered


RETURN_STAGES = {
    S.SUBMITTED: "first_review",
    S.ASSOCIATION_ACCEPTED: "second_review",
    S.AUDITED: "after_audit",
}


def return_figures(round_: Round) -> ReturnFigures:
    changes = list(
        StatusChange.objects.filter(application__round=round_, to_status=S.RETURNED).values_list(
            "application_id", "from_status"
        )
    )
    stages = Counter(RETURN_STAGES.get(from_status, "other") for _app, from_status in changes)
    return ReturnFigures(
        returns=len(changes),
        applications_returned=len({app for app, _from in changes}),
        by_stage={stage: stages[stage] for stage in (*RETURN_STAGES.values(), "other") if stages[stage]},
        open_requests=SupplementRequest.objects.filter(
            application__round=round_, resolved_at__isnull=True
        ).count(),
    )


#: The milestones of Art. 17–18 in order; a step is the time between two consecutive ones.
MILESTONES: tuple[str, ...] = (
    S.SUBMITTED,
    S.ASSOCIATION_ACCEPTED,
    S.BUREAU_ACCEPTED,
    S.AUDITED,
    S.READY,
    "plan_approved",
    "paid",
)
STEPS: tuple[tuple[str, str], ...] = (
    *itertools.pairwise(MILESTONES),
    (S.SUBMITTED, "paid"),
)


@dataclass(frozen=True)
class StepTime:
    start: str
    end: str
    days: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.days)

    @property
    def median(self) -> Decimal | None:
        if not self.days:
            return None
        ordered = sorted(self.days)
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return Decimal(ordered[middle])
        return (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2

    @property
    def maximum(self) -> int | None:
        return max(self.days) if self.days else None


def milestone_dates(round_: Round) -> dict[str, dict[str, dt.date]]:
    """Per application: the local date each milestone was first reached."""
    dates: dict[str, dict[str, dt.date]] = defaultdict(dict)
    changes = (
        StatusChange.objects.filter(application__round=round_, to_status__in=MILESTONES[:5])
        .order_by("at", "pk")
        .values_list("application_id", "to_status", "at")
    )
    for application_id, status, at in changes:
        dates[str(application_id)].setdefault(status, timezone.localdate(at))
    basis = plan_basis(round_)
    if basis.approved and basis.version is not None and basis.version.approval_date:
        for applicant in basis.applicants():
            if applicant["id"] in dates:
                dates[applicant["id"]]["plan_approved"] = basis.version.approval_date
    for application_id, paid_on in (paid_dates(round_) or {}).items():
        if application_id in dates:
            dates[application_id]["paid"] = paid_on
    return dates


def processing_times(round_: Round) -> list[StepTime]:
    """Calendar days per step, over the applications that reached both ends of the step."""
    steps = [StepTime(start, end) for start, end in STEPS]
    for reached in milestone_dates(round_).values():
        for step in steps:
            if step.start in reached and step.end in reached:
                step.days.append((reached[step.end] - reached[step.start]).days)
    return steps


# -- figures of the notice and payment apps (None while those apps are not installed) ---------------


def _installed(app: str) -> bool:
    return django_apps.is_installed(f"alarfund.{app}")


@dataclass(frozen=True)
class ObjectionFigures:
    filed: int
    open: int
    upheld: int
    dismissed: int


def objection_figures(round_: Round) -> ObjectionFigures | None:
    """Objections to the round's public notices (Art. 17), by status."""
    if not _installed("notices"):
        return None
    from alarfund.notices.models import Objection

    counts = Counter(Objection.objects.filter(notice__round=round_).values_list("status", flat=True))
    return ObjectionFigures(
        filed=sum(counts.values()),
        open=counts["open"],
        upheld=counts["upheld"],
        dismissed=counts["dismissed"],
    )


@dataclass(frozen=True)
class PaymentFigures:
    paid: Decimal
    paid_count: int
    pending: Decimal
    pending_count: int
    failed: Decimal  # failed and not reissued
    failed_count: int


def payment_figures(round_: Round) -> PaymentFigures | None:
    """Enterprise award payments of the round's plan versions, by status (Art. 18)."""
    if not _installed("payments"):
        return None
    from alarfund.payments.models import Payment

    payments = Payment.objects.filter(batch__plan_version__round=round_)

    def total(queryset: Any) -> tuple[Decimal, int]:
        row = queryset.aggregate(s=Sum("amount"))
        return _sum(row["s"]), queryset.count()

    paid, paid_count = total(payments.filter(status="paid"))
    pending, pending_count = total(payments.filter(status="pending"))
    failed, failed_count = total(payments.filter(status="failed", reissued_as__isnull=True))
    return PaymentFigures(paid, paid_count, pending, pending_count, failed, failed_count)


def paid_dates(round_: Round) -> dict[str, dt.date] | None:
    """Per application: the date its award was paid (the earliest paid payment)."""
    if not _installed("payments"):
        return None
    from alarfund.payments.models import Payment

    dates: dict[str, dt.date] = {}
    rows = (
        Payment.objects.filter(batch__plan_version__round=round_, status="paid", paid_on__isnull=False)
        .order_by("paid_on")
        .values_list("application_id", "paid_on")
    )
    for application_id, paid_on in rows:
        dates.setdefault(str(application_id), paid_on)
    return dates


@dataclass(frozen=True)
class ClawbackFigures:
    findings: int
    settled: int
    due: Decimal
    recovered: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.due - self.recovered


def clawback_figures(round_: Round) -> ClawbackFigures | None:
    """Art. 20: findings of fraud in the round, the amounts to recover and those recovered."""
    if not _installed("payments"):
        return None
    from alarfund.payments.models import FraudFinding, Recovery

    findings = FraudFinding.objects.filter(round=round_)
    recovered = Recovery.objects.filter(finding__round=round_).aggregate(s=Sum("amount"))["s"]
    return ClawbackFigures(
        findings=findings.count(),
        settled=findings.filter(status="settled").count(),
        due=_sum(findings.aggregate(s=Sum("amount_due"))["s"]),
        recovered=_sum(recovered),
    )


# -- across the years of the measure --------------------------------------------------------------


@dataclass(frozen=True)
class YearFigures:
    sales_year: int
    round: Round | None
    cap: Decimal
    fund: Decimal | None
    committed: Decimal
    awarded: Decimal
    basis: str
    paid: Decimal | None  # enterprise awards paid plus commitment payments; None without payments app
    recovered: Decimal | None

    @property
    def execution_rate(self) -> Decimal | None:
        """Paid out (awards and commitments) per yuan of the round's fund."""
        if self.paid is None or self.fund is None:
            return None
        return ratio(self.paid, self.fund)


def policy_years() -> list[int]:
    """The sales years of the measure (Art. 23) from the parameters file, plus any round's year."""
    years = set(Round.objects.values_list("sales_year", flat=True))
    for candidate in sorted(years | {timezone.localdate().year, timezone.localdate().year - 1}):
        try:
            params = parameters_for(candidate)
        except OutsidePolicyPeriod:
            continue
        years |= set(range(params.period_start.year, params.period_end.year + 1))
        break
    return sorted(years)


def year_figures(sales_year: int) -> YearFigures:
    round_ = Round.objects.filter(sales_year=sales_year).first()
    cap = annual_cap(sales_year)
    if round_ is None:
        return YearFigures(sales_year, None, cap, None, ZERO, ZERO, "none", None, None)
    fund = fund_figures(round_)
    payments = payment_figures(round_)
    clawbacks = clawback_figures(round_)
    return YearFigures(
        sales_year=sales_year,
        round=round_,
        cap=cap,
        fund=fund.fund,
        committed=fund.committed,
        awarded=fund.awarded,
        basis=fund.basis,
        paid=payments.paid + fund.commitments_paid if payments is not None else None,
        recovered=clawbacks.recovered if clawbacks is not None else None,
    )


def years_overview() -> list[YearFigures]:
    return [year_figures(year) for year in policy_years()]
