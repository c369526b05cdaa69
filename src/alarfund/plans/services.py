"""Writes to the plan: start, compute, switches, adjustments, freeze, approve, new version; verify.

Each write checks permission, checks the version's status against `VERSION_TRANSITIONS`, writes and
audits in one transaction with the version's row locked. A step out of sequence raises `OutOfSequence`
(HTTP 409) and changes nothing (security checklist 19); a stale page raises `StaleEdit` (checklist 34).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alarfund.accounts.permissions import Capability, require
from alarfund.applications.models import Application, ApplicationStatus
from alarfund.audit.services import Actor, AuditContext, audit_record
from alarfund.policy.entitlements import LINES
from alarfund.policy.facts import LimitError
from alarfund.policy.interpretations import InterpretationError
from alarfund.policy.money import fen_from_decimal, fen_to_decimal
from alarfund.policy.parameters import parameters_for
from alarfund.policy.roundfile import RoundFileError
from alarfund.rounds.models import Round
from alarfund.stale import check_version

from . import computation, files
from .commitments import parse_money
from .models import VERSION_TRANSITIONS, Adjustment, PlanFile, PlanVersion, VersionStatus
from .reproduce import Verification, verify

DEMONSTRATION_LEVELS = ("national", "provincial")


class OutOfSequence(ValidationError):
    """A step the version's status does not allow (approve a draft, adjust a frozen plan …)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="sequence")


def _zh() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def _engine_error(exc: Exception) -> ValidationError:
    text = getattr(exc, "zh" if _zh() else "en", None) or str(exc)
    return ValidationError(_("The plan cannot be computed: %(reason)s") % {"reason": text}, code="engine")


def _locked(version: PlanVersion) -> PlanVersion:
    return PlanVersion.objects.select_for_update().select_related("round").get(pk=version.pk)


def _expect(version: PlanVersion, *statuses: str, doing: str) -> None:
    if version.status not in statuses:
        raise OutOfSequence(
            _("Version %(number)s is %(status)s: it cannot be %(doing)s now.")
            % {"number": version.number, "status": version.get_status_display(), "doing": doing}
        )


def _move(version: PlanVersion, to: str) -> None:
    if to not in VERSION_TRANSITIONS[version.status]:  # the table is the last word
        raise OutOfSequence(_("This change of status is not allowed."))
    version.status = to


def _audit(by: Any, action: str, version: PlanVersion, context: AuditContext | None, **details: Any) -> None:
    audit_record(
        action=action,
        actor=Actor.of(by),
        context=context,
        object_type="plan_version",
        object_id=version.pk,
        details={
            "round": str(version.round_id),
            "number": version.number,
            "status": version.status,
            **details,
        },
    )


def current_version(round_: Round) -> PlanVersion | None:
    return round_.plan_versions.exclude(status=VersionStatus.SUPERSEDED).first()


# -- compute --------------------------------------------------------------------------------------


def _refresh(version: PlanVersion) -> None:
    """Recompute the draft from the round's READY applications, commitments and the adjustments."""
    inputs = computation.build_inputs(
        version.round, interpretation=version.interpretation, adjustments=version.adjustments.all()
    )
    try:
        result = computation.result_of(inputs.snapshot)
    except (RoundFileError, LimitError, InterpretationError) as exc:
        raise _engine_error(exc) from None
    version.inputs = inputs.snapshot
    version.sources = inputs.sources
    version.excluded = inputs.excluded
    version.parameters = computation.parameter_entries(result.params)
    version.outputs = computation.outputs_of(result)
    version.total = fen_to_decimal(result.total)
    version.commitments_total = fen_to_decimal(result.facts.commitments_total)
    version.computed_at = timezone.now()
    version.lock += 1


def plan_start(*, by: Any, round: Round, context: AuditContext | None = None) -> PlanVersion:
    """The round's first plan version (a draft, computed), or the current draft if there is one."""
    require(by, Capability.PLAN_PREPARE)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round.pk)
        current = current_version(round_)
        if current is not None:
            if current.status == VersionStatus.DRAFT:
                return current
            raise OutOfSequence(
                _("Version %(number)s is already %(status)s: start a new version with a reason instead.")
                % {"number": current.number, "status": current.get_status_display()}
            )
        try:
            interpretation = computation.full_interpretation(round_.interpretation)
        except InterpretationError as exc:
            raise _engine_error(exc) from None
        version = PlanVersion.objects.create(
            round=round_, number=1, interpretation=interpretation, created_by=by
        )
        _refresh(version)
        version.save()
        _audit(by, "plan.start", version, context, total=str(version.total))
    return version


