"""Writes to rounds. Each checks permission, validates, writes and audits in one transaction.

Numbers come from the policy engine's dated parameters (`alarfund.policy.parameters`), never from here:
the defaults of a round and the legal maxima of its budgets are the measure's own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alarfund.accounts.choices import Role
from alarfund.accounts.permissions import Capability, require
from alarfund.audit.services import Actor, AuditContext, audit_record
from alarfund.policy.interpretations import Interpretation, InterpretationError
from alarfund.policy.money import fen_to_decimal
from alarfund.policy.parameters import OutsidePolicyPeriod, Parameters, parameters_for
from alarfund.stale import check_version

from .materials import BUILTIN_CODES, CLAIMABLE_LINES
from .models import ROUND_TRANSITIONS, AuditorEngagement, ExtraMaterial, Round, RoundStatus

BUDGET_FIELDS = ("budget_total", "budget_7", "budget_8", "budget_10")


def policy_parameters(sales_year: int) -> Parameters:
    """The measure's values for a sales year; outside Art. 23's period a clear validation error."""
    try:
        return parameters_for(sales_year)
    except OutsidePolicyPeriod as exc:
        raise ValidationError(
            {
                "sales_year": _("The measure covers sales years %(period)s only (Art. 23).")
                % {"period": exc.period}
            }
        ) from None


def legal_budgets(params: Parameters) -> dict[str, Decimal]:
    """The maxima the measure sets (Art. 3, 7, 8, 10), which are also the defaults."""
    return {
        "budget_total": fen_to_decimal(params.annual_cap),
        "budget_7": fen_to_decimal(params.art7_budget),
        "budget_8": fen_to_decimal(params.art8_budget),
        "budget_10": fen_to_decimal(params.art10_budget),
    }


def round_defaults(sales_year: int) -> dict[str, Any]:
    params = policy_parameters(sales_year)
    return {
        "sales_year": sales_year,
        "window_start": params.art15_window_start,
        "window_end": params.art15_window_end,
        **legal_budgets(params),
        "interpretation": Interpretation().as_dict(),
    }


def _money(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("Enter an amount in yuan, e.g. 1000000.00."))
        return None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        errors.setdefault(field, []).append(_("Enter a non-negative amount with at most 2 decimals."))
        return None
    return amount


def _validated(sales_year: int, values: dict[str, Any]) -> dict[str, Any]:
    params = policy_parameters(sales_year)
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    maxima = legal_budgets(params)
    for field in BUDGET_FIELDS:
        amount = _money(values[field], field, errors)
        if amount is not None and amount > maxima[field]:
            errors.setdefault(field, []).append(
                _("The measure allows at most %(max)s yuan here.") % {"max": f"{maxima[field]:,.2f}"}
            )
        clean[field] = amount
    start, end = values["window_start"], values["window_end"]
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        errors.setdefault("window_start", []).append(_("Enter both dates of the application window."))
    else:
        if start > end:
            errors.setdefault("window_end", []).append(
                _("The window must close on or after the day it opens.")
            )
        if start <= dt.date(sales_year, 12, 31):
            errors.setdefault("window_start", []).append(
                _("Applications for a sales year open after that year ends (Art. 15).")
            )
    clean["window_start"], clean["window_end"] = start, end
    try:
        clean["interpretation"] = Interpretation.from_mapping(values.get("interpretation") or {}).as_dict()
    except InterpretationError as exc:
        errors.setdefault("interpretation", []).append(
            exc.zh if (get_language() or "").startswith("zh") else exc.en
        )
    clean["enquiries"] = str(values.get("enquiries", "")).strip()
    if errors:
        raise ValidationError(errors)
    return clean


def round_create(*, by: Any, sales_year: int, context: AuditContext | None = None, **values: Any) -> Round:
    """Open a round for a sales year; missing values take the measure's defaults."""
    require(by, Capability.ROUND_MANAGE)
    merged = {**round_defaults(sales_year), **{k: v for k, v in values.items() if v is not None}}
    clean = _validated(sales_year, merged)
    try:
        with transaction.atomic():
            round_ = Round.objects.create(sales_year=sales_year, created_by=by, **clean)
            audit_record(
                action="round.create",
                actor=Actor.of(by),
                context=context,
                object_type="round",
                object_id=round_.pk,
                details={"sales_year": sales_year, **{k: str(v) for k, v in clean.items()}},
            )
    except IntegrityError:
        raise ValidationError({"sales_year": _("A round for this sales year already exists.")}) from None
    return round_


