"""Who may open a document: ``can_view(user, document) -> Decision`` (allowed, reason, code).

* The owning organisation's own users.
* Staff who review or decide on applications: the association reviewer (first review), the Commerce
  Bureau officer (second review, payments), the bureau approver (plan approval), the Finance Bureau
  (oversight), and the auditor only within the rounds the bureau engaged them for.
* Sensitive documents (ID card images): only the owning organisation, the association reviewer and the
  Commerce Bureau officer.
* Not the system administrator: administrators manage accounts, not applications (三权分立); not the
  department officers (they answer consultations on figures, not on the applicants' papers).

The round a document belongs to is known to the rounds and applications apps, not here:
``settings.ALARFUND_DOCUMENT_SCOPE`` names a function ``(document) -> Scope`` that they provide. The
default, :func:`organisation_scope`, knows no round, so auditors see nothing until it is configured.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from alarfund.accounts.permissions import ALLOWED, Capability, Decision, Scope, check

from .models import Document

C = Capability
#: Capabilities that let staff read an applicant's documents (within the document's scope).
READERS: tuple[Capability, ...] = (
    C.REVIEW_FIRST,
    C.REVIEW_SECOND,
    C.PLAN_APPROVE,
    C.AUDIT_WORK,
    C.OVERSIGHT_VIEW,
)
#: Capabilities that let staff read sensitive documents (ID card images).
SENSITIVE_READERS: tuple[Capability, ...] = (C.REVIEW_FIRST, C.REVIEW_SECOND)

#: Refusal codes answered with 404, so that nobody learns that someone else's document exists.
HIDDEN_CODES = frozenset({"other_organisation", "not_found"})


def organisation_scope(document: Document) -> Scope:
    """Default scope provider: the document's organisation, no round."""
    return Scope(organisation_id=document.organisation_id)


def document_scope(document: Document) -> Scope:
    provider: Callable[[Document], Scope] = import_string(settings.ALARFUND_DOCUMENT_SCOPE)
    # Whatever the provider says, the organisation is the document's own.
    return dataclasses.replace(provider(document), organisation_id=document.organisation_id)


def can_view(user: Any, document: Document) -> Decision:
    """May ``user`` open ``document`` (any of its versions and files)?"""
    scope = document_scope(document)
    own = check(user, C.ORGANISATION_VIEW_OWN, scope=scope)
    if own or own.code in {"anonymous", "inactive", "other_organisation"}:
        return own
    capabilities = SENSITIVE_READERS if document.sensitive else READERS
    refusals = []
    for capability in capabilities:
        decision = check(user, capability, scope=scope)
        if decision:
            return ALLOWED
        refusals.append(decision)
    for decision in refusals:
        if decision.code != "role":  # e.g. an auditor not engaged for this document's round
            return decision
    if document.sensitive and any(check(user, capability, scope=scope) for capability in READERS):
        return Decision(
            False,
            _(
                "ID card images and other sensitive personal information are shown only to the "
                "organisation itself, the association's reviewers and the Commerce Bureau's officers."
            ),
            "sensitive",
        )
    return Decision(False, _("Your role may not open applicants' documents."), "role")