def plan_compute(*, by: Any, version: PlanVersion, context: AuditContext | None = None) -> PlanVersion:
    require(by, Capability.PLAN_PREPARE)
    with transaction.atomic():
        current = _locked(version)
        _expect(current, VersionStatus.DRAFT, doing=_("recomputed"))
        _refresh(current)
        current.save()
        _audit(
            by, "plan.compute", current, context, total=str(current.total), applicants=len(current.sources)
        )
    return current


def plan_set_switches(
    *,
    by: Any,
    version: PlanVersion,
    interpretation: dict[str, Any],
    lock: int | None,
    context: AuditContext | None = None,
) -> PlanVersion:
    """Fix the seven switches of a draft (the round's reading is the starting point)."""
    require(by, Capability.PLAN_PREPARE)
    try:
        chosen = computation.full_interpretation(interpretation)
    except InterpretationError as exc:
        raise ValidationError({"interpretation": [str(exc.zh if _zh() else exc.en)]}) from None
    with transaction.atomic():
        current = _locked(version)
        _expect(current, VersionStatus.DRAFT, doing=_("changed"))
        check_version(current.lock, lock)
        before = current.interpretation
        current.interpretation = chosen
        _refresh(current)
        current.save()
        _audit(by, "plan.switches", current, context, before=before, after=chosen, total=str(current.total))
    return current


# -- adjustments ----------------------------------------------------------------------------------


def adjustment_set(
    *,
    by: Any,
    version: PlanVersion,
    application: Application,
    line: str,
    amount: Any,
    reason: str,
    level: str = "",
    lock: int | None = None,
    context: AuditContext | None = None,
) -> Adjustment:
    """Lower one line of one applicant (or set its Art. 9 amount for a level), never above the formula."""
    require(by, Capability.PLAN_PREPARE)
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors.setdefault("reason", []).append(
            _("Every adjustment needs a reason (e.g. only part of the evidence is proven).")
        )
    if line not in LINES:
        errors.setdefault("line", []).append(_("Choose a line of the measure."))
    level = level or ""
    if level and (line != "9" or level not in DEMONSTRATION_LEVELS):
        errors.setdefault("level", []).append(_("A level is set only for the Art. 9 demonstration line."))
    value = parse_money(amount, "amount", errors, positive=False)
    with transaction.atomic():
        current = _locked(version)
        _expect(current, VersionStatus.DRAFT, doing=_("adjusted"))
        check_version(current.lock, lock)
        if application.round_id != current.round_id or application.status != ApplicationStatus.READY:
            raise ValidationError(
                _("Only applications of this round that are ready for the plan can be adjusted."),
                code="not_ready",
            )
        if errors:
            raise ValidationError(errors)
        assert value is not None
        key = str(application.pk)
        if level:
            params = parameters_for(current.round.sales_year)
            cap = params.art9_national_cap if level == "national" else params.art9_provincial_cap
            if not application.demonstrations.filter(level=level, first_time=True).exists():
                raise ValidationError(
                    {"level": [_("The applicant has no first-time selection at this level.")]}
                )
            ceiling = cap
        else:
            formula = computation.formula_result(current.inputs)
            position = formula.facts.position_of(key) if key in formula.facts.applicants.ids else None
            ceiling = int(formula.formula[line][position]) if position is not None else 0
            if ceiling <= 0:
                raise ValidationError(
                    {"line": [_("The applicant is not entitled to this line: there is nothing to lower.")]}
                )
        if fen_from_decimal(value) > ceiling:
            raise ValidationError(
                {
                    "amount": [
                        _(
                            "An adjustment may lower a line, never raise it: the formula gives %(ceiling)s yuan."
                        )
                        % {"ceiling": f"{fen_to_decimal(ceiling):,.2f}"}
                    ]
                }
            )
        adjustment, _created = Adjustment.objects.update_or_create(
            version=current,
            application=application,
            line=line,
            level=level,
            defaults={"amount": value, "reason": reason, "created_by": by},
        )
        _refresh(current)
        current.save()
        _audit(
            by,
            "plan.adjust",
            current,
            context,
            application=key,
            line=line,
            level=level,
            amount=str(value),
            formula=str(fen_to_decimal(ceiling)),
            reason=reason,
        )
    return adjustment


