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
}

#: Where the applicant may edit: a draft entirely, a returned application only where asked.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})


def capability_for(current: str, target: str) -> Capability | None:
    return TRANSITIONS.get((current, target))
