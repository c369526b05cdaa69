"""No role can skip a step, act in another role's step, or act on a round it is not assigned to; every
disallowed transition is refused (whoever asks) and leaves the status unchanged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from alarfund.accounts.choices import Department, Role
from alarfund.accounts.permissions import Refused
from alarfund.applications.models import Application
from alarfund.applications.models import ApplicationStatus as S
from alarfund.applications.services import application_transition
from alarfund.applications.transitions import TRANSITIONS
from alarfund.review.services import (
    audit_complete,
    final_figures_save,
    opinion_give,
    review_bulk_accept,
    review_decide,
    review_mark_ready,
)
from alarfund.rounds.services import auditor_engage
from tests.applications.helpers import make_round

from .helpers import Staff, accept, declared_figures, material_marks, report, walk

pytestmark = pytest.mark.django_db


def everyone(staff: Staff, applicant: Any, make_user: Any) -> dict[str, Any]:
    return {
        "applicant": applicant,
        "other_applicant": make_user(Role.APPLICANT),
        "association": staff.association,
        "officer": staff.officer,
        "approver": staff.approver,
        "auditor": staff.auditor,
        "statistics": staff.statistics,
        "tax": staff.tax,
        "market": staff.market,
        "finance": staff.finance,
        "admin": staff.admin,
    }


Action = Callable[[Any, Application], Any]


def decide(decision: str) -> Action:
    def act(user: Any, app: Application) -> Any:
        marks = material_marks(app)
        if decision == "return":
            marks.append(
                {"kind": "figure", "code": "parcels", "verdict": "needs_supplement", "reason": "核对"}
            )
        return review_decide(by=user, application=app, decision=decision, marks=marks, reason="理由")

    return act


def do_audit(user: Any, app: Application) -> Any:
    return audit_complete(by=user, application=app, figures=declared_figures(app), report_files=[report()])


def do_opinion(user: Any, app: Application) -> Any:
    return opinion_give(by=user, application=app, verdict="no_objection")


def do_final(user: Any, app: Application) -> Any:
    return final_figures_save(by=user, application=app, figures=declared_figures(app), reasons={})


def do_ready(user: Any, app: Application) -> Any:
    return review_mark_ready(by=user, application=app)


def do_bulk(user: Any, app: Application) -> Any:
    result = review_bulk_accept(by=user, applications=[app])
    if result.skipped:
        raise ValidationError("skipped")
    return result


#: (status where the step happens, the step, who may do it)
STEPS: list[tuple[str, str, Action, set[str]]] = [
    (S.SUBMITTED, "first accept", decide("accept"), {"association"}),
    (S.SUBMITTED, "first return", decide("return"), {"association"}),
    (S.SUBMITTED, "first reject", decide("reject"), {"association"}),
    (S.SUBMITTED, "first marks", decide("save"), {"association"}),
    (S.ASSOCIATION_ACCEPTED, "second accept", decide("accept"), {"officer"}),
    (S.ASSOCIATION_ACCEPTED, "second return", decide("return"), {"officer"}),
    (S.ASSOCIATION_ACCEPTED, "second reject", decide("reject"), {"officer"}),
    (S.BUREAU_ACCEPTED, "audit", do_audit, {"auditor"}),
    (S.AUDITED, "opinion", do_opinion, {"statistics", "tax", "market"}),
    (S.AUDITED, "final figures", do_final, {"officer"}),
    (S.AUDITED, "final return", decide("return"), {"officer"}),
    (S.AUDITED, "final reject", decide("reject"), {"officer"}),
]


@pytest.mark.parametrize(("status", "name", "action", "allowed"), STEPS, ids=[s[1] for s in STEPS])
def test_only_the_role_of_the_step_can_do_it(
    staff, applicant, round_, make_user, status, name, action, allowed
):
    app = walk(staff, applicant, round_, status)
    users = everyone(staff, applicant, make_user)
    for who, user in users.items():
        if who in allowed:
            continue
        with pytest.raises(Refused):
            action(user, app)
        app.refresh_from_db()
        assert app.status == status, (name, who)
    # … and the role of the step can.
    action(users[sorted(allowed)[0]], app)


@pytest.mark.parametrize(
    ("name", "action", "valid"),
    [
        ("second accept", decide("accept"), {S.ASSOCIATION_ACCEPTED}),
        ("audit", do_audit, {S.BUREAU_ACCEPTED}),
        ("opinion", do_opinion, {S.AUDITED}),
        ("final figures", do_final, {S.AUDITED}),
        ("ready", do_ready, {S.AUDITED}),
    ],
)
def test_no_step_can_be_done_out_of_sequence(staff, applicant, round_, name, action, valid):
    """The rightful role of each step, trying it in every other status: refused, status unchanged."""
    app = walk(staff, applicant, round_, "audited")
    rightful = {
        "second accept": staff.officer,
        "audit": staff.auditor,
        "opinion": staff.tax,
        "final figures": staff.officer,
        "ready": staff.officer,
    }[name]
    for status in S.values:
        if status in valid:
            continue
        Application.objects.filter(pk=app.pk).update(status=status)
        with pytest.raises((ValidationError, Refused)):
            action(rightful, app)
        app.refresh_from_db()
        assert app.status == status, (name, status)


def test_no_step_can_be_skipped(staff, applicant, round_):
    """Straight from submitted to any later stage, and from the bureau's acceptance to ready: not in the
    table, whoever asks; the guards stop a step whose work was not done."""
    app = walk(staff, applicant, round_, "submitted")
    for target in (S.BUREAU_ACCEPTED, S.AUDITED, S.READY):
        for user in (staff.association, staff.officer, staff.auditor):
            with pytest.raises((ValidationError, Refused)):
                application_transition(by=user, application=app, to=target, note="x")
    app = accept(staff.association, app)
    app = accept(staff.officer, app)
    with pytest.raises(ValidationError):  # the audit's own work is required
        application_transition(by=staff.auditor, application=app, to=S.AUDITED, note="审计通过")
    with pytest.raises((ValidationError, Refused)):
        application_transition(by=staff.officer, application=app, to=S.READY, note="x")
    app.refresh_from_db()
    assert app.status == S.BUREAU_ACCEPTED


def test_an_auditor_not_engaged_for_the_round_cannot_audit(staff, applicant, round_, make_user):
    app = walk(staff, applicant, round_, "bureau_accepted")
    stranger = make_user(Role.AUDITOR)
    # Engaged, but for another round.
    other_round = make_round(staff.officer, 2026, publish=False)
    auditor_engage(by=staff.officer, round=other_round, auditor=stranger, contract_reference="审〔2027〕2号")
    for action in (
        lambda: do_audit(stranger, app),
        lambda: application_transition(by=stranger, application=app, to=S.AUDITED, note="x"),
    ):
        with pytest.raises(Refused) as caught:
            action()
        assert caught.value.decision.code == "not_engaged"
    app.refresh_from_db()
    assert app.status == S.BUREAU_ACCEPTED
    do_audit(staff.auditor, app)  # the engaged auditor can


def test_a_department_gives_only_its_own_opinion(staff, applicant, round_):
    app = walk(staff, applicant, round_, "audited")
    with pytest.raises(Refused) as caught:
        opinion_give(by=staff.tax, application=app, verdict="no_objection", department=Department.STATISTICS)
    assert caught.value.decision.code == "other_department"
    opinion = opinion_give(by=staff.tax, application=app, verdict="no_objection")
    assert opinion.department == Department.TAX


def test_bulk_accept_is_refused_to_other_roles(staff, applicant, round_, make_user):
    app = walk(staff, applicant, round_, "submitted")
    for user in (staff.officer, staff.auditor, staff.tax, staff.admin, applicant):
        result = review_bulk_accept(by=user, applications=[app])
        assert not result.accepted and result.skipped
    app.refresh_from_db()
    assert app.status == S.SUBMITTED


DISALLOWED = [(a, b) for a in S.values for b in S.values if (a, b) not in TRANSITIONS]


@pytest.mark.parametrize(
    "who", ["applicant", "association", "officer", "approver", "auditor", "tax", "finance", "admin"]
)
def test_every_disallowed_transition_is_refused_for_every_role(staff, applicant, round_, make_user, who):
    app = walk(staff, applicant, round_, "submitted")
    user = everyone(staff, applicant, make_user)[who]
    assert len(DISALLOWED) == 81 - len(TRANSITIONS)
    for current, target in DISALLOWED:
        Application.objects.filter(pk=app.pk).update(status=current)
        with pytest.raises((ValidationError, Refused)):
            application_transition(by=user, application=app, to=target, note="理由")
        app.refresh_from_db()
        assert app.status == current, (who, current, target)


def test_every_allowed_transition_is_refused_to_every_other_role(staff, applicant, round_, make_user):
    app = walk(staff, applicant, round_, "submitted")
    users = everyone(staff, applicant, make_user)
    rightful = {
        "application.prepare": {"applicant"},
        "review.first": {"association"},
        "review.second": {"officer"},
        "audit.work": {"auditor"},
    }
    for (current, target), capability in TRANSITIONS.items():
        for who, user in users.items():
            if who in rightful[capability]:
                continue
            Application.objects.filter(pk=app.pk).update(status=current)
            with pytest.raises(Refused):
                application_transition(by=user, application=app, to=target, note="理由")
            app.refresh_from_db()
            assert app.status == current, (who, current, target)