def adjustment_remove(*, by: Any, adjustment: Adjustment, context: AuditContext | None = None) -> PlanVersion:
    require(by, Capability.PLAN_PREPARE)
    with transaction.atomic():
        current = _locked(adjustment.version)
        _expect(current, VersionStatus.DRAFT, doing=_("adjusted"))
        details = {
            "application": str(adjustment.application_id),
            "line": adjustment.line,
            "level": adjustment.level,
        }
        Adjustment.objects.filter(pk=adjustment.pk).delete()
        _refresh(current)
        current.save()
        _audit(by, "plan.adjust_remove", current, context, **details)
    return current


# -- freeze, approve, new version ------------------------------------------------------------------


def plan_freeze(
    *, by: Any, version: PlanVersion, lock: int | None, context: AuditContext | None = None
) -> PlanVersion:
    """Fix the draft as computed: its inputs must still be the round's current ones."""
    require(by, Capability.PLAN_PREPARE)
    with transaction.atomic():
        current = _locked(version)
        _expect(current, VersionStatus.DRAFT, doing=_("frozen"))
        check_version(current.lock, lock)
        fresh = computation.build_inputs(
            current.round, interpretation=current.interpretation, adjustments=current.adjustments.all()
        )
        if not current.computed or fresh.snapshot != current.inputs:
            raise ValidationError(
                _(
                    "Applications, figures or commitments changed since the plan was computed. Recompute the "
                    "plan, check it, then freeze it."
                ),
                code="outdated",
            )
        if not current.inputs["round"]["applicants"]:
            raise ValidationError(_("No application is ready for the plan yet."), code="empty")
        _move(current, VersionStatus.FROZEN)
        current.frozen_by = by
        current.frozen_at = timezone.now()
        current.lock += 1
        current.save()
        _audit(
            by,
            "plan.freeze",
            current,
            context,
            total=str(current.total),
            commitments=str(current.commitments_total),
        )
    return current


def plan_approve(
    *,
    by: Any,
    version: PlanVersion,
    document_number: str,
    approval_date: dt.date | None,
    upload: Any,
    lock: int | None,
    context: AuditContext | None = None,
) -> PlanVersion:
    """Record the 师市 approval of a frozen version: document number, date and the approval file."""
    require(by, Capability.PLAN_APPROVE)
    errors: dict[str, list[str]] = {}
    document_number = (document_number or "").strip()
    if not document_number:
        errors.setdefault("document_number", []).append(_("Enter the number of the approval document."))
    if not isinstance(approval_date, dt.date):
        errors.setdefault("approval_date", []).append(_("Enter the date of the approval."))
    elif approval_date > timezone.localdate():
        errors.setdefault("approval_date", []).append(_("The approval date cannot be in the future."))
    if upload is None:
        errors.setdefault("file", []).append(_("Upload the approval document."))
    name = ""
    with transaction.atomic():
        current = _locked(version)
        _expect(current, VersionStatus.FROZEN, doing=_("approved"))
        check_version(current.lock, lock)
        # Art. 17(三): the plan is decided after the public notice has ended (docs/notices.md).
        from alarfund.notices.services import approval_problem

        problem = approval_problem(current)
        if problem:
            raise OutOfSequence(problem)
        if errors:
            raise ValidationError(errors)
        verification = verify(current)
        if not verification.reproduced:
            raise ValidationError(
                _("The frozen plan does not reproduce from its snapshot; it cannot be approved."),
                code="not_reproduced",
            )
        prepared = files.prepare_upload(upload, material_code=files.APPROVAL_MATERIAL)
        try:
            row, name = files.store(prepared, by=by, subject=PlanFile.Subject.APPROVAL, version=current)
            _move(current, VersionStatus.APPROVED)
            current.approved_by = by
            current.approved_at = timezone.now()
            current.approval_document_number = document_number[:100]
            current.approval_date = approval_date
            current.lock += 1
            current.save()
            _audit(
                by,
                "plan.approve",
                current,
                context,
                document_number=document_number[:100],
                approval_date=str(approval_date),
                file=str(row.pk),
                sha256=row.sha256,
                total=str(current.total),
            )
        except BaseException:
            if name:
                files.discard(name)
            raise
        finally:
            prepared.close()
    return current


