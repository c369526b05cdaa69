"""The work areas of the platform: one per capability, each saying what it is for.

Areas marked ``available=False`` are honest placeholders: the page says what the role will do there
and that it comes in a later release.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alarfund.accounts.choices import Role
from alarfund.accounts.permissions import PERMISSIONS, Capability


@dataclass(frozen=True)
class Workspace:
    slug: str
    capability: Capability
    url_name: str
    title: str | Promise
    description: str | Promise
    available: bool


C = Capability

WORKSPACES: tuple[Workspace, ...] = (
    Workspace(
        "organisation",
        C.ORGANISATION_VIEW_OWN,
        "accounts:organisation",
        _("My organisation"),
        _("Registration details, colleagues with an account, and the bank account for payments."),
        True,
    ),
    Workspace(
        "applications",
        C.APPLICATION_PREPARE,
        "applications:mine",
        _("Applications"),
        _(
            "Each March, apply for the previous year's rewards: enter the figures for every reward you "
            "claim, upload the materials of Art. 16 and submit them to the E-commerce Association."
        ),
        True,
    ),
    Workspace(
        "organisations",
        C.ORGANISATION_VIEW_ALL,
        "accounts:organisations",
        _("Registered organisations"),
        _("The enterprises and individual businesses registered on the platform."),
        True,
    ),
    Workspace(
        "review_first",
        C.REVIEW_FIRST,
        "web:review_first",
        _("First review"),
        _(
            "Collect the applicants' materials and check them first: completeness, consistency, "
            "eligibility (Art. 17 (2), Art. 18). Return incomplete applications with reasons."
        ),
        True,
    ),
    Workspace(
        "review_second",
        C.REVIEW_SECOND,
        "web:review_second",
        _("Second review"),
        _(
            "Re-examine the applications the association passed, engage the third-party auditor and "
            "consult the statistics, tax and market regulation departments (Art. 17 (3), Art. 18)."
        ),
        True,
    ),
    Workspace(
        "audit",
        C.AUDIT_WORK,
        "web:audit_work",
        _("Audit"),
        _(
            "Audit the figures of the applications in the rounds you are engaged for, and record audited "
            "amounts and findings. You see only those rounds."
        ),
        True,
    ),
    Workspace(
        "opinions",
        C.DEPARTMENT_OPINION,
        "web:department_opinions",
        _("Department opinions"),
        _(
            "Give your department's opinion on the applicants the Commerce Bureau consults you about: "
            "statistics reporting, tax compliance, or market regulation records (Art. 14, 17, 21)."
        ),
        True,
    ),
    Workspace(
        "rounds",
        C.ROUND_MANAGE,
        "rounds:manage",
        _("Yearly rounds"),
        _(
            "Open the round for a sales year: its application window, budgets, the interpretation of the "
            "ambiguous articles, additional materials, and the public call for applications (Art. 15, 16)."
        ),
        True,
    ),
    Workspace(
        "registers",
        C.REGISTER_MANAGE,
        "registers:list",
        _("Eligibility registers"),
        _(
            "Keep the registers that feed the eligibility check: bans after fraud (Art. 20), dishonesty and "
            "tax-violation records (Art. 14), false-material records, major incidents and tax-evasion "
            "cases (Art. 21) and the 'four-above' enterprise rewards (Art. 19); import them from a spreadsheet."
        ),
        True,
    ),
    Workspace(
        "plan",
        C.PLAN_PREPARE,
        "web:plan_prepare",
        _("Reward plan and public notice"),
        _(
            "Compute the reward plan from audited figures within the budget (Art. 3, 7, 8, 10), publish "
            "the list for at least 5 working days (Art. 17) and handle objections."
        ),
        True,
    ),
    Workspace(
        "plan_approve",
        C.PLAN_APPROVE,
        "web:plan_approve",
        _("Plan approval"),
        _("Approve the reward plan before it is submitted to the Division and city for deliberation."),
        True,
    ),
    Workspace(
        "payments",
        C.PAYMENT_PREPARE,
        "web:payments",
        _("Payments"),
        _(
            "Prepare payment batches for the approved plan, and record clawbacks and three-year bans "
            "for funds obtained by fraud (Art. 20)."
        ),
        True,
    ),
    Workspace(
        "payment_release",
        C.PAYMENT_RELEASE,
        "web:payment_release",
        _("Payment release"),
        _("Release prepared payment batches: a different person from the preparer, with a fresh code."),
        True,
    ),
    Workspace(
        "oversight",
        C.OVERSIGHT_DASHBOARD,
        "web:oversight",
        _("Oversight"),
        _(
            "Follow the fund's budget, commitments and payments per round and across the years, in charts "
            "with the table behind each of them (Art. 3, Art. 18). Read-only."
        ),
        True,
    ),
    Workspace(
        "performance",
        C.OVERSIGHT_VIEW,
        "web:performance",
        _("Performance evaluation"),
        _(
            "The yearly performance evaluation of the fund that decides next year's budget (Art. 3, Art. 18), "
            "as PDF and spreadsheet."
        ),
        True,
    ),
    Workspace(
        "users",
        C.USER_MANAGE,
        "accounts:users",
        _("User accounts"),
        _("Create staff and enterprise accounts, and disable accounts that should no longer sign in."),
        True,
    ),
    Workspace(
        "calendar",
        C.CALENDAR_MANAGE,
        "notices:calendar",
        _("Working-day calendar"),
        _(
            "Enter the holidays and swapped working days the public notice period is counted in (Art. 17): "
            "Xinjiang regional days every year, national days for years the built-in calendar lacks."
        ),
        True,
    ),
)

BY_SLUG = {w.slug: w for w in WORKSPACES}
assert {w.capability for w in WORKSPACES} == set(PERMISSIONS), "every capability needs a work area"

ROLE_INTRO: dict[str, str | Promise] = {
    Role.APPLICANT: _(
        "You apply for the fund on behalf of your enterprise or individual business, follow the review "
        "and receive the payment."
    ),
    Role.ASSOCIATION_REVIEWER: _(
        "The E-commerce Association collects the applications and carries out the first review."
    ),
    Role.BUREAU_OFFICER: _(
        "The Commerce Bureau re-examines applications, engages the auditor, consults the departments, "
        "publishes the notice and prepares the payments."
    ),
    Role.BUREAU_APPROVER: _("You approve the reward plan and release the payments the officers prepared."),
    Role.AUDITOR: _(
        "As the third-party auditor engaged by the Commerce Bureau, you audit the applications of your "
        "engaged rounds."
    ),
    Role.DEPARTMENT_OFFICER: _("You give your department's opinion when the Commerce Bureau consults it."),
    Role.FINANCE_OFFICER: _(
        "The Finance Bureau supervises the use of the fund and evaluates its performance."
    ),
    Role.ADMINISTRATOR: _(
        "You manage user accounts. You cannot see or change applications, amounts or the audit trail."
    ),
}


def menu_for(user: Any) -> list[Workspace]:
    role = getattr(user, "role", None)
    return [w for w in WORKSPACES if role in PERMISSIONS[w.capability]]
