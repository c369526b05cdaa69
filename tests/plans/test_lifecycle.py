"""Adjustments, freeze, reproducibility, approval, new versions, and the steps refused out of sequence."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from alarfund.accounts.choices import Role
from alarfund.accounts.permissions import Refused
from alarfund.applications.models import ApplicationStatus, Figures
from alarfund.audit.models import AuditEvent
from alarfund.plans import computation
from alarfund.plans.models import VERSION_TRANSITIONS, PlanFile, PlanVersion, VersionStatus
from alarfund.plans.services import (
    OutOfSequence,
    adjustment_remove,
    adjustment_set,
    payable_version,
    plan_approve,
    plan_compute,
    plan_freeze,
    plan_new_version,
    plan_start,
    verify,
)
from alarfund.stale import StaleEdit
from tests.notices.helpers import ensure_closed_notice

from .conftest import pdf_upload
from .helpers import D, paid

pytestmark = pytest.mark.django_db
YESTERDAY = dt.date.today() - dt.timedelta(days=1)


@pytest.fixture
def plan(officer, make_plan_round, make_ready):
    round_ = make_plan_round(budget_10="50000")
    a = make_ready(
        round_, lines=["5.1", "5.2", "10"], online_sales="1200000", loan_interest_paid="30000", parcels=60000
    )
    b = make_ready(round_, lines=["10", "9"], parcels=100000, demonstrations=("provincial",))
    return plan_start(by=officer, round=round_), a, b


def _approve(approver, version, **kw):
    ensure_closed_notice(version)  # Art. 17: approval follows the closed public notice
    version.refresh_from_db()
    values = {
        "document_number": "师市审〔2026〕8号",
        "approval_date": YESTERDAY,
        "upload": pdf_upload(),
        "lock": version.lock,
    }
    return plan_approve(by=approver, version=version, **{**values, **kw})


def _adjust_and_freeze(officer, version, application, amount):
    """Lower the applicant's line 5.1 (partly proven evidence) and freeze the version."""
    adjustment_set(
        by=officer,
        version=version,
        application=application,
        line="5.1",
        amount=amount,
        reason="部分凭证",
        lock=version.lock,
    )
    version.refresh_from_db()
    return plan_freeze(by=officer, version=version, lock=version.lock)


def test_adjustment_lowers_a_line_with_reason_and_is_explained(officer, plan) -> None:
    version, a, _b = plan
    adjustment_set(
        by=officer,
        version=version,
        application=a,
        line="5.2",
        amount="5000",
        reason="利息凭证部分未核实",
        lock=version.lock,
    )
    version.refresh_from_db()
    assert paid(version, a)["5.2"] == D("5000.00")
    line = next(
        ln
        for e in version.outputs["applicants"]
        if e["id"] == str(a.pk)
        for ln in e["lines"]
        if ln["article"] == "5.2"
    )
    assert "5,000.00" in line["explanation"]
    assert AuditEvent.objects.filter(action="plan.adjust").exists()


def test_adjustment_above_the_formula_or_without_reason_is_refused(officer, plan) -> None:
    version, a, _b = plan
    with pytest.raises(ValidationError) as above:
        adjustment_set(
            by=officer,
            version=version,
            application=a,
            line="5.2",
            amount="9000.01",
            reason="x",
            lock=version.lock,
        )
    assert "amount" in above.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        adjustment_set(
            by=officer,
            version=version,
            application=a,
            line="5.2",
            amount="100",
            reason="  ",
            lock=version.lock,
        )
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError):  # a line it is not entitled to
        adjustment_set(
            by=officer, version=version, application=a, line="7", amount="0", reason="x", lock=version.lock
        )
    version.refresh_from_db()
    assert version.adjustments.count() == 0 and paid(version, a)["5.2"] == D("9000.00")


