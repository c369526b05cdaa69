"""Reconciliation: every yuan of an approved plan version is paid, pending, failed, or not yet batched.

Per plan version, to the fen:

    approved (the version's total) = paid + pending + failed-and-not-re-issued + not-yet-in-a-batch

* paid / pending: the version's payments in those statuses (a re-issue is a payment like any other);
* failed-and-not-re-issued: failed payments that no live or settled re-issue replaces (money the bureau
  still owes, with a known bank failure);
* not-yet-in-a-batch: the award of each applicant that has no payment at all under the version (never
  batched, left out for its bank details, or its batch was cancelled — cancelled payments count for
  nothing).

Per applicant the same identity must hold (award = its own four figures); any difference is listed with
the applicant, and so is a version total that differs from the sum of its lines, or a batch whose
recorded total differs from its payments. Per round: the figures of each version that is approved or
has payments, and an applicant with live payments under two versions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from alarfund.applications.models import Application
from alarfund.plans.models import PlanVersion, VersionStatus
from alarfund.rounds.models import Round

from .models import LIVE_STATUSES, Payment, PaymentStatus

ZERO = Decimal(0)


@dataclass
class ApplicantRow:
    application_id: str
    name: str
    award: Decimal = ZERO
    paid: Decimal = ZERO
    pending: Decimal = ZERO
    failed_open: Decimal = ZERO
    unbatched: Decimal = ZERO

    @property
    def accounted(self) -> Decimal:
        return self.paid + self.pending + self.failed_open + self.unbatched

    @property
    def difference(self) -> Decimal:
        return self.award - self.accounted


@dataclass
class VersionReconciliation:
    version: PlanVersion
    approved: Decimal
    rows: list[ApplicantRow]
    problems: list[str] = field(default_factory=list)

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(r, name) for r in self.rows), ZERO)

    @property
    def paid(self) -> Decimal:
        return self._sum("paid")

    @property
    def pending(self) -> Decimal:
        return self._sum("pending")

    @property
    def failed_open(self) -> Decimal:
        return self._sum("failed_open")

    @property
    def unbatched(self) -> Decimal:
        return self._sum("unbatched")

    @property
    def accounted(self) -> Decimal:
        return self.paid + self.pending + self.failed_open + self.unbatched

    @property
    def discrepancies(self) -> list[ApplicantRow]:
        return [r for r in self.rows if r.difference != 0]

    @property
    def balanced(self) -> bool:
        return self.approved == self.accounted and not self.discrepancies and not self.problems


def _awards(version: PlanVersion, problems: list[str]) -> dict[str, Decimal]:
    awards: dict[str, Decimal] = {}
    for entry in version.outputs.get("applicants", []):
        if not entry.get("eligible"):
            continue
        lines = sum((Decimal(line["paid"]) for line in entry.get("lines", [])), ZERO)
        if lines != Decimal(entry.get("total", "0")):
            problems.append(
                _("Applicant %(id)s: its lines add up to %(lines)s, its recorded total is %(total)s.")
                % {"id": entry["id"], "lines": lines, "total": entry.get("total")}
            )
        if lines > 0:
            awards[str(entry["id"])] = lines
    if sum(awards.values(), ZERO) != version.total:
        problems.append(
            _("The awards add up to %(sum)s, the version's total is %(total)s.")
            % {"sum": sum(awards.values(), ZERO), "total": version.total}
        )
    return awards


def reconcile_version(version: PlanVersion) -> VersionReconciliation:
    problems: list[str] = []
    awards = _awards(version, problems)
    payments = list(
        Payment.objects.filter(plan_version=version)
        .exclude(status=PaymentStatus.CANCELLED)
        .select_related("reissued_as")
        .order_by("created_at")
    )
    keys = set(awards) | {str(p.application_id) for p in payments}
    names = {
        str(pk): name
        for pk, name in Application.objects.filter(pk__in=list(keys)).values_list("pk", "organisation__name")
    }
    rows: dict[str, ApplicantRow] = {}

    def row(key: str) -> ApplicantRow:
        if key not in rows:
            rows[key] = ApplicantRow(
                application_id=key, name=names.get(key, key), award=awards.get(key, ZERO)
            )
        return rows[key]

    batched: set[str] = set()
    for payment in payments:
        key = str(payment.application_id)
        batched.add(key)
        target = row(key)
        if payment.status == PaymentStatus.PAID:
            target.paid += payment.amount
        elif payment.status == PaymentStatus.PENDING:
            target.pending += payment.amount
        elif payment.status == PaymentStatus.FAILED and not _reissued(payment):
            target.failed_open += payment.amount
    for key, amount in awards.items():
        target = row(key)
        if key not in batched:
            target.unbatched = amount
    for batch in version.payment_batches.all():
        total = batch.payments.aggregate(total=Sum("amount"))["total"] or ZERO
        if total != batch.total:
            problems.append(
                _("Batch %(number)s: its payments add up to %(sum)s, its recorded total is %(total)s.")
                % {"number": batch.number, "sum": total, "total": batch.total}
            )
    ordered = sorted(rows.values(), key=lambda r: (r.name, r.application_id))
    return VersionReconciliation(version=version, approved=version.total, rows=ordered, problems=problems)


def _reissued(payment: Payment) -> bool:
    try:
        return payment.reissued_as is not None
    except Payment.DoesNotExist:
        return False


@dataclass
class RoundReconciliation:
    round: Round
    versions: list[VersionReconciliation]
    problems: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return all(v.balanced for v in self.versions) and not self.problems


def reconcile_round(round_: Round) -> RoundReconciliation:
    with_payments = set(
        Payment.objects.filter(plan_version__round=round_).values_list("plan_version", flat=True)
    )
    versions = [
        v
        for v in round_.plan_versions.order_by("number")
        if v.status == VersionStatus.APPROVED or v.pk in with_payments
    ]
    problems: list[str] = []
    live: dict[str, set[int]] = defaultdict(set)
    for app_id, number in Payment.objects.filter(
        plan_version__round=round_, status__in=LIVE_STATUSES
    ).values_list("application_id", "plan_version__number"):
        live[str(app_id)].add(number)
    for app_id, numbers in sorted(live.items()):
        if len(numbers) > 1:
            problems.append(
                _("Applicant %(id)s has live payments under versions %(numbers)s.")
                % {"id": app_id, "numbers": ", ".join(str(n) for n in sorted(numbers))}
            )
    return RoundReconciliation(
        round=round_, versions=[reconcile_version(v) for v in versions], problems=problems
    )
