"""Duplicate and linked-entity flags for reviewers, across the applications of one round.

Two applications are linked when their organisations share the 统一社会信用代码 (or its organisation
code, characters 9–17: the same entity re-registered), the bank account, the legal representative's ID
number (compared by keyed hash: the numbers are encrypted and never decrypted here), the legal
representative's name, or the contact phone. A flag is a prompt to look, not a finding: names in
particular can coincide.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from alarfund.applications.models import Application, ApplicationStatus

KINDS: dict[str, Any] = {
    "uscc": _("Same unified social credit code"),
    "org_code": _("Same organisation code within the credit code"),
    "bank_account": _("Same bank account"),
    "representative_id": _("Same legal representative (ID number)"),
    "representative_name": _("Same legal representative name"),
    "contact_phone": _("Same contact phone"),
}


@dataclass(frozen=True)
class Other:
    application_id: uuid.UUID
    organisation: str


@dataclass(frozen=True)
class Flag:
    kind: str
    others: tuple[Other, ...]

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])


def _text(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value or "").split()).upper()


def _digits(value: str) -> str:
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", value or "") if ch.isdigit())
    return digits[-11:] if len(digits) > 11 else digits  # +86 / 0086 prefixes


KEYS: dict[str, Callable[[dict[str, Any]], str]] = {
    "uscc": lambda row: _text(row["organisation__uscc"]),
    "org_code": lambda row: _text(row["organisation__uscc"])[8:17],
    "bank_account": lambda row: row["organisation__bank_account_hash"] or "",
    "representative_id": lambda row: row["organisation__representative_id_hash"] or "",
    "representative_name": lambda row: _text(row["organisation__legal_representative"]),
    "contact_phone": lambda row: _digits(row["organisation__contact_phone"]),
}


def round_flags(round_id: Any) -> dict[uuid.UUID, list[Flag]]:
    """Every flagged application of the round, with the applications it is linked to."""
    rows = list(
        Application.objects.filter(round_id=round_id)
        .exclude(status__in=(ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN))
        .values(
            "id",
            "organisation_id",
            "organisation__name",
            "organisation__uscc",
            "organisation__bank_account_hash",
            "organisation__representative_id_hash",
            "organisation__legal_representative",
            "organisation__contact_phone",
        )
    )
    flags: dict[uuid.UUID, list[Flag]] = defaultdict(list)
    for kind, key_of in KEYS.items():
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            key = key_of(row)
            if key:
                groups[key].append(row)
        for members in groups.values():
            if len(members) < 2:
                continue
            for row in members:
                others = tuple(
                    Other(m["id"], m["organisation__name"]) for m in members if m["id"] != row["id"]
                )
                if kind == "org_code" and any(f.kind == "uscc" for f in flags[row["id"]]):
                    continue
                flags[row["id"]].append(Flag(kind, others))
    return dict(flags)


def application_flags(application: Application) -> list[Flag]:
    return round_flags(application.round_id).get(application.pk, [])
