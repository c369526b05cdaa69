"""Each role signed in (staff past TOTP): what it can reach, and the reason it is refused the rest."""

from __future__ import annotations

import uuid

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from alarfund.accounts.choices import Department, Role
from alarfund.accounts.permissions import (
    PERMISSIONS,
    Capability,
    Scope,
    capabilities_of,
    check,
)
from alarfund.audit.models import AuditEvent
from alarfund.web.workspaces import WORKSPACES
from tests.conftest import ALL_ROLES

R = Role
# Written out by hand (not derived from the table), so a wrong edit of the table fails here.
EXPECTED_PAGES: dict[Role, set[str]] = {
    R.APPLICANT: {"accounts:organisation", "applications:mine"},
    R.ASSOCIATION_REVIEWER: {"accounts:organisations", "web:review_first"},
    R.BUREAU_OFFICER: {
        "accounts:organisations",
        "rounds:manage",
        "registers:list",
        "web:review_second",
        "web:plan_prepare",
        "web:payments",
        "web:oversight",
    },
    R.BUREAU_APPROVER: {"accounts:organisations", "web:plan_approve", "web:payment_release", "web:oversight"},
    R.AUDITOR: {"web:audit_work"},
    R.DEPARTMENT_OFFICER: {"web:department_opinions"},
    R.FINANCE_OFFICER: {"accounts:organisations", "web:oversight", "web:performance"},
    R.ADMINISTRATOR: {"accounts:organisations", "accounts:users", "notices:calendar"},
}


def test_hand_written_matrix_matches_the_permission_table() -> None:
    for role, pages in EXPECTED_PAGES.items():
        from_table = {w.url_name for w in WORKSPACES if role in PERMISSIONS[w.capability]}
        assert from_table == pages, role


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_against_every_work_area(client_as, role: Role) -> None:
    client, user = client_as(role)
    assert client.get(reverse("web:dashboard")).status_code == 200
    for workspace in WORKSPACES:
        response = client.get(reverse(workspace.url_name))
        if workspace.url_name in EXPECTED_PAGES[role]:
            assert response.status_code == 200, (role, workspace.url_name)
        else:
            assert response.status_code == 403, (role, workspace.url_name)
            body = response.content.decode()
            # The refusal says why, in the reader's language (Chinese by default).
            with translation.override("zh-hans"):
                expected = str(check(user, workspace.capability).reason)
            assert expected and expected in body, (role, workspace.url_name)


def test_refusal_reason_in_english_and_audited(client_as) -> None:
    client, user = client_as(Role.AUDITOR)
    client.cookies["alarfund_language"] = "en"
    response = client.get(reverse("accounts:users"))
    assert response.status_code == 403
    assert "Your role (Third-party auditor) may not manage user accounts." in response.content.decode()
    event = AuditEvent.objects.filter(action="permission.refused").latest("seq")
    assert event.actor_id == user.pk
    assert event.actor_role == Role.AUDITOR
    assert event.result == "refused"
    assert event.details["capability"] == Capability.USER_MANAGE
    assert event.details["code"] == "role"


def test_dashboard_lists_the_roles_work_areas(client_as) -> None:
    client, _user = client_as(Role.BUREAU_APPROVER)
    body = client.get(reverse("web:dashboard")).content.decode()
    assert reverse("web:plan_approve") in body
    assert reverse("web:review_first") not in body


def test_check_unpacks_as_allowed_and_reason(make_user) -> None:
    reviewer = make_user(Role.ASSOCIATION_REVIEWER)
    allowed, reason = check(reviewer, Capability.REVIEW_FIRST)
    assert allowed and reason == ""
    allowed, reason = check(reviewer, Capability.PAYMENT_RELEASE)
    assert not allowed
    with translation.override("en"):
        assert str(reason) == "Your role (Association reviewer) may not release payment batches."
    with translation.override("zh-hans"):
        # The same decision, rendered lazily in the active language.
        assert "协会" in str(reason) and "release" not in str(reason)


def test_anonymous_and_disabled_have_reasons(make_user) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert check(AnonymousUser(), Capability.REVIEW_FIRST).code == "anonymous"
    reviewer = make_user(Role.ASSOCIATION_REVIEWER, is_active=False)
    assert check(reviewer, Capability.REVIEW_FIRST).code == "inactive"


def test_scope_own_organisation(make_user, make_org) -> None:
    applicant = make_user(Role.APPLICANT)
    mine = Scope(organisation_id=applicant.organisation_id)
    theirs = Scope(organisation_id=make_org().pk)
    assert check(applicant, Capability.APPLICATION_PREPARE, scope=mine)
    refused = check(applicant, Capability.APPLICATION_PREPARE, scope=theirs)
    assert not refused and refused.code == "other_organisation"


def test_scope_department(make_user) -> None:
    officer = make_user(Role.DEPARTMENT_OFFICER, department=Department.TAX)
    assert check(officer, Capability.DEPARTMENT_OPINION, scope=Scope(department=Department.TAX))
    refused = check(officer, Capability.DEPARTMENT_OPINION, scope=Scope(department=Department.STATISTICS))
    assert refused.code == "other_department"


ENGAGED = uuid.UUID("12345678-1234-5678-1234-567812345678")


def engagements_for_test(user: object) -> set[uuid.UUID]:
    return {ENGAGED}


def test_auditor_scope_comes_from_the_engagement_provider(make_user) -> None:
    auditor = make_user(Role.AUDITOR)
    # Default provider: no rounds exist yet, so no engagement.
    assert check(auditor, Capability.AUDIT_WORK, scope=Scope(round_id=ENGAGED)).code == "not_engaged"
    with override_settings(ALARFUND_AUDITOR_ENGAGEMENTS=f"{__name__}.engagements_for_test"):
        assert check(auditor, Capability.AUDIT_WORK, scope=Scope(round_id=ENGAGED))
        other = Scope(round_id=uuid.uuid4())
        assert check(auditor, Capability.AUDIT_WORK, scope=other).code == "not_engaged"


def test_every_capability_has_a_role_and_labels() -> None:
    for capability in Capability:
        assert PERMISSIONS[capability], capability
    assert capabilities_of(Role.ADMINISTRATOR) == [
        Capability.ORGANISATION_VIEW_ALL,
        Capability.USER_MANAGE,
        Capability.CALENDAR_MANAGE,
    ]
