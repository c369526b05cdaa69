"""Who may see an organisation's sensitive numbers in full ("reveal"); everyone else sees them masked.

Every reveal is audited (PIPL 51; checklist 16). The rule, by capability of the permission table:

* ID number of the legal representative or operator: the organisation's own users, the association
  reviewer (first review) and the Commerce Bureau officer (second review).
* Bank account: the same, and those who prepare, release or oversee payments.

The system administrator never sees either (三权分立); the auditor reveals once the rounds app scopes
organisations to engaged rounds (not yet: the auditor sees masked values only).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .permissions import ALLOWED, Capability, Decision, Scope, check

C = Capability
ID_NUMBER = "id_number"
BANK_ACCOUNT = "bank_account"

#: Revealable field → (model attribute, staff capabilities that may reveal it).
REVEALABLE: dict[str, tuple[str, tuple[Capability, ...]]] = {
    ID_NUMBER: ("representative_id_number", (C.REVIEW_FIRST, C.REVIEW_SECOND)),
    BANK_ACCOUNT: (
        "bank_account",
        (C.REVIEW_FIRST, C.REVIEW_SECOND, C.PAYMENT_PREPARE, C.PAYMENT_RELEASE, C.OVERSIGHT_VIEW),
    ),
}


def can_reveal(user: Any, organisation: Any, field: str) -> Decision:
    if field not in REVEALABLE:
        return Decision(False, _("This value cannot be shown."), "unknown_field")
    scope = Scope(organisation_id=organisation.pk)
    own = check(user, C.ORGANISATION_VIEW_OWN, scope=scope)
    if own or own.code in {"anonymous", "inactive", "other_organisation"}:
        return own
    for capability in REVEALABLE[field][1]:
        if check(user, capability, scope=scope):
            return ALLOWED
    return Decision(False, _("Your role may see this number only masked."), "role")


def revealable_fields(user: Any, organisation: Any) -> set[str]:
    return {field for field in REVEALABLE if can_reveal(user, organisation, field)}
