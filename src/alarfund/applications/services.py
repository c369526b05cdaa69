"""Writes to applications: start, save a draft, submit, withdraw, return for supplement, transitions.

Each service checks permission (the transition table names the capability), validates with the policy
engine's own money rules, writes, records the timeline and the audit event in one transaction. Bad input
raises `ValidationError` keyed by field, in the user's language; nothing is half-stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alarfund.accounts.choices import OrganisationType
from alarfund.accounts.permissions import Capability, Refused, Scope, check, require
from alarfund.audit.services import Actor, AuditContext, audit_record
from alarfund.policy.money import MoneyError, fen_to_decimal, parse_count, parse_fen
from alarfund.rounds.models import Round, RoundStatus
from alarfund.rounds.services import window_state
from alarfund.stale import check_version

from .models import (
    Application,
    ApplicationStatus,
    Demonstration,
    DemonstrationLevel,
    EntityType,
    Figures,
    FigureSource,
    Province,
    StatusChange,
    SupplementRequest,
)
from .selectors import checklist_for, documents_by_code
from .transitions import EDITABLE, NEEDS_REASON, capability_for, guard_problems

MONEY_FIELDS = (
    "online_sales",
    "total_sales",
    "loan_interest_paid",
    "promotion_fees",
    "inland_warehouse_rent",
)
FIGURE_FIELDS = (*MONEY_FIELDS, "parcels")
DECLARATIONS = (
    "registered_in_jurisdiction",
    "credit_or_tax_violation_3y",
    "false_material_3y",
    "statistics_reported",
    "major_incident",
    "four_above_reward",
)
FLAGS = ("local_brand_seller", "local_product_seller")
CLAIMABLE = ("5.2", "6", "7", "8", "9", "10")  # 5.1 follows from the online-sales figure
#: What a reviewer can ask to be supplemented, besides materials (by their code).
REQUESTABLE_FIELDS = (
    *FIGURE_FIELDS,
    "claimed_lines",
    "warehouse_province",
    "demonstrations",
    "declarations",
    *FLAGS,
)

ENTITY_OF_ORGANISATION = {
    OrganisationType.ENTERPRISE: EntityType.ENTERPRISE,
    OrganisationType.INDIVIDUAL_BUSINESS: EntityType.INDIVIDUAL,
    OrganisationType.BRANCH: EntityType.BRANCH,
}


def _scope(application: Application) -> Scope:
    return Scope(organisation_id=application.organisation_id, round_id=application.round_id)


def _money_message(exc: MoneyError) -> str:
    return exc.zh if (get_language() or "").startswith("zh") else exc.en


def _record(
    application: Application, *, by: Any, from_status: str, note: str = "", context: AuditContext | None
) -> None:
    StatusChange.objects.create(
        application=application,
        from_status=from_status,
        to_status=application.status,
        actor=by,
        actor_role=getattr(by, "role", ""),
        note=note,
    )
    audit_record(
        action=f"application.{application.status}",
        actor=Actor.of(by),
        context=context,
        object_type="application",
        object_id=application.pk,
        details={"from": from_status, "to": application.status, "note": note},
    )
    if from_status:
        # Whoever must act next hears of it once the change is committed (never on a rollback).
        from alarfund.notifications.services import notify_status_change

        notify_status_change(application=application, from_status=from_status, note=note)


def clean_figures(data: dict[str, Any]) -> dict[str, Any]:
    """Figures (money lines and parcels) validated with the engine's own rules; errors keyed by field.
    Used by the review for the audited and final figures."""
    return _clean({name: value for name, value in data.items() if name in FIGURE_FIELDS})


def application_start(
    *, by: Any, round: Round, context: AuditContext | None = None, today: dt.date | None = None
) -> Application:
    """An organisation starts its (single) application for a published round, inside the window.

    `today` is the clock (default: today in the platform's time zone); the demo seeds past rounds with it.
    """
    require(by, Capability.APPLICATION_PREPARE)
    organisation = by.organisation
    entity = ENTITY_OF_ORGANISATION.get(organisation.org_type)
    if entity is None:
        raise ValidationError(
            _(
                "Third-party service providers do not apply: their services are contracted by the bureau (Art. 12, 13)."
            )
        )
    if round.status != RoundStatus.PUBLISHED:
        raise ValidationError(_("This round is not open for applications."))
    _require_window(round, today)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                round=round,
                organisation=organisation,
                entity_type=entity,
                created_by=by,
                claimed_lines=["5.1"],
            )
            Figures.objects.create(application=application, source=FigureSource.DECLARED)
            _record(application, by=by, from_status="", note="", context=context)
    except IntegrityError:
        raise ValidationError(
            _("Your organisation has already applied in this round: continue with that application.")
        ) from None
    return application


def _require_window(round: Round, today: dt.date | None = None) -> None:
    state = window_state(round, today or timezone.localdate())
    if state != "open":
        dates = {"start": round.window_start.isoformat(), "end": round.window_end.isoformat()}
        if state == "before":
            raise ValidationError(_("Applications open on %(start)s (window %(start)s to %(end)s).") % dates)
        raise ValidationError(
            _("The application window closed on %(end)s (window %(start)s to %(end)s).") % dates
        )


def _own(by: Any, application: Application) -> None:
    decision = check(by, Capability.APPLICATION_PREPARE, scope=_scope(application))
    if not decision:
        raise Refused(decision, capability=Capability.APPLICATION_PREPARE)


def open_request(application: Application) -> SupplementRequest | None:
    return application.supplement_requests.filter(resolved_at__isnull=True).first()


def reopened_items(application: Application) -> tuple[set[str], set[str]]:
    """(fields, material codes) a return for supplement reopened; everything when a draft."""
    if application.status == ApplicationStatus.DRAFT:
        return set(REQUESTABLE_FIELDS), {m.code for m in checklist_for(application)}
    request = open_request(application) if application.status == ApplicationStatus.RETURNED else None
    if request is None:
        return set(), set()
    fields = {item["field"] for item in request.items if item.get("kind") == "figure"}
    codes = {item["code"] for item in request.items if item.get("kind") == "material"}
    return fields, codes


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Validate the applicant's input with the engine's own money rules; errors keyed by field."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for name in MONEY_FIELDS:
        if name in data:
            raw = data[name]
            raw = "0" if raw in ("", None) else raw
            try:
                clean[name] = fen_to_decimal(parse_fen(str(raw).strip().replace(",", "")))
            except MoneyError as exc:
                errors[name] = [_money_message(exc)]
    if "parcels" in data:
        raw = data["parcels"]
        text = str(raw).strip() if raw is not None else ""
        try:
            clean["parcels"] = parse_count(
                int(text) if text.isascii() and text.isdigit() else (0 if text == "" else raw)
            )
        except MoneyError as exc:
            errors["parcels"] = [_money_message(exc)]
    if "claimed_lines" in data:
        lines = list(data["claimed_lines"] or [])
        unknown = [line for line in lines if line not in CLAIMABLE and line != "5.1"]
        if unknown:
            errors["claimed_lines"] = [_("Unknown line: %(lines)s") % {"lines": ", ".join(map(str, unknown))}]
        clean["claimed_lines"] = ["5.1", *[line for line in CLAIMABLE if line in lines]]
    for name in (*FLAGS, *DECLARATIONS):
        if name in data:
            clean[name] = bool(data[name])
    if "warehouse_province" in data:
        province = data["warehouse_province"] or ""
        if province and province not in Province.values:
            errors["warehouse_province"] = [_("Choose a province outside Xinjiang.")]
        clean["warehouse_province"] = province
    if "demonstrations" in data:
        clean["demonstrations"] = _clean_demonstrations(data["demonstrations"] or [], errors)
    if errors:
        raise ValidationError(errors)
    return clean


def _clean_demonstrations(items: list[dict[str, Any]], errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    clean = []
    for item in items:
        level = item.get("level")
        title = str(item.get("title", "")).strip()
        selected_on = item.get("selected_on")
        if isinstance(selected_on, str):
            try:
                selected_on = dt.date.fromisoformat(selected_on)
            except ValueError:
                selected_on = None
        if level not in DemonstrationLevel.values or not title or not isinstance(selected_on, dt.date):
            errors.setdefault("demonstrations", []).append(
                _("Each demonstration case needs its level, its name and the date it was selected.")
            )
            continue
        clean.append(
            {
                "level": level,
                "title": title[:200],
                "selected_on": selected_on,
                "first_time": bool(item.get("first_time", True)),
            }
        )
    return clean


def application_save(
    *,
    by: Any,
    application: Application,
    version: int | None,
    data: dict[str, Any],
    context: AuditContext | None = None,
) -> Application:
    """Save the applicant's figures, claims and declarations (a draft, or what a return reopened)."""
    _own(by, application)
    clean = _clean(data)
    with transaction.atomic():
        current = Application.objects.select_for_update().get(pk=application.pk)
        check_version(current.version, version)
        if current.status not in EDITABLE:
            raise ValidationError(_("This application has been submitted: its figures and files are frozen."))
        allowed, _codes = reopened_items(current)
        figures = current.figure_sets.get(source=FigureSource.DECLARED)
        changed = _changed_fields(current, figures, clean)
        before = {name: _audit_value(current, figures, name) for name in sorted(changed)}
        if current.status == ApplicationStatus.RETURNED:
            if "declarations" in allowed:
                allowed |= set(DECLARATIONS)
            refused = sorted(changed - allowed)
            if refused:
                raise ValidationError(
                    _("Only the items the reviewer asked for can be changed (not: %(fields)s).")
                    % {"fields": ", ".join(refused)}
                )
        for name in FIGURE_FIELDS:
            if name in clean:
                setattr(figures, name, clean[name])
        figures.save()
        for name in ("claimed_lines", "warehouse_province", *FLAGS, *DECLARATIONS):
            if name in clean:
                setattr(current, name, clean[name])
        if "demonstrations" in clean:
            current.demonstrations.all().delete()
            Demonstration.objects.bulk_create(
                Demonstration(application=current, **item) for item in clean["demonstrations"]
            )
        current.version += 1
        current.save()
        audit_record(
            action="application.save",
            actor=Actor.of(by),
            context=context,
            object_type="application",
            object_id=current.pk,
            details={
                "changed": sorted(changed),
                "before": before,
                "after": {name: _audit_value(current, figures, name) for name in sorted(changed)},
            },
        )
    return current


def _audit_value(application: Application, figures: Figures, name: str) -> Any:
    """A field's value as the audit trail records it (before/after an edit)."""
    if name in FIGURE_FIELDS:
        return str(getattr(figures, name))
    if name == "demonstrations":
        return [
            f"{d.level}:{d.title}:{d.selected_on.isoformat()}:{d.first_time}"
            for d in application.demonstrations.all()
        ]
    return getattr(application, name)


def _changed_fields(application: Application, figures: Figures, clean: dict[str, Any]) -> set[str]:
    changed = set()
    for name, value in clean.items():
        if name in FIGURE_FIELDS:
            if getattr(figures, name) != value:
                changed.add(name)
        elif name == "demonstrations":
            current = [
                {"level": d.level, "title": d.title, "selected_on": d.selected_on, "first_time": d.first_time}
                for d in application.demonstrations.all()
            ]
            if current != value:
                changed.add(name)
        elif getattr(application, name) != value:
            changed.add(name)
    return changed


def checklist_codes(application: Application) -> list[str]:
    return [m.code for m in checklist_for(application)]


def missing_for_submission(application: Application) -> list[str]:
    """Everything that stops a submission, in the user's language (empty when complete)."""
    problems: list[str] = []
    figures = application.figure_sets.get(source=FigureSource.DECLARED)
    claimed = set(application.claimed_lines)
    if figures.online_sales <= 0:
        problems.append(_("Enter the year's online sales."))
    needs = {
        "5.2": (
            figures.loan_interest_paid > 0,
            _("Art. 5(2): enter the interest paid on operating bank loans."),
        ),
        "6": (
            application.local_brand_seller,
            _(
                "Art. 6: confirm that you sell brand products of the Division and city on third-party platforms."
            ),
        ),
        "7": (
            application.local_product_seller and figures.promotion_fees > 0,
            _(
                "Art. 7: confirm that you sell products of the Division and city and enter the promotion fees."
            ),
        ),
        "8": (
            figures.inland_warehouse_rent > 0 and bool(application.warehouse_province),
            _("Art. 8: enter the warehouse rent and the province of the warehouse."),
        ),
        "9": (
            application.demonstrations.exists(),
            _("Art. 9: add the demonstration case you were selected as."),
        ),
        "10": (figures.parcels > 0, _("Art. 10: enter the number of parcels shipped.")),
    }
    for line, (ok, message) in needs.items():
        if line in claimed and not ok:
            problems.append(str(message))
    uploaded = documents_by_code(application)
    for material in checklist_for(application):
        if material.required and not uploaded.get(material.code):
            problems.append(_("Upload: %(material)s") % {"material": material.label})
    return problems


def application_submit(
    *,
    by: Any,
    application: Application,
    version: int | None,
    pledge_name: str,
    pledge_accepted: bool,
    context: AuditContext | None = None,
    today: dt.date | None = None,
) -> Application:
    """Submit (or resubmit after a return): only complete, pledged applications; the window applies to
    a first submission. Afterwards the figures and files are frozen."""
    _own(by, application)
    with transaction.atomic():
        current = Application.objects.select_for_update().get(pk=application.pk)
        check_version(current.version, version)
        before = current.status
        if capability_for(before, ApplicationStatus.SUBMITTED) is None:
            raise ValidationError(_("This application cannot be submitted in its present state."))
        if before == ApplicationStatus.DRAFT:
            _require_window(current.round, today)
        problems = missing_for_submission(current)
        if not pledge_accepted or not pledge_name.strip():
            problems.append(_("Sign the authenticity pledge with your name."))
        if problems:
            raise ValidationError({"__all__": problems})
        current.status = ApplicationStatus.SUBMITTED
        current.pledge_signed_by = pledge_name.strip()[:50]
        current.pledged_at = timezone.now()
        current.submitted_at = current.submitted_at or timezone.now()
        current.version += 1
        current.save()
        SupplementRequest.objects.filter(application=current, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
        _record(current, by=by, from_status=before, context=context)
    return current


def application_transition(
    *, by: Any, application: Application, to: str, note: str = "", context: AuditContext | None = None
) -> Application:
    """A reviewer's step along the transition table (the review issue adds its guards and pages)."""
    with transaction.atomic():
        current = Application.objects.select_for_update().get(pk=application.pk)
        capability = capability_for(current.status, to)
        if capability is None:
            raise ValidationError(
                _("An application that is “%(status)s” cannot become “%(to)s”.")
                % {"status": ApplicationStatus(current.status).label, "to": ApplicationStatus(to).label}
            )
        require(by, capability, scope=_scope(current))
        if to in NEEDS_REASON and not note.strip():
            raise ValidationError({"note": [_("Give the reason.")]})
        problems = guard_problems(current, current.status, to)
        if problems:
            raise ValidationError(problems)
        before = current.status
        current.status = to
        current.version += 1
        current.save()
        _record(current, by=by, from_status=before, note=note.strip(), context=context)
    return current


def application_return_for_supplement(
    *, by: Any, application: Application, items: list[dict[str, str]], context: AuditContext | None = None
) -> SupplementRequest:
    """Return for supplement: each item (a material code or a figure field) with its reason. Only
    these items reopen for the applicant."""
    clean_items = []
    codes = {m.code for m in checklist_for(application)}
    for item in items:
        reason = str(item.get("reason", "")).strip()
        if item.get("kind") == "material" and item.get("code") in codes and reason:
            clean_items.append({"kind": "material", "code": item["code"], "reason": reason})
        elif item.get("kind") == "figure" and item.get("field") in REQUESTABLE_FIELDS and reason:
            clean_items.append({"kind": "figure", "field": item["field"], "reason": reason})
        else:
            raise ValidationError(_("Each item needs a known material or figure and a reason."))
    if not clean_items:
        raise ValidationError(_("Say what must be supplemented, item by item."))
    with transaction.atomic():
        note = "; ".join(item["reason"] for item in clean_items)
        application_transition(
            by=by, application=application, to=ApplicationStatus.RETURNED, note=note, context=context
        )
        return SupplementRequest.objects.create(application=application, requested_by=by, items=clean_items)


def application_withdraw(
    *, by: Any, application: Application, context: AuditContext | None = None
) -> Application:
    _own(by, application)
    with transaction.atomic():
        current = Application.objects.select_for_update().get(pk=application.pk)
        if capability_for(current.status, ApplicationStatus.WITHDRAWN) is None:
            raise ValidationError(_("Only a draft can be withdrawn."))
        before = current.status
        current.status = ApplicationStatus.WITHDRAWN
        current.version += 1
        current.save()
        _record(current, by=by, from_status=before, context=context)
    return current


def application_material_upload(
    *,
    by: Any,
    application: Application,
    material_code: str,
    files: list[Any],
    context: AuditContext | None = None,
) -> Any:
    """Upload a material of the checklist: a draft takes any, a returned application only the materials
    the reviewer asked for; after submission the files are frozen. `actor=None` is the trusted demo."""
    from alarfund.evidence.services import document_upload

    if by is not None:
        _own(by, application)
    with transaction.atomic():
        # Locked: a submission in another tab cannot slip between this check and the upload.
        current = Application.objects.select_for_update().get(pk=application.pk)
        if current.status not in EDITABLE:
            raise ValidationError(_("This application has been submitted: its figures and files are frozen."))
        _fields, codes = reopened_items(current)
        if material_code not in codes:
            if current.status == ApplicationStatus.RETURNED:
                raise ValidationError(_("Only the materials the reviewer asked for can be uploaded again."))
            raise ValidationError(_("This material is not on the application's checklist."))
        version = document_upload(
            actor=by,
            organisation=current.organisation,
            material_code=material_code,
            files=files,
            subject_type="application",
            subject_id=current.pk,
            context=context,
        )
        # A list of tracking numbers is imported and checked in the background (Art. 10, 16(八)).
        from alarfund.tracking.services import material_uploaded

        material_uploaded(
            by=by, application=current, material_code=material_code, version=version, context=context
        )
        return version
