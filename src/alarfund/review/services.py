"""The review's writes (Art. 17–18): reviewers' marks and decisions, the audit, the departments'
opinions, the bureau's final figures, and the move to "ready for the plan".

Every service checks the permission of the step (the transition table names the capability; an auditor
only in a round they are engaged for; a department officer only for their own department), validates
everything first (errors keyed by field, in the reader's language), and writes the records, the status
change (only through `applications.services.application_transition`, whose guards it cannot skip) and
their audit events (with before/after) in one transaction. Notifications follow the commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from alarfund.accounts.permissions import Capability, Refused, Scope, require
from alarfund.applications.models import Application, ApplicationStatus, Figures, FigureSource
from alarfund.applications.selectors import application_estimate, checklist_for
from alarfund.applications.services import (
    FIGURE_FIELDS,
    REQUESTABLE_FIELDS,
    application_return_for_supplement,
    application_transition,
    clean_figures,
    missing_for_submission,
)
from alarfund.audit.services import Actor, AuditContext, audit_record
from alarfund.stale import check_version

from .figures import label, relevant_fields
from .flags import application_flags
from .models import (
    AuditorReport,
    DepartmentOpinion,
    FinalDecision,
    ItemKind,
    MaterialReview,
    OpinionVerdict,
    Stage,
    Verdict,
)
from .selectors import (
    current_cycle,
    figures_of,
    flagged_items,
    latest_opinions,
    stage_of,
    unaccepted_materials,
)

S = ApplicationStatus
#: Who decides at each stage (the transition table says the same; the stage tells which row).
STAGE_CAPABILITY: dict[str, Capability] = {
    Stage.FIRST: Capability.REVIEW_FIRST,
    Stage.SECOND: Capability.REVIEW_SECOND,
    Stage.FINAL: Capability.REVIEW_SECOND,
}
ACCEPT_TO: dict[str, str] = {Stage.FIRST: S.ASSOCIATION_ACCEPTED, Stage.SECOND: S.BUREAU_ACCEPTED}
DECISIONS = ("save", "accept", "return", "reject")
AUDIT_REPORT_CODE = "audit_report"


def _scope(application: Application, department: str | None = None) -> Scope:
    return Scope(
        organisation_id=application.organisation_id, round_id=application.round_id, department=department
    )


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update().select_related("round", "organisation").get(pk=application.pk)
    )


def _not_waiting(application: Application) -> ValidationError:
    return ValidationError(
        _("This application is “%(status)s”: it does not wait for this step.")
        % {"status": ApplicationStatus(application.status).label}
    )


# -- marks ---------------------------------------------------------------------------------------
def _clean_marks(application: Application, items: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    codes = {m.code for m in checklist_for(application)}
    errors: dict[str, list[str]] = {}
    clean = []
    for item in items:
        kind, code = str(item.get("kind", "")), str(item.get("code", ""))
        verdict, reason = str(item.get("verdict", "")), str(item.get("reason", "")).strip()
        key = f"{kind}:{code}"
        known = (kind == ItemKind.MATERIAL and code in codes) or (
            kind == ItemKind.FIGURE and code in REQUESTABLE_FIELDS
        )
        if not known:
            errors.setdefault("__all__", []).append(_("Unknown item: %(item)s") % {"item": key})
            continue
        if verdict not in Verdict.values:
            errors[key] = [_("Mark the item as accepted or as needing a supplement.")]
            continue
        if verdict == Verdict.NEEDS_SUPPLEMENT and not reason:
            errors[key] = [_("Say what must be supplemented and why.")]
            continue
        clean.append({"kind": kind, "code": code, "verdict": verdict, "reason": reason[:2000]})
    if errors:
        raise ValidationError(errors)
    return clean


def _save_marks(
    *,
    by: Any,
    application: Application,
    stage: str,
    items: list[dict[str, str]],
    context: AuditContext | None,
) -> None:
    cycle = current_cycle(application)
    existing = {
        (m.kind, m.code): m
        for m in MaterialReview.objects.filter(application=application, cycle=cycle, stage=stage)
    }
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for item in items:
        key = (item["kind"], item["code"])
        mark = existing.get(key)
        old = {"verdict": mark.verdict, "reason": mark.reason} if mark else None
        new = {"verdict": item["verdict"], "reason": item["reason"]}
        if old == new:
            continue
        MaterialReview.objects.update_or_create(
            application=application,
            cycle=cycle,
            stage=stage,
            kind=item["kind"],
            code=item["code"],
            defaults={"verdict": item["verdict"], "reason": item["reason"], "reviewer": by},
        )
        before[f"{item['kind']}:{item['code']}"] = old
        after[f"{item['kind']}:{item['code']}"] = new
    if after:
        audit_record(
            action="review.marks",
            actor=Actor.of(by),
            context=context,
            object_type="application",
            object_id=application.pk,
            details={"stage": stage, "cycle": cycle, "before": before, "after": after},
        )


def _supplement_items(application: Application, stage: str) -> list[dict[str, str]]:
    cycle = current_cycle(application)
    items = []
    for mark in MaterialReview.objects.filter(
        application=application, cycle=cycle, stage=stage, verdict=Verdict.NEEDS_SUPPLEMENT
    ).order_by("kind", "code"):
        if mark.kind == ItemKind.MATERIAL:
            items.append({"kind": "material", "code": mark.code, "reason": mark.reason})
        else:
            items.append({"kind": "figure", "field": mark.code, "reason": mark.reason})
    return items


# -- the reviewers' decisions ----------------------------------------------------------------------
def review_decide(
    *,
    by: Any,
    application: Application,
    decision: str,
    marks: Iterable[dict[str, Any]] = (),
    reason: str = "",
    version: int | None = None,
    context: AuditContext | None = None,
) -> Application:
    """The association's first review, the bureau's second review, and the bureau's decision after the
    audit and consultation: save the marks, accept, return for supplement (the items marked "needs
    supplement", each with its reason) or reject (with the reason)."""
    if decision not in DECISIONS:
        raise ValidationError(_("Choose a decision."))
    with transaction.atomic():
        current = _locked(application)
        stage = stage_of(current.status)
        if stage is None:
            raise _not_waiting(current)
        require(by, STAGE_CAPABILITY[stage], scope=_scope(current))
        if version is not None:
            check_version(current.version, version)
        items = _clean_marks(current, marks)
        if decision == "reject" and not reason.strip():
            raise ValidationError({"reason": [_("Give the reason for the rejection.")]})
        _save_marks(by=by, application=current, stage=stage, items=items, context=context)
        if decision == "save":
            return current
        if decision == "accept":
            if stage == Stage.FINAL:
                raise ValidationError(
                    _("After the audit, enter the final figures and mark the application ready for the plan.")
                )
            problems = [
                _("Mark as accepted: %(material)s") % {"material": m}
                for m in unaccepted_materials(current, stage)
            ]
            problems += [
                _("Marked as needing a supplement: %(item)s") % {"item": item}
                for item in flagged_items(current, stage)
            ]
            if problems:
                raise ValidationError(problems)
            return application_transition(
                by=by, application=current, to=ACCEPT_TO[stage], note=reason.strip(), context=context
            )
        if decision == "return":
            supplement = _supplement_items(current, stage)
            if not supplement:
                raise ValidationError(
                    _("Mark at least one material or figure as needing a supplement, with the reason.")
                )
            application_return_for_supplement(by=by, application=current, items=supplement, context=context)
            return Application.objects.get(pk=current.pk)
        return application_transition(
            by=by, application=current, to=S.REJECTED, note=reason.strip(), context=context
        )


@dataclass
class BulkResult:
    accepted: list[Application] = field(default_factory=list)
    skipped: list[tuple[Application, list[str]]] = field(default_factory=list)


def bulk_blockers(application: Application, stage: str) -> list[str]:
    """Why an application is not safe to accept together with others (empty: it is).

    Safe means: complete, eligible on its declarations and the registers, linked to no other
    application of the round, and nothing marked as needing a supplement.
    """
    reasons = [str(p) for p in missing_for_submission(application)]
    estimate = application_estimate(application)
    if not estimate.eligible:
        reasons.append(_("not eligible: %(reasons)s") % {"reasons": "; ".join(estimate.reasons)})
    flags = application_flags(application)
    if flags:
        reasons.append(
            _("linked to other applications: %(flags)s") % {"flags": ", ".join(f.label for f in flags)}
        )
    if flagged_items(application, stage):
        reasons.append(_("items are marked as needing a supplement"))
    return reasons


def review_bulk_accept(
    *, by: Any, applications: Iterable[Application], context: AuditContext | None = None
) -> BulkResult:
    """Accept several applications at once, only those that are safe to accept without reading further
    (see `bulk_blockers`); the others are skipped with their reasons. Each acceptance is its own
    transaction: one that cannot be accepted does not stop the others."""
    result = BulkResult()
    for application in applications:
        try:
            with transaction.atomic():
                current = _locked(application)
                stage = stage_of(current.status)
                if stage not in ACCEPT_TO:
                    raise _not_waiting(current)
                require(by, STAGE_CAPABILITY[stage], scope=_scope(current))
                blockers = bulk_blockers(current, stage)
                if blockers:
                    result.skipped.append((current, blockers))
                    continue
                uploaded = {m.code for m in checklist_for(current) if m.required} | _uploaded_codes(current)
                items = [
                    {"kind": "material", "code": code, "verdict": Verdict.ACCEPTED, "reason": ""}
                    for code in sorted(uploaded)
                ]
                _save_marks(by=by, application=current, stage=stage, items=items, context=context)
                accepted = application_transition(
                    by=by,
                    application=current,
                    to=ACCEPT_TO[stage],
                    note=_("Accepted together with others: complete, eligible and without flags."),
                    context=context,
                )
                result.accepted.append(accepted)
        except (ValidationError, Refused) as exc:
            result.skipped.append((application, [" ".join(_messages(exc))]))
    audit_record(
        action="review.bulk_accept",
        actor=Actor.of(by),
        context=context,
        object_type="application",
        details={
            "accepted": [str(a.pk) for a in result.accepted],
            "skipped": [str(a.pk) for a, _reasons in result.skipped],
        },
    )
    return result


def _uploaded_codes(application: Application) -> set[str]:
    from alarfund.applications.selectors import documents_by_code

    checklist = {m.code for m in checklist_for(application)}
    return {
        code for code, documents in documents_by_code(application).items() if documents and code in checklist
    }


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, Refused):
        return [str(exc.decision.reason)]
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc)]