def test_art9_amount_within_the_cap(officer, plan) -> None:
    version, _a, b = plan
    assert paid(version, b)["9"] == D("30000.00")  # provincial: up to the cap by default
    with pytest.raises(ValidationError):
        adjustment_set(
            by=officer,
            version=version,
            application=b,
            line="9",
            level="provincial",
            amount="30000.01",
            reason="x",
            lock=version.lock,
        )
    adjustment_set(
        by=officer,
        version=version,
        application=b,
        line="9",
        level="provincial",
        amount="20000",
        reason="示范效果评估为良",
        lock=version.lock,
    )
    version.refresh_from_db()
    assert paid(version, b)["9"] == D("20000.00")


def test_adjustment_of_an_application_not_ready_is_refused(officer, plan, make_ready) -> None:
    version, _a, _b = plan
    other = make_ready(version.round, lines=["10"], parcels=70000, status=ApplicationStatus.AUDITED)
    with pytest.raises(ValidationError) as refused:
        adjustment_set(
            by=officer,
            version=version,
            application=other,
            line="10",
            amount="1",
            reason="x",
            lock=version.lock,
        )
    assert refused.value.code == "not_ready"


def test_freeze_then_recompute_reproduces_to_the_fen(officer, plan) -> None:
    version, a, _b = plan
    frozen = _adjust_and_freeze(officer, version, a, "40000.55")
    assert frozen.status == VersionStatus.FROZEN
    stored = json.dumps(frozen.outputs, ensure_ascii=False, sort_keys=True)
    # Later changes to the application do not touch the frozen snapshot.
    Figures.objects.filter(application=a).update(parcels=200000)
    fresh = computation.outputs_of(computation.result_of(PlanVersion.objects.get(pk=frozen.pk).inputs))
    assert json.dumps(fresh, ensure_ascii=False, sort_keys=True) == stored
    check = verify(PlanVersion.objects.get(pk=frozen.pk))
    assert check.reproduced and check.parameters_unchanged and check.differences == []
    assert {e["key"] for e in frozen.parameters} >= {"art3.annual_cap", "art10.budget"}
    assert all(e["article"] for e in frozen.parameters)


def test_tampered_snapshot_does_not_verify(officer, plan) -> None:
    version, _a, _b = plan
    frozen = plan_freeze(by=officer, version=version, lock=version.lock)
    outputs = frozen.outputs
    outputs["total"] = "1.00"
    PlanVersion.objects.filter(pk=frozen.pk).update(outputs=outputs)
    check = verify(PlanVersion.objects.get(pk=frozen.pk))
    assert not check.reproduced and check.differences


def test_freeze_refused_when_inputs_changed_or_stale(officer, plan) -> None:
    version, a, _b = plan
    with pytest.raises(StaleEdit):
        plan_freeze(by=officer, version=version, lock=version.lock - 1)
    Figures.objects.filter(application=a).update(parcels=70000)
    with pytest.raises(ValidationError) as outdated:
        plan_freeze(by=officer, version=version, lock=version.lock)
    assert outdated.value.code == "outdated"
    version = plan_compute(by=officer, version=version)
    assert plan_freeze(by=officer, version=version, lock=version.lock).status == VersionStatus.FROZEN


def test_approval_by_a_non_approver_is_refused(officer, make_user, plan, documents_dir) -> None:
    version, _a, _b = plan
    version = plan_freeze(by=officer, version=version, lock=version.lock)
    for role in (Role.BUREAU_OFFICER, Role.FINANCE_OFFICER, Role.ADMINISTRATOR):
        with pytest.raises(Refused):
            _approve(make_user(role), version)
    version.refresh_from_db()
    assert version.status == VersionStatus.FROZEN and not PlanFile.objects.exists()


def test_approval_of_a_draft_is_out_of_sequence(approver, plan, documents_dir) -> None:
    version, _a, _b = plan
    with pytest.raises(OutOfSequence):
        _approve(approver, version)
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT and version.approved_by is None


