"""Writes to the round's commitments (Art. 11, 12, 13, 22): create, update, payments, deliverables.

Each checks permission, validates, writes and audits in one transaction. The round's row is locked
while commitments are checked against the annual fund, so two parallel additions cannot together
exceed it (security checklist 33). Commitments alone above the annual fund are refused (policy-rules §6).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from alarfund.accounts.models import Organisation
from alarfund.accounts.permissions import Capability, require
from alarfund.audit.services import Actor, AuditContext, audit_record
from alarfund.policy.money import fen_to_decimal
from alarfund.policy.parameters import parameters_for
from alarfund.rounds.models import Round
from alarfund.stale import check_version

from . import files
from .models import Commitment, CommitmentArticle, CommitmentPayment, PlanFile

FIELDS = (
    "article",
    "label",
    "provider",
    "provider_organisation",
    "amount",
    "document_number",
    "funded_elsewhere",
    "purpose",
)


def parse_money(
    value: Any, field: str, errors: dict[str, list[str]], *, positive: bool = True
) -> Decimal | None:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("Enter an amount in yuan, e.g. 120000.00."))
        return None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")) or amount >= Decimal(10) ** 12:
        errors.setdefault(field, []).append(_("Enter an amount with at most 2 decimals."))
        return None
    if amount < 0 or (positive and amount == 0):
        errors.setdefault(field, []).append(_("Enter an amount above zero."))
        return None
    return amount


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _validated(round_: Round, values: dict[str, Any], *, exclude: Commitment | None = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    params = parameters_for(round_.sales_year)
    article = str(values.get("article") or "")
    if article not in CommitmentArticle.values:
        errors.setdefault("article", []).append(_("Choose the article of the commitment."))
    label = str(values.get("label") or "").strip()
    if not label:
        errors.setdefault("label", []).append(_("Name the item (project, contract or expense)."))
    amount = parse_money(values.get("amount"), "amount", errors)
    document_number = str(values.get("document_number") or "").strip()
    purpose = str(values.get("purpose") or "").strip()
    funded_elsewhere = bool(values.get("funded_elsewhere"))
    provider = str(values.get("provider") or "").strip()
    organisation = values.get("provider_organisation")
    if organisation is not None and not isinstance(organisation, Organisation):
        organisation = Organisation.objects.filter(pk=organisation).first()
    if organisation is not None and not provider:
        provider = organisation.name
    if article == CommitmentArticle.LOGISTICS and not document_number:
        errors.setdefault("document_number", []).append(
            _("An Art. 11 project needs the number of the document that approved it.")
        )
    if funded_elsewhere and article != CommitmentArticle.LOGISTICS:
        errors.setdefault("funded_elsewhere", []).append(
            _("Only an Art. 11 project can be funded from another source.")
        )
    if article == CommitmentArticle.EXPENSES and not purpose:
        errors.setdefault("purpose", []).append(_("Art. 22 expenses are recorded with their purpose."))
    if article in (CommitmentArticle.BIG_DATA, CommitmentArticle.SOCIAL_ORGANISATION) and not provider:
        errors.setdefault("provider", []).append(_("Name the service provider of the contract."))
    others = Commitment.objects.filter(round=round_)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if amount is not None and article == CommitmentArticle.BIG_DATA:
        fee = fen_to_decimal(params.art12_big_data_fee)
        if amount != fee:
            errors.setdefault("amount", []).append(
                _("The Art. 12 big-data service fee is fixed at %(fee)s yuan a year.") % {"fee": _yuan(fee)}
            )
        elif others.filter(article=CommitmentArticle.BIG_DATA).exists():
            errors.setdefault("article", []).append(
                _("The round already has its Art. 12 contract (one a year).")
            )
    if amount is not None and article == CommitmentArticle.SOCIAL_ORGANISATION:
        cap = fen_to_decimal(params.art13_service_fee_cap)
        already = (
            others.filter(article=CommitmentArticle.SOCIAL_ORGANISATION).aggregate(s=Sum("amount"))["s"] or 0
        )
        if amount + already > cap:
            errors.setdefault("amount", []).append(
                _("Art. 13 service fees are at most %(cap)s yuan a year; this round already has %(already)s.")
                % {"cap": _yuan(cap), "already": _yuan(Decimal(already))}
            )
    if amount is not None and not errors and not funded_elsewhere:
        counted = sum((c.amount for c in others if c.counts_toward_cap), Decimal(0))
        if counted + amount > round_.budget_total:
            errors.setdefault("amount", []).append(
                _(
                    "Commitments alone would come to %(total)s yuan, above the round's annual fund of "
                    "%(fund)s yuan (Art. 3): a round whose commitments exceed the fund has no plan."
                )
                % {"total": _yuan(counted + amount), "fund": _yuan(round_.budget_total)}
            )
    if errors:
        raise ValidationError(errors)
    return {
        "article": article,
        "label": label[:200],
        "provider": provider[:200],
        "provider_organisation": organisation,
        "amount": amount,
        "document_number": document_number[:100],
        "funded_elsewhere": funded_elsewhere,
        "purpose": purpose,
    }


def _details(commitment: Commitment) -> dict[str, Any]:
    return {
        "round": str(commitment.round_id),
        "article": commitment.article,
        "amount": str(commitment.amount),
        "funded_elsewhere": commitment.funded_elsewhere,
        "document_number": commitment.document_number,
    }


def commitment_create(
    *, by: Any, round: Round, context: AuditContext | None = None, **values: Any
) -> Commitment:
    require(by, Capability.PLAN_PREPARE)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round.pk)
        data = _validated(round_, values)
        commitment = Commitment.objects.create(round=round_, created_by=by, **data)
        audit_record(
            action="commitment.create",
            actor=Actor.of(by),
            context=context,
            object_type="commitment",
            object_id=commitment.pk,
            details=_details(commitment),
        )
    return commitment


def commitment_update(
    *,
    by: Any,
    commitment: Commitment,
    version: int | None,
    context: AuditContext | None = None,
    **values: Any,
) -> Commitment:
    require(by, Capability.PLAN_PREPARE)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=commitment.round_id)
        current = Commitment.objects.select_for_update().get(pk=commitment.pk)
        check_version(current.version, version)
        data = _validated(round_, values, exclude=current)
        before = _details(current)
        for name, value in data.items():
            setattr(current, name, value)
        current.version += 1
        current.save()
        audit_record(
            action="commitment.update",
            actor=Actor.of(by),
            context=context,
            object_type="commitment",
            object_id=current.pk,
            details={"before": before, "after": _details(current)},
        )
    return current


def commitment_payment_add(
    *,
    by: Any,
    commitment: Commitment,
    amount: Any,
    paid_on: dt.date,
    reference: str,
    context: AuditContext | None = None,
) -> CommitmentPayment:
    """Record a payment under the commitment; the payments never exceed the commitment."""
    require(by, Capability.PAYMENT_PREPARE)
    errors: dict[str, list[str]] = {}
    value = parse_money(amount, "amount", errors)
    reference = (reference or "").strip()
    if not reference:
        errors.setdefault("reference", []).append(_("Give the voucher or reference of the payment."))
    if not isinstance(paid_on, dt.date):
        errors.setdefault("paid_on", []).append(_("Enter the date of the payment."))
    with transaction.atomic():
        current = Commitment.objects.select_for_update().get(pk=commitment.pk)
        paid = current.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        if value is not None and paid + value > current.amount:
            errors.setdefault("amount", []).append(
                _("Payments would come to %(paid)s yuan, more than the commitment of %(amount)s yuan.")
                % {"paid": _yuan(paid + value), "amount": _yuan(current.amount)}
            )
        if errors:
            raise ValidationError(errors)
        assert value is not None
        payment = CommitmentPayment.objects.create(
            commitment=current, amount=value, paid_on=paid_on, reference=reference[:100], recorded_by=by
        )
        audit_record(
            action="commitment.payment",
            actor=Actor.of(by),
            context=context,
            object_type="commitment",
            object_id=current.pk,
            details={"amount": str(value), "paid_on": paid_on.isoformat(), "reference": reference[:100]},
        )
    return payment


def deliverable_upload(
    *, by: Any, commitment: Commitment, title: str, upload: Any, context: AuditContext | None = None
) -> PlanFile:
    """Attach a deliverable (a report of the provider) to the commitment."""
    require(by, Capability.PLAN_PREPARE)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("Say what the deliverable is, e.g. the half-year report.")]})
    prepared = files.prepare_upload(upload, material_code=files.DELIVERABLE_MATERIAL)
    name = ""
    try:
        with transaction.atomic():
            row, name = files.store(
                prepared, by=by, subject=PlanFile.Subject.DELIVERABLE, commitment=commitment, title=title
            )
            audit_record(
                action="commitment.deliverable",
                actor=Actor.of(by),
                context=context,
                object_type="commitment",
                object_id=commitment.pk,
                details={"file": str(row.pk), "sha256": row.sha256, "title": title[:200]},
            )
    except BaseException:
        if name:
            files.discard(name)
        raise
    finally:
        prepared.close()
    return row


def commitments_summary(round_: Round) -> dict[str, Decimal]:
    """Counted (toward the cap), funded elsewhere, paid — the round's commitments in figures."""
    rows = list(round_.commitments.all())
    paid = CommitmentPayment.objects.filter(commitment__round=round_).aggregate(s=Sum("amount"))["s"]
    return {
        "counted": sum((c.amount for c in rows if c.counts_toward_cap), Decimal(0)),
        "elsewhere": sum((c.amount for c in rows if not c.counts_toward_cap), Decimal(0)),
        "paid": paid or Decimal(0),
    }