def round_update(
    *, by: Any, round: Round, version: int | None, context: AuditContext | None = None, **values: Any
) -> Round:
    """Change a round's window, budgets, switches or contact text (stale edits are refused)."""
    require(by, Capability.ROUND_MANAGE)
    with transaction.atomic():
        current = Round.objects.select_for_update().get(pk=round.pk)
        check_version(current.version, version)
        if current.status == RoundStatus.CLOSED:
            raise ValidationError(_("A closed round can no longer be changed."))
        before = {
            field: str(getattr(current, field)) for field in (*BUDGET_FIELDS, "window_start", "window_end")
        }
        merged = {
            "window_start": current.window_start,
            "window_end": current.window_end,
            **{field: getattr(current, field) for field in BUDGET_FIELDS},
            "interpretation": current.interpretation,
            "enquiries": current.enquiries,
            **{k: v for k, v in values.items() if v is not None},
        }
        clean = _validated(current.sales_year, merged)
        for field, value in clean.items():
            setattr(current, field, value)
        current.version += 1
        current.save()
        audit_record(
            action="round.update",
            actor=Actor.of(by),
            context=context,
            object_type="round",
            object_id=current.pk,
            details={"before": before, "after": {k: str(v) for k, v in clean.items()}},
        )
    return current


def round_transition(*, by: Any, round: Round, to: str, context: AuditContext | None = None) -> Round:
    """Publish or close a round, only along ROUND_TRANSITIONS."""
    require(by, Capability.ROUND_MANAGE)
    with transaction.atomic():
        current = Round.objects.select_for_update().get(pk=round.pk)
        if to not in ROUND_TRANSITIONS[current.status]:
            raise ValidationError(
                _("A round that is %(status)s cannot become %(to)s.")
                % {"status": RoundStatus(current.status).label, "to": RoundStatus(to).label}
            )
        before = current.status
        current.status = to
        if to == RoundStatus.PUBLISHED:
            current.published_at = timezone.now()
        current.version += 1
        current.save()
        audit_record(
            action=f"round.{to}",
            actor=Actor.of(by),
            context=context,
            object_type="round",
            object_id=current.pk,
            details={"from": before, "to": to},
        )
    return current


def extra_material_add(
    *,
    by: Any,
    round: Round,
    code: str,
    label_zh: str,
    label_en: str,
    required: bool,
    applies_to: str = "all",
    context: AuditContext | None = None,
) -> ExtraMaterial:
    """Art. 16 ends in "等": the bureau may add a material to a round without a code change."""
    require(by, Capability.ROUND_MANAGE)
    errors: dict[str, list[str]] = {}
    code = code.strip().lower()
    if not code or not code.replace("_", "").isalnum() or not code.isascii():
        errors["code"] = [_("Use lower-case letters, digits and underscores.")]
    elif code in BUILTIN_CODES:
        errors["code"] = [_("This code is already a material of the measure.")]
    if not label_zh.strip() or not label_en.strip():
        errors["label_zh"] = [_("Give the material's name in Chinese and in English.")]
    if applies_to != "all" and applies_to not in CLAIMABLE_LINES:
        errors["applies_to"] = [_("Choose all applications or one line.")]
    if round.status == RoundStatus.CLOSED:
        errors["__all__"] = [_("A closed round can no longer be changed.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            material = ExtraMaterial.objects.create(
                round=round,
                code=code,
                label_zh=label_zh.strip(),
                label_en=label_en.strip(),
                required=required,
                applies_to=applies_to,
            )
            audit_record(
                action="round.material_add",
                actor=Actor.of(by),
                context=context,
                object_type="round",
                object_id=round.pk,
                details={"code": code, "required": required, "applies_to": applies_to},
            )
    except IntegrityError:
        raise ValidationError({"code": _("This round already has a material with this code.")}) from None
    return material


def window_state(round: Round, today: dt.date) -> str:
    """ "before", "open" or "after" the application window (inclusive dates)."""
    if today < round.window_start:
        return "before"
    if today > round.window_end:
        return "after"
    return "open"


def auditor_engage(
    *, by: Any, round: Round, auditor: Any, contract_reference: str, context: AuditContext | None = None
) -> AuditorEngagement:
    """The bureau engages a third-party auditor for a round (Art. 17(三), 18)."""
    require(by, Capability.REVIEW_SECOND)
    if getattr(auditor, "role", None) != Role.AUDITOR or not auditor.is_active:
        raise ValidationError({"auditor": _("Choose an active third-party auditor account.")})
    if not contract_reference.strip():
        raise ValidationError({"contract_reference": _("Give the reference of the audit contract.")})
    try:
        with transaction.atomic():
            engagement = AuditorEngagement.objects.create(
                round=round,
                auditor=auditor,
                contract_reference=contract_reference.strip()[:100],
                engaged_by=by,
            )
            audit_record(
                action="round.auditor_engage",
                actor=Actor.of(by),
                context=context,
                object_type="round",
                object_id=round.pk,
                details={"auditor": auditor.get_username(), "contract": engagement.contract_reference},
            )
    except IntegrityError:
        raise ValidationError({"auditor": _("This auditor is already engaged for the round.")}) from None
    return engagement


def engaged_round_ids(user: Any) -> list[Any]:
    """The engagement provider named by settings.ALARFUND_AUDITOR_ENGAGEMENTS."""
    if getattr(user, "pk", None) is None:
        return []
    return list(AuditorEngagement.objects.filter(auditor_id=user.pk).values_list("round_id", flat=True))
