"""Reads of the payments: each applicant's award in an approved version, bank details, batches, status."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from alarfund.accounts.validators import validate_bank_account
from alarfund.plans.models import PlanVersion

from .models import LIVE_STATUSES, Payment, PaymentBatch, PaymentStatus

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Award:
    application_id: str
    amount: Decimal


def awards(version: PlanVersion) -> dict[str, Decimal]:
    """{application id: award} of the version's eligible applicants with a positive award.

    The award is the sum of the applicant's lines (`paid` of each line, exact to the fen), checked
    against the applicant's recorded total and, all together, against the version's total: a version
    whose output does not add up cannot be paid (ValidationError)."""
    result: dict[str, Decimal] = {}
    grand = Decimal(0)
    for entry in version.outputs.get("applicants", []):
        if not entry.get("eligible"):
            continue
        lines = sum((Decimal(line["paid"]) for line in entry.get("lines", [])), Decimal(0))
        total = Decimal(entry.get("total", "0"))
        if lines.quantize(CENT) != lines or lines != total:
            raise ValidationError(
                _("The approved version's output does not add up for an applicant: it cannot be paid."),
                code="inconsistent",
            )
        grand += total
        if total > 0:
            result[str(entry["id"])] = total
    if grand != version.total:
        raise ValidationError(
            _("The approved version's awards do not add up to its total: it cannot be paid."),
            code="inconsistent",
        )
    return result


def bank_problem(organisation: Any) -> str:
    """Why the organisation's bank details cannot be paid to ("" when they can)."""
    if not (organisation.bank_name or "").strip():
        return _("No bank (branch) is recorded for the organisation.")
    try:
        validate_bank_account(organisation.bank_account or "")
    except ValidationError:
        return _("The organisation's bank account number is missing or not valid.")
    return ""


def live_payments(version: PlanVersion) -> QuerySet[Payment]:
    return Payment.objects.filter(plan_version=version, status__in=LIVE_STATUSES)


def open_failures(version: PlanVersion) -> QuerySet[Payment]:
    """Failed payments of the version that have not been re-issued."""
    return Payment.objects.filter(plan_version=version, status=PaymentStatus.FAILED, reissued_as__isnull=True)


def batches_of(version: PlanVersion) -> QuerySet[PaymentBatch]:
    return version.payment_batches.select_related("prepared_by", "released_by").order_by("-number")


def sum_of(payments: QuerySet[Payment]) -> Decimal:
    return payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def payments_of_application(application: Any) -> QuerySet[Payment]:
    """What the applicant sees: its payments (no bank account number in full)."""
    return (
        Payment.objects.filter(application=application)
        .exclude(status=PaymentStatus.CANCELLED)
        .select_related("batch")
        .order_by("created_at")
    )
