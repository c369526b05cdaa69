"""The procedure of Art. 17–18 walked end to end, every branch: accept, return and resubmit at each
stage, rejection at each stage; the three figures per line; and the refusals of bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from alarfund.applications.models import Application, FigureSource, SupplementRequest
from alarfund.applications.models import ApplicationStatus as S
from alarfund.applications.services import application_save, application_transition, reopened_items
from alarfund.audit.models import AuditEvent
from alarfund.evidence.models import Document
from alarfund.review.models import AuditorReport, DepartmentOpinion, MaterialReview
from alarfund.review.selectors import current_cycle, readiness_problems
from alarfund.review.services import (
    audit_complete,
    final_figures_save,
    opinion_give,
    review_decide,
    review_mark_ready,
)

from .helpers import (
    accept,
    audit,
    consult,
    declared_figures,
    finalise,
    material_marks,
    report,
    resubmit,
    return_with,
    submitted,
    to_ready,
    walk,
)

pytestmark = pytest.mark.django_db


def statuses(app: Application) -> list[str]:
    return [change.to_status for change in app.timeline.all()]


def test_the_whole_procedure_to_ready(staff, applicant, round_):
    app = walk(staff, applicant, round_, "ready")
    assert app.status == S.READY
    assert statuses(app) == [
        "draft",
        "submitted",
        "association_accepted",
        "bureau_accepted",
        "audited",
        "ready",
    ]
    # Who made each step, by role.
    roles = [c.actor_role for c in app.timeline.all()][1:]
    assert roles == ["applicant", "association_reviewer", "bureau_officer", "auditor", "bureau_officer"]
    # Three figures per line.
    assert {f.source for f in app.figure_sets.all()} == {"declared", "audited", "final"}
    # Every transition is in the audit trail with from/to.
    events = AuditEvent.objects.filter(object_type="application", object_id=str(app.pk))
    transitions = [
        (e.details["from"], e.details["to"]) for e in events if "to" in e.details and "from" in e.details
    ]
    assert ("audited", "ready") in transitions and ("submitted", "association_accepted") in transitions
    assert events.filter(action="review.audit").exists()
    assert events.filter(action="review.final_figures").exists()
    assert events.filter(action="review.opinion").count() == 3
    assert events.filter(action="review.marks").count() == 2  # association and bureau


def test_audited_and_final_figures_with_reason_where_different(staff, applicant, round_):
    app = walk(staff, applicant, round_, "bureau_accepted")
    app = audit(staff.auditor, app, promotion_fees="76000.00")
    audited = app.figure_sets.get(source=FigureSource.AUDITED)
    assert audited.promotion_fees == Decimal("76000.00")
    assert app.figure_sets.get(source=FigureSource.DECLARED).promotion_fees == Decimal("80000.00")
    report_row = AuditorReport.objects.get(application=app)
    assert report_row.auditor == staff.auditor and report_row.cycle == 1
    assert Document.objects.get(subject_id=app.pk, material_code="audit_report").versions.count() == 1
    consult(staff, app)
    with pytest.raises(ValidationError) as caught:
        finalise(staff.officer, app, parcels="59000")
    assert "reason_parcels" in caught.value.message_dict
    assert app.figure_sets.filter(source=FigureSource.FINAL).count() == 0
    finalise(staff.officer, app, reasons={"parcels": "1000 件为退货件"}, parcels="59000")
    final = app.figure_sets.get(source=FigureSource.FINAL)
    assert final.parcels == 59000 and final.promotion_fees == Decimal("76000.00")
    event = AuditEvent.objects.filter(action="review.final_figures").latest("seq")
    assert event.details["after"]["parcels"] == "59000" and event.details["before"] == {}
    app = review_mark_ready(by=staff.officer, application=app)
    assert app.status == S.READY


@pytest.mark.parametrize("bad", ["-1", "abc", "12.345", "1000000000000.01", "NaN", ""])
def test_an_audited_figure_that_is_not_a_valid_amount_is_refused(staff, applicant, round_, bad):
    app = walk(staff, applicant, round_, "bureau_accepted")
    with pytest.raises(ValidationError) as caught:
        audit_complete(
            by=staff.auditor,
            application=app,
            figures={**declared_figures(app), "online_sales": bad},
            report_files=[report()],
        )
    assert "online_sales" in caught.value.message_dict
    app.refresh_from_db()
    assert app.status == S.BUREAU_ACCEPTED
    assert not app.figure_sets.filter(source=FigureSource.AUDITED).exists()
    assert not Document.objects.filter(subject_id=app.pk, material_code="audit_report").exists()


def test_the_audit_needs_every_claimed_line_and_the_report(staff, applicant, round_):
    app = walk(staff, applicant, round_, "bureau_accepted")
    figures = declared_figures(app)
    del figures["parcels"]
    with pytest.raises(ValidationError) as caught:
        audit_complete(by=staff.auditor, application=app, figures=figures, report_files=[report()])
    assert "parcels" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        audit_complete(by=staff.auditor, application=app, figures=declared_figures(app), report_files=[])
    assert "report" in caught.value.message_dict
    app.refresh_from_db()
    assert app.status == S.BUREAU_ACCEPTED


def test_return_at_first_review_and_resubmit_goes_through_every_step_again(staff, applicant, round_):
    app = submitted(applicant, round_)
    app = return_with(staff.association, app, tracking_numbers="缺少 12 月数据", f_parcels="与明细不符")
    assert app.status == S.RETURNED
    request = SupplementRequest.objects.get(application=app, resolved_at__isnull=True)
    assert {i.get("code") or i.get("field") for i in request.items} == {"tracking_numbers", "parcels"}
    assert reopened_items(app) == ({"parcels"}, {"tracking_numbers"})
    app = application_save(by=applicant, application=app, version=app.version, data={"parcels": "58000"})
    edit = AuditEvent.objects.filter(action="application.save").latest("seq")
    assert edit.details["before"] == {"parcels": "60000"} and edit.details["after"] == {"parcels": "58000"}
    app = resubmit(applicant, app)
    assert app.status == S.SUBMITTED and current_cycle(app) == 2
    # The first cycle's marks do not count for the second: the reviewer marks again.
    with pytest.raises(ValidationError):
        review_decide(by=staff.association, application=app, decision="accept", marks=[])
    app = accept(staff.association, app)
    app = accept(staff.officer, app)
    app = audit(staff.auditor, app)
    app = to_ready(staff, app)
    assert statuses(app) == [
        "draft",
        "submitted",
        "returned",
        "submitted",
        "association_accepted",
        "bureau_accepted",
        "audited",
        "ready",
    ]
    assert MaterialReview.objects.filter(application=app, cycle=1, verdict="needs_supplement").count() == 2


def test_return_after_the_audit_needs_a_new_audit_and_new_opinions(staff, applicant, round_):
    app = walk(staff, applicant, round_, "audited")
    consult(staff, app)
    app = review_decide(
        by=staff.officer,
        application=app,
        decision="return",
        marks=[
            {"kind": "figure", "code": "promotion_fees", "verdict": "needs_supplement", "reason": "缺发票"}
        ],
    )
    assert app.status == S.RETURNED
    app = resubmit(applicant, app)
    app = accept(staff.association, app)
    app = accept(staff.officer, app)
    # The first audit does not carry over: the move to "audited" needs this cycle's audit.
    with pytest.raises(ValidationError) as caught:
        application_transition(by=staff.auditor, application=app, to=S.AUDITED, note="x")
    assert "audit" in str(caught.value)
    app = audit(staff.auditor, app)
    assert AuditorReport.objects.filter(application=app).count() == 2
    # Nor do the first cycle's opinions.
    problems = readiness_problems(app)
    assert len([p for p in problems if "opinion" in p]) == 3
    app = to_ready(staff, app)
    assert app.status == S.READY


def test_return_at_second_review(staff, applicant, round_):
    app = walk(staff, applicant, round_, "association_accepted")
    app = return_with(staff.officer, app, vat_return="缺 2025 年 12 月申报表")
    assert app.status == S.RETURNED
    assert reopened_items(app) == (set(), {"vat_return"})
    app = resubmit(applicant, app)
    assert app.status == S.SUBMITTED  # back to the association, the same steps again


@pytest.mark.parametrize("stage", ["submitted", "association_accepted", "audited"])
def test_rejection_at_each_stage_needs_and_records_its_reason(staff, applicant, round_, stage):
    app = walk(staff, applicant, round_, stage)
    reviewer = staff.association if stage == "submitted" else staff.officer
    with pytest.raises(ValidationError) as caught:
        review_decide(by=reviewer, application=app, decision="reject", reason="  ")
    assert "reason" in caught.value.message_dict
    app.refresh_from_db()
    assert app.status == stage
    app = review_decide(
        by=reviewer, application=app, decision="reject", reason="近三年有税收违法案件（第十四条）"
    )
    assert app.status == S.REJECTED
    assert app.timeline.last().note == "近三年有税收违法案件（第十四条）"
    # A rejection is final: nothing moves it any more.
    for target in S.values:
        with pytest.raises(ValidationError):
            application_transition(by=staff.officer, application=app, to=target, note="x")


def test_accept_needs_every_material_accepted_and_nothing_flagged(staff, applicant, round_):
    app = submitted(applicant, round_)
    with pytest.raises(ValidationError) as caught:
        review_decide(by=staff.association, application=app, decision="accept", marks=[])
    assert "Mark as accepted" in str(caught.value)
    marks = [
        *material_marks(app),
        {"kind": "figure", "code": "parcels", "verdict": "needs_supplement", "reason": "与明细不符"},
    ]
    with pytest.raises(ValidationError) as caught:
        review_decide(by=staff.association, application=app, decision="accept", marks=marks)
    assert "needing a supplement" in str(caught.value)
    app.refresh_from_db()
    assert app.status == S.SUBMITTED
    # The transition's own guard refuses the same, whoever calls it.
    review_decide(by=staff.association, application=app, decision="save", marks=marks)
    with pytest.raises(ValidationError):
        application_transition(by=staff.association, application=app, to=S.ASSOCIATION_ACCEPTED)
    app.refresh_from_db()
    assert app.status == S.SUBMITTED


def test_a_return_needs_items_and_each_item_its_reason(staff, applicant, round_):
    app = submitted(applicant, round_)
    with pytest.raises(ValidationError) as caught:
        review_decide(by=staff.association, application=app, decision="return", marks=material_marks(app))
    assert "at least one" in str(caught.value)
    marks = material_marks(app)
    marks[0] = {**marks[0], "verdict": "needs_supplement", "reason": ""}
    with pytest.raises(ValidationError) as caught:
        review_decide(by=staff.association, application=app, decision="return", marks=marks)
    assert f"material:{marks[0]['code']}" in caught.value.message_dict
    with pytest.raises(ValidationError):
        review_decide(
            by=staff.association,
            application=app,
            decision="return",
            marks=[{"kind": "material", "code": "no_such_material", "verdict": "accepted"}],
        )
    app.refresh_from_db()
    assert app.status == S.SUBMITTED and not MaterialReview.objects.exists()


def test_a_stale_decision_is_refused(staff, applicant, round_):
    app = submitted(applicant, round_)
    old_version = app.version
    review_decide(by=staff.association, application=app, decision="save", marks=material_marks(app))
    accept(staff.association, app)
    from alarfund.stale import StaleEdit

    app.refresh_from_db()
    with pytest.raises((StaleEdit, ValidationError)):
        review_decide(by=staff.officer, application=app, decision="accept", version=old_version)


def test_ready_only_when_all_three_departments_have_no_objection(staff, applicant, round_):
    app = walk(staff, applicant, round_, "audited")
    finalise(staff.officer, app)
    with pytest.raises(ValidationError) as caught:
        review_mark_ready(by=staff.officer, application=app)
    assert str(caught.value).count("has not given its opinion") == 3
    consult(staff, app, tax="objection")
    with pytest.raises(ValidationError) as caught:
        review_mark_ready(by=staff.officer, application=app)
    assert "objects" in str(caught.value) and "税务登记异常" in str(caught.value)
    app.refresh_from_db()
    assert app.status == S.AUDITED
    # The tax bureau reconsiders: a later opinion supersedes the earlier one (both stay on record).
    opinion_give(by=staff.tax, application=app, verdict="no_objection")
    assert DepartmentOpinion.objects.filter(application=app, department="tax").count() == 2
    app = review_mark_ready(by=staff.officer, application=app)
    assert app.status == S.READY


def test_an_objection_needs_its_reason_and_opinions_only_while_audited(staff, applicant, round_):
    app = walk(staff, applicant, round_, "bureau_accepted")
    with pytest.raises(ValidationError):  # not yet consulted: the audit comes first
        opinion_give(by=staff.tax, application=app, verdict="no_objection")
    app = audit(staff.auditor, app)
    with pytest.raises(ValidationError) as caught:
        opinion_give(by=staff.tax, application=app, verdict="objection", reason="")
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError):
        opinion_give(by=staff.tax, application=app, verdict="maybe")
    assert not DepartmentOpinion.objects.exists()
    to_ready(staff, app)
    with pytest.raises(ValidationError):  # the consultation is over
        opinion_give(by=staff.tax, application=app, verdict="objection", reason="晚了")


def test_ready_needs_the_final_figures(staff, applicant, round_):
    app = walk(staff, applicant, round_, "audited")
    consult(staff, app)
    with pytest.raises(ValidationError) as caught:
        review_mark_ready(by=staff.officer, application=app)
    assert "final figures" in str(caught.value)
    with pytest.raises(ValidationError):
        final_figures_save(by=staff.officer, application=app, figures={"online_sales": "x"}, reasons={})
    app.refresh_from_db()
    assert app.status == S.AUDITED