# -- the audit (Art. 17(三), 18) ------------------------------------------------------------------------
def _figure_values(figures: Any) -> dict[str, str]:
    return {name: str(getattr(figures, name)) for name in FIGURE_FIELDS} if figures else {}


def _clean_required_figures(
    application: Application, data: dict[str, Any], missing_message: str
) -> dict[str, Any]:
    relevant = relevant_fields(application)
    errors: dict[str, list[str]] = {}
    for name in relevant:
        value = data.get(name)
        if value is None or str(value).strip() == "":
            errors[name] = [missing_message]
    try:
        clean = clean_figures({name: data[name] for name in relevant if name not in errors})
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
        clean = {}
    if errors:
        raise ValidationError(errors)
    return clean


def audit_complete(
    *,
    by: Any,
    application: Application,
    figures: dict[str, Any],
    findings: str = "",
    report_files: list[Any],
    context: AuditContext | None = None,
) -> Application:
    """The engaged auditor enters the audited figure of every line the application claims, uploads the
    audit report and completes the audit: the application becomes "audited"."""
    from alarfund.evidence.exceptions import UploadRefused
    from alarfund.evidence.services import document_upload

    require(by, Capability.AUDIT_WORK, scope=_scope(application))
    if application.status != S.BUREAU_ACCEPTED:
        raise _not_waiting(application)
    clean = _clean_required_figures(application, figures, _("Enter the audited figure."))
    if not report_files:
        raise ValidationError({"report": [_("Upload the audit report.")]})
    with transaction.atomic():
        current = _locked(application)
        require(by, Capability.AUDIT_WORK, scope=_scope(current))
        if current.status != S.BUREAU_ACCEPTED:
            raise _not_waiting(current)
        try:
            # The auditor may not prepare the applicant's files: the upload runs as a trusted call,
            # and this service's own event records who uploaded the report.
            report = document_upload(
                actor=None,
                organisation=current.organisation,
                material_code=AUDIT_REPORT_CODE,
                files=report_files,
                subject_type="application",
                subject_id=current.pk,
                context=context,
            )
        except UploadRefused as refusal:
            raise ValidationError({"report": [str(m) for m in refusal.messages]}) from None
        declared = figures_of(current, FigureSource.DECLARED)
        previous = figures_of(current, FigureSource.AUDITED)
        values = {name: getattr(declared, name) for name in FIGURE_FIELDS}
        values.update(clean)
        audited, _created = Figures.objects.update_or_create(
            application=current, source=FigureSource.AUDITED, defaults=values
        )
        cycle = current_cycle(current)
        AuditorReport.objects.create(
            application=current, cycle=cycle, auditor=by, report=report, findings=findings.strip()[:4000]
        )
        audit_record(
            action="review.audit",
            actor=Actor.of(by),
            context=context,
            object_type="application",
            object_id=current.pk,
            details={
                "cycle": cycle,
                "before": _figure_values(previous),
                "after": _figure_values(audited),
                "declared": _figure_values(declared),
                "report_version": str(report.pk),
                "findings": findings.strip()[:4000],
            },
        )
        return application_transition(
            by=by,
            application=current,
            to=S.AUDITED,
            note=findings.strip() or _("Audit completed."),
            context=context,
        )