def test_approval_records_document_and_file_then_nothing_changes(
    officer, approver, plan, documents_dir
) -> None:
    version, a, _b = plan
    version = plan_freeze(by=officer, version=version, lock=version.lock)
    with pytest.raises(ValidationError) as missing:
        _approve(approver, version, document_number="", approval_date=None, upload=None)
    assert set(missing.value.message_dict) == {"document_number", "approval_date", "file"}
    approved = _approve(approver, version)
    assert approved.status == VersionStatus.APPROVED
    assert approved.approval_document_number == "师市审〔2026〕8号"
    assert approved.files.get().subject == PlanFile.Subject.APPROVAL
    assert AuditEvent.objects.filter(action="plan.approve", actor_id=approver.pk).exists()
    with pytest.raises(OutOfSequence):  # approving twice
        _approve(approver, approved)
    with pytest.raises(OutOfSequence):
        adjustment_set(
            by=officer,
            version=approved,
            application=a,
            line="5.1",
            amount="1",
            reason="x",
            lock=approved.lock,
        )
    with pytest.raises(OutOfSequence):
        plan_compute(by=officer, version=approved)
    assert payable_version(approved.round) == approved


def test_paying_before_approval_is_out_of_sequence(officer, plan) -> None:
    version, _a, _b = plan
    with pytest.raises(OutOfSequence):
        payable_version(version.round)
    plan_freeze(by=officer, version=version, lock=version.lock)
    with pytest.raises(OutOfSequence):
        payable_version(version.round)


def test_new_version_needs_a_reason_and_keeps_the_adjustments(officer, approver, plan, documents_dir) -> None:
    version, a, _b = plan
    version = _adjust_and_freeze(officer, version, a, "40000")
    approved = _approve(approver, version)
    with pytest.raises(ValidationError):
        plan_new_version(by=officer, version=approved, reason=" ")
    new = plan_new_version(by=officer, version=approved, reason="公示期异议成立，调整快递补贴")
    approved.refresh_from_db()
    assert approved.status == VersionStatus.SUPERSEDED and new.supersedes == approved
    assert new.number == 2 and new.status == VersionStatus.DRAFT
    assert new.adjustments.get().amount == D("40000")
    assert paid(new, a)["5.1"] == D("40000.00")
    with pytest.raises(OutOfSequence):  # the superseded version is history
        plan_new_version(by=officer, version=approved, reason="again")


def test_a_draft_cannot_be_replaced_and_start_is_refused_once_frozen(officer, plan) -> None:
    version, _a, _b = plan
    with pytest.raises(OutOfSequence):
        plan_new_version(by=officer, version=version, reason="x")
    plan_freeze(by=officer, version=version, lock=version.lock)
    with pytest.raises(OutOfSequence):
        plan_start(by=officer, round=version.round)


def test_the_transition_table_allows_only_the_sequence() -> None:
    allowed = {(a, b) for a, targets in VERSION_TRANSITIONS.items() for b in targets}
    assert allowed == {
        ("draft", "frozen"),
        ("frozen", "approved"),
        ("frozen", "superseded"),
        ("approved", "superseded"),
    }


def test_only_plan_preparers_compute(make_user, plan) -> None:
    version, _a, _b = plan
    for role in (Role.BUREAU_APPROVER, Role.FINANCE_OFFICER, Role.APPLICANT, Role.AUDITOR):
        with pytest.raises(Refused):
            plan_compute(by=make_user(role), version=version)


def test_adjustment_remove(officer, plan) -> None:
    version, a, _b = plan
    adjustment = adjustment_set(
        by=officer,
        version=version,
        application=a,
        line="5.2",
        amount="0",
        reason="无贷款合同",
        lock=version.lock,
    )
    version.refresh_from_db()
    assert "5.2" not in paid(version, a)  # lowered to nothing: no longer a line of the applicant
    version = adjustment_remove(by=officer, adjustment=adjustment)
    assert paid(version, a)["5.2"] == D("9000.00")
