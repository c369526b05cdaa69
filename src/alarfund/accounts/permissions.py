"""The one permission table (role × capability) and the check that explains itself.

``check(user, capability, scope=...)`` returns a :class:`Decision` ``(allowed, reason)``; the reason is
a lazy translation, so a refused page says why in the reader's language. Pages and services both use
it. Two-factor for staff is enforced separately, before any staff page (see middleware.py).

Scopes: a capability may be granted to a role only within a scope, e.g. an auditor only for the rounds
the bureau engaged them for. Pass the object's scope (``Scope(round_id=...)``) when checking an object;
without a scope the check answers "may this role do this at all".
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise, lazy
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from alarfund.config.choices import TextChoices

from .choices import Role


class Capability(TextChoices):
    """What a user may do. The label completes the sentence "You may not …"."""

    ORGANISATION_VIEW_OWN = "organisation.view_own", _("view your organisation's details")
    APPLICATION_PREPARE = "application.prepare", _("prepare and submit applications")
    ORGANISATION_VIEW_ALL = "organisation.view_all", _("view registered organisations")
    REVIEW_FIRST = "review.first", _("carry out the first review (association)")
    REVIEW_SECOND = "review.second", _("carry out the second review (Commerce Bureau)")
    AUDIT_WORK = "audit.work", _("audit applications in an engaged round")
    DEPARTMENT_OPINION = "department.opinion", _("give a department opinion")
    ROUND_MANAGE = "round.manage", _("open and manage yearly rounds")
    REGISTER_MANAGE = "register.manage", _("keep the eligibility registers (bans, records, rewards)")
    PLAN_PREPARE = "plan.prepare", _("prepare the reward plan and public notice")
    PLAN_APPROVE = "plan.approve", _("approve the reward plan")
    PAYMENT_PREPARE = "payment.prepare", _("prepare payment batches")
    PAYMENT_RELEASE = "payment.release", _("release payment batches")
    OVERSIGHT_VIEW = "oversight.view", _("oversee fund use and performance")
    OVERSIGHT_DASHBOARD = "oversight.dashboard", _("read the oversight dashboards of the fund")
    USER_MANAGE = "user.manage", _("manage user accounts")
    CALENDAR_MANAGE = "calendar.manage", _("keep the working-day calendar")


class Scoping(Enum):
    """Within what a role holds a capability."""

    ANY = "any"
    OWN_ORGANISATION = "own_organisation"
    ENGAGED_ROUND = "engaged_round"
    OWN_DEPARTMENT = "own_department"


R, C, S = Role, Capability, Scoping

#: THE permission table. A role absent from a capability's row may not do it.
PERMISSIONS: dict[Capability, dict[Role, Scoping]] = {
    C.ORGANISATION_VIEW_OWN: {R.APPLICANT: S.OWN_ORGANISATION},
    C.APPLICATION_PREPARE: {R.APPLICANT: S.OWN_ORGANISATION},
    C.ORGANISATION_VIEW_ALL: {
        R.ASSOCIATION_REVIEWER: S.ANY,
        R.BUREAU_OFFICER: S.ANY,
        R.BUREAU_APPROVER: S.ANY,
        R.FINANCE_OFFICER: S.ANY,
        R.ADMINISTRATOR: S.ANY,
    },
    C.REVIEW_FIRST: {R.ASSOCIATION_REVIEWER: S.ANY},
    C.REVIEW_SECOND: {R.BUREAU_OFFICER: S.ANY},
    C.AUDIT_WORK: {R.AUDITOR: S.ENGAGED_ROUND},
    C.DEPARTMENT_OPINION: {R.DEPARTMENT_OFFICER: S.OWN_DEPARTMENT},
    C.ROUND_MANAGE: {R.BUREAU_OFFICER: S.ANY},
    C.REGISTER_MANAGE: {R.BUREAU_OFFICER: S.ANY},
    C.PLAN_PREPARE: {R.BUREAU_OFFICER: S.ANY},
    C.PLAN_APPROVE: {R.BUREAU_APPROVER: S.ANY},
    C.PAYMENT_PREPARE: {R.BUREAU_OFFICER: S.ANY},
    C.PAYMENT_RELEASE: {R.BUREAU_APPROVER: S.ANY},
    C.OVERSIGHT_VIEW: {R.FINANCE_OFFICER: S.ANY},
    C.OVERSIGHT_DASHBOARD: {R.FINANCE_OFFICER: S.ANY, R.BUREAU_OFFICER: S.ANY, R.BUREAU_APPROVER: S.ANY},
    C.USER_MANAGE: {R.ADMINISTRATOR: S.ANY},
    C.CALENDAR_MANAGE: {R.ADMINISTRATOR: S.ANY},
}


@dataclass(frozen=True, kw_only=True)
class Scope:
    """The object a check is about: whose organisation, which round, which department."""

    organisation_id: uuid.UUID | None = None
    round_id: uuid.UUID | None = None
    department: str | None = None


@dataclass(frozen=True)
class Decision:
    """``allowed`` and ``reason`` (lazy: rendered in the reader's language); ``code`` is stable (logs).

    Unpacks as ``allowed, reason = check(...)`` and reads as its answer in ``if check(...):``.
    """

    allowed: bool
    reason: str | Promise
    code: str = ""

    def __iter__(self) -> Iterator[object]:
        return iter((self.allowed, self.reason))

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True, "", "allowed")


def _interpolate(template: str | Promise, **values: object) -> str:
    return str(template) % {key: str(value) for key, value in values.items()}


_lazy_interpolate = lazy(_interpolate, str)


def no_engagements(user: object) -> frozenset[uuid.UUID]:
    """Default engagement provider: until the rounds app exists no auditor is engaged anywhere."""
    return frozenset()


def engaged_round_ids(user: object) -> frozenset[uuid.UUID]:
    """Rounds the auditor is engaged for, from ``settings.ALARFUND_AUDITOR_ENGAGEMENTS``."""
    provider: Callable[[object], Iterable[uuid.UUID]] = import_string(settings.ALARFUND_AUDITOR_ENGAGEMENTS)
    return frozenset(provider(user))


def roles_with(capability: Capability) -> frozenset[Role]:
    return frozenset(PERMISSIONS[capability])


def capabilities_of(role: str) -> list[Capability]:
    return [cap for cap, row in PERMISSIONS.items() if role in row]


def check(user: object, capability: Capability, *, scope: Scope | None = None) -> Decision:
    """May ``user`` do ``capability`` (within ``scope``)? Always says why not."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Decision(False, _("Please sign in first."), "anonymous")
    if not getattr(user, "is_active", False):
        return Decision(False, _("This account is disabled."), "inactive")
    role = getattr(user, "role", None)
    row = PERMISSIONS[capability]
    if role not in row:
        label = Role(role).label if role in Role.values else str(role)
        reason = _lazy_interpolate(
            _("Your role (%(role)s) may not %(action)s."), role=label, action=capability.label
        )
        return Decision(False, reason, "role")
    if scope is None:
        return ALLOWED
    return _check_scope(user, row[Role(role)], scope)


def _check_scope(user: object, scoping: Scoping, scope: Scope) -> Decision:
    if scoping is Scoping.OWN_ORGANISATION and scope.organisation_id is not None:
        if scope.organisation_id != getattr(user, "organisation_id", None):
            return Decision(False, _("This belongs to another organisation."), "other_organisation")
    if scoping is Scoping.ENGAGED_ROUND:
        if scope.round_id is None or scope.round_id not in engaged_round_ids(user):
            return Decision(False, _("You are not engaged as auditor for this round."), "not_engaged")
    if scoping is Scoping.OWN_DEPARTMENT and scope.department is not None:
        if scope.department != getattr(user, "department", None):
            return Decision(False, _("This is for another department."), "other_department")
    return ALLOWED


class Refused(PermissionDenied):
    """A refused action; the 403 page shows ``decision.reason`` and the refusal is audited."""

    def __init__(self, decision: Decision, *, capability: Capability | None = None) -> None:
        super().__init__(str(decision.code))
        self.decision = decision
        self.capability = capability


def require(user: object, capability: Capability, *, scope: Scope | None = None) -> None:
    """``check`` that raises :class:`Refused` instead of returning a refusal."""
    decision = check(user, capability, scope=scope)
    if not decision:
        raise Refused(decision, capability=capability)
