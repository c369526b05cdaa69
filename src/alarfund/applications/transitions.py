"""The application's procedure (Art. 17–18) as one explicit transition table.

Each allowed change names the capability of the role that makes it; anything not in the table is
refused. Services add the guards (window, completeness, opinions) and write the change, its timeline row
and its audit event in one transaction.
"""

from __future__ import annotations

from alarfund.accounts.permissions import Capability

from .models import ApplicationStatus as S

TRANSITIONS: dict[tuple[str, str], Capability] = {
    (S.DRAFT, S.SUBMITTED): Capability.APPLICATION_PREPARE,
    (S.DRAFT, S.WITHDRAWN): Capability.APPLICATION_PREPARE,
    (S.RETURNED, S.SUBMITTED): Capability.APPLICATION_PREPARE,
    # Art. 17(二): the association collects and reviews first.
    (S.SUBMITTED, S.RETURNED): Capability.REVIEW_FIRST,
    (S.SUBMITTED, S.ASSOCIATION_ACCEPTED): Capability.REVIEW_FIRST,
    (S.SUBMITTED, S.REJECTED): Capability.REVIEW_FIRST,
    # Art. 18: the bureau reviews again …
    (S.ASSOCIATION_ACCEPTED, S.RETURNED): Capability.REVIEW_SECOND,
    (S.ASSOCIATION_ACCEPTED, S.BUREAU_ACCEPTED): Capability.REVIEW_SECOND,
    (S.ASSOCIATION_ACCEPTED, S.REJECTED): Capability.REVIEW_SECOND,
    # … engages a third-party auditor (Art. 17(三)) …
    (S.BUREAU_ACCEPTED, S.AUDITED): Capability.AUDIT_WORK,
    # … and consults the statistics, tax and market-regulation departments.
    (S.AUDITED, S.READY): Capability.REVIEW_SECOND,
    (S.AUDITED, S.RETURNED): Capability.REVIEW_SECOND,
    (S.AUDITED, S.REJECTED): Capability.REVIEW_SECOND,
    # Art. 17(三): an objection to the public notice upheld sends the application back to the bureau's
    # final figures (docs/notices.md).
    (S.READY, S.AUDITED): Capability.REVIEW_SECOND,
}

#: Where the applicant may edit: a draft entirely, a returned application only where asked.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})

#: What a step requires besides its role: functions ``(application) -> [problems]`` (named by dotted path,
#: so this table stays free of the review app's models), checked by ``services.application_transition``
#: inside its transaction. An empty list lets the step happen. See docs/review.md for the whole table.
GUARDS: dict[tuple[str, str], tuple[str, ...]] = {
    # Nothing the reviewer marked "needs supplement" may be accepted over.
    (S.SUBMITTED, S.ASSOCIATION_ACCEPTED): ("alarfund.review.guards.nothing_flagged_first",),
    (S.ASSOCIATION_ACCEPTED, S.BUREAU_ACCEPTED): ("alarfund.review.guards.nothing_flagged_second",),
    # The auditor's audited figures and audit report of this cycle.
    (S.BUREAU_ACCEPTED, S.AUDITED): ("alarfund.review.guards.audit_recorded",),
    # No objection from each of the three departments, and the bureau's final figures.
    (S.AUDITED, S.READY): ("alarfund.review.guards.ready_for_plan",),
}
#: Steps that need a reason in the note (the timeline and the applicant show it).
NEEDS_REASON = frozenset({S.REJECTED, S.RETURNED})


def capability_for(current: str, target: str) -> Capability | None:
    return TRANSITIONS.get((current, target))


def guard_problems(application: object, current: str, target: str) -> list[str]:
    """Why the step from `current` to `target` cannot happen for `application` yet (empty: it can)."""
    from django.utils.module_loading import import_string

    problems: list[str] = []
    for path in GUARDS.get((current, target), ()):
        problems += import_string(path)(application)
    return problems