# -- the departments' opinions (Art. 17(三)) ---------------------------------------------------------
def opinion_give(
    *,
    by: Any,
    application: Application,
    verdict: str,
    reason: str = "",
    department: str | None = None,
    context: AuditContext | None = None,
) -> DepartmentOpinion:
    """A department officer gives their department's opinion: no objection, or an objection with its
    reason. Only while the application waits for the consultation; a later opinion supersedes."""
    department = department or getattr(by, "department", "") or None
    require(by, Capability.DEPARTMENT_OPINION, scope=_scope(application, department))
    if verdict not in OpinionVerdict.values:
        raise ValidationError({"verdict": [_("Choose: no objection, or an objection.")]})
    reason = reason.strip()
    if verdict == OpinionVerdict.OBJECTION and not reason:
        raise ValidationError({"reason": [_("Give the reason for the objection.")]})
    with transaction.atomic():
        current = _locked(application)
        if current.status != S.AUDITED:
            raise _not_waiting(current)
        cycle = current_cycle(current)
        previous = latest_opinions(current, cycle).get(str(department))
        opinion = DepartmentOpinion.objects.create(
            application=current,
            cycle=cycle,
            department=department,
            verdict=verdict,
            reason=reason[:4000],
            given_by=by,
        )
        audit_record(
            action="review.opinion",
            actor=Actor.of(by),
            context=context,
            object_type="application",
            object_id=current.pk,
            details={
                "department": department,
                "cycle": cycle,
                "before": {"verdict": previous.verdict, "reason": previous.reason} if previous else None,
                "after": {"verdict": verdict, "reason": reason},
            },
        )
        from alarfund.notifications.services import notify_opinion

        notify_opinion(application=current, opinion=opinion)
    return opinion


