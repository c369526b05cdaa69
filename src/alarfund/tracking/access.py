"""Who may see an application's tracking-number report, and who may (re)start its import.

* See: the applicant organisation's own users; staff who may read the application's documents
  (``evidence.access.READERS``: association reviewer, bureau officer, bureau approver, finance bureau,
  and the auditor only for rounds the bureau engaged them for).
* Start an import: the applicant (its own application), the reviewers of the association and of the
  bureau, and the engaged auditor (e.g. to run the check again after a failure).

Another organisation's application answers 404 (nothing to learn from guessing addresses).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from alarfund.accounts.permissions import ALLOWED, Capability, Decision, Scope, check
from alarfund.evidence.access import HIDDEN_CODES, READERS

C = Capability
STARTERS: tuple[Capability, ...] = (C.REVIEW_FIRST, C.REVIEW_SECOND, C.AUDIT_WORK)

__all__ = ["HIDDEN_CODES", "can_start", "can_view", "is_owner", "scope_of"]


def scope_of(application: Any) -> Scope:
    return Scope(organisation_id=application.organisation_id, round_id=application.round_id)


def is_owner(user: Any, application: Any) -> bool:
    return bool(check(user, C.ORGANISATION_VIEW_OWN, scope=scope_of(application)))


def _first(user: Any, capabilities: tuple[Capability, ...], scope: Scope, refusal: Decision) -> Decision:
    refusals = []
    for capability in capabilities:
        decision = check(user, capability, scope=scope)
        if decision:
            return ALLOWED
        refusals.append(decision)
    for decision in refusals:
        if decision.code != "role":  # e.g. an auditor not engaged for this round
            return decision
    return refusal


def can_view(user: Any, application: Any) -> Decision:
    scope = scope_of(application)
    own = check(user, C.ORGANISATION_VIEW_OWN, scope=scope)
    if own or own.code in {"anonymous", "inactive", "other_organisation"}:
        return own
    return _first(
        user,
        READERS,
        scope,
        Decision(False, _("Your role may not see applicants' tracking-number reports."), "role"),
    )


def can_start(user: Any, application: Any) -> Decision:
    scope = scope_of(application)
    own = check(user, C.APPLICATION_PREPARE, scope=scope)
    if own or own.code in {"anonymous", "inactive", "other_organisation"}:
        return own
    return _first(
        user, STARTERS, scope, Decision(False, _("Your role may not start a tracking-number import."), "role")
    )