def plan_new_version(
    *, by: Any, version: PlanVersion, reason: str, context: AuditContext | None = None
) -> PlanVersion:
    """After freezing or approval, the only way to change the plan: a new draft, with the reason."""
    require(by, Capability.PLAN_PREPARE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why a new version is needed.")]})
    with transaction.atomic():
        current = _locked(version)
        _expect(current, VersionStatus.FROZEN, VersionStatus.APPROVED, doing=_("replaced"))
        # Money paid or on its way under a version ties it: a later correction is a clawback (Art. 20).
        if current.payment_batches.exclude(status="cancelled").exists():
            raise OutOfSequence(
                _(
                    "Payment batches exist under version %(number)s: it cannot be replaced. Cancel the "
                    "batches that are not released, or record a fraud finding to recover money paid."
                )
                % {"number": current.number}
            )
        # A notice that is running speaks for this version: it must end on its own page first (the
        # notices app withdraws it, audited), never silently.
        if current.notices.filter(status="published").exists():
            raise OutOfSequence(
                _(
                    "The public notice of version %(number)s is running: withdraw it (with the reason) "
                    "before starting a new version."
                )
                % {"number": current.number}
            )
        _move(current, VersionStatus.SUPERSEDED)
        current.lock += 1
        current.save()
        try:
            with transaction.atomic():
                new = PlanVersion.objects.create(
                    round=current.round,
                    number=current.number + 1,
                    reason=reason,
                    supersedes=current,
                    interpretation=current.interpretation,
                    created_by=by,
                )
        except IntegrityError:
            raise OutOfSequence(_("Someone else started a new version at the same time.")) from None
        Adjustment.objects.bulk_create(
            Adjustment(
                version=new,
                application_id=a.application_id,
                line=a.line,
                level=a.level,
                amount=a.amount,
                reason=a.reason,
                created_by=a.created_by,
            )
            for a in current.adjustments.filter(application__status=ApplicationStatus.READY)
        )
        _refresh(new)
        new.save()
        _audit(by, "plan.supersede", current, context, superseded_by=str(new.pk), reason=reason)
        _audit(
            by,
            "plan.new_version",
            new,
            context,
            supersedes=str(current.pk),
            reason=reason,
            total=str(new.total),
        )
    return new


# -- reproducibility ------------------------------------------------------------------------------


def plan_verify(*, by: Any, version: PlanVersion, context: AuditContext | None = None) -> Verification:
    require(by, Capability.PLAN_PREPARE)
    verification = verify(version)
    _audit(
        by,
        "plan.verify",
        version,
        context,
        reproduced=verification.reproduced,
        parameters_unchanged=verification.parameters_unchanged,
    )
    return verification


def payable_version(round_: Round) -> PlanVersion:
    """The approved version payments are made from; before approval, paying is out of sequence."""
    version = round_.plan_versions.filter(status=VersionStatus.APPROVED).first()
    if version is None:
        raise OutOfSequence(_("The plan of this round is not approved yet: nothing can be paid."))
    return version


def payment_list_export(
    *, by: Any, round: Round, context: AuditContext | None = None
) -> tuple[PlanVersion, bytes]:
    """The payment list (with bank accounts) of the round's approved version: payment preparers only."""
    import hashlib

    from . import exports, report

    require(by, Capability.PAYMENT_PREPARE)
    version = payable_version(round)
    plan = report.build(version)
    data = exports.payment_xlsx(plan)
    rows = exports.payment_rows(plan)
    _audit(
        by,
        "plan.payment_list_export",
        version,
        context,
        organisations=len(rows),
        total=str(sum((amount for _org, amount in rows), Decimal(0))),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return version, data