# -- the bureau's final figures and the move to the plan ---------------------------------------------
def final_figures_save(
    *,
    by: Any,
    application: Application,
    figures: dict[str, Any],
    reasons: dict[str, str],
    context: AuditContext | None = None,
) -> FinalDecision:
    """The bureau's final figure for every claimed line; where it differs from the audited figure, the
    reason is required."""
    require(by, Capability.REVIEW_SECOND, scope=_scope(application))
    if application.status != S.AUDITED:
        raise _not_waiting(application)
    clean = _clean_required_figures(application, figures, _("Enter the final figure."))
    with transaction.atomic():
        current = _locked(application)
        if current.status != S.AUDITED:
            raise _not_waiting(current)
        audited = figures_of(current, FigureSource.AUDITED)
        if audited is None:
            raise ValidationError(_("The audited figures are missing."))
        kept: dict[str, str] = {}
        errors: dict[str, list[str]] = {}
        for name, value in clean.items():
            if value != getattr(audited, name):
                why = str(reasons.get(name, "") or "").strip()
                if not why:
                    errors[f"reason_{name}"] = [
                        _("The final figure differs from the audited one: give the reason.")
                    ]
                kept[name] = why[:2000]
        if errors:
            raise ValidationError(errors)
        previous = figures_of(current, FigureSource.FINAL)
        values = {name: getattr(audited, name) for name in FIGURE_FIELDS}
        values.update(clean)
        final, _created = Figures.objects.update_or_create(
            application=current, source=FigureSource.FINAL, defaults=values
        )
        cycle = current_cycle(current)
        decision, _created = FinalDecision.objects.update_or_create(
            application=current, cycle=cycle, defaults={"reasons": kept, "decided_by": by}
        )
        audit_record(
            action="review.final_figures",
            actor=Actor.of(by),
            context=context,
            object_type="application",
            object_id=current.pk,
            details={
                "cycle": cycle,
                "before": _figure_values(previous),
                "after": _figure_values(final),
                "audited": _figure_values(audited),
                "reasons": {label(name): why for name, why in kept.items()},
            },
        )
    return decision


def review_mark_ready(
    *, by: Any, application: Application, note: str = "", context: AuditContext | None = None
) -> Application:
    """Ready for the reward plan: only when the three departments gave no objection and the final
    figures are entered (the transition's guard checks both)."""
    return application_transition(
        by=by, application=application, to=S.READY, note=note.strip(), context=context
    )
