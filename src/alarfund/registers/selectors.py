"""Reads of the registers: what counts against an applicant in a round, and why (for every role).

`eligibility_flags` is what `applications.selectors.application_facts` ORs into the applicant's own
declarations before the policy engine runs; `blocking_reasons` is what the applicant (and the reviewers)
read: the article, the register, the date and the source document of each entry that blocks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from alarfund.policy.eligibility import REASON_BY_CODE

from .models import Register, RegisterEntry
from .rules import ARTICLE, REASON_CODE, RoundFrame, counts, frame_for


def active_entries() -> QuerySet[RegisterEntry]:
    return RegisterEntry.objects.filter(withdrawn_at__isnull=True)


def entries_for(usccs: Iterable[str]) -> QuerySet[RegisterEntry]:
    return active_entries().filter(uscc__in=list(usccs)).select_related("source_file")


@dataclass(frozen=True)
class EligibilityFlags:
    """The registers' contribution to the engine's applicant record."""

    credit_or_tax_violation: bool = False
    false_material: bool = False
    major_incident: bool = False
    four_above_reward: bool = False
    banned_until: dt.date | None = None


@dataclass(frozen=True)
class Finding:
    """An active entry that counts against the applicant in the round."""

    code: str  # the engine's reason code (policy-rules §3)
    article: str
    entry: RegisterEntry

    @property
    def text(self) -> str:
        """The reason in the reader's language: the rule, the register's date and its source."""
        entry = self.entry
        rule = REASON_BY_CODE[self.code]
        source = entry.source_reference or (entry.source_file.original_name if entry.source_file else "")
        if entry.register == Register.BAN:
            when = _("banned until %(date)s") % {"date": entry.end_date.isoformat() if entry.end_date else ""}
        elif entry.register == Register.FOUR_ABOVE:
            when = _("reward year %(year)s") % {"year": entry.year}
        else:
            when = _("recorded on %(date)s") % {
                "date": entry.occurred_on.isoformat() if entry.occurred_on else ""
            }
        return _("%(rule)s (%(article)s): %(category)s, %(when)s; source: %(source)s") % {
            "rule": _rule_text(rule.code),
            "article": _article(self.article),
            "category": entry.get_category_display(),
            "when": when,
            "source": source,
        }


def _article(article: str) -> str:
    from alarfund.applications.templatetags.alarfund_money import article_ref

    return article_ref(article)


def _rule_text(code: str) -> str:
    texts = {
        "BANNED": _("Within the ban on fiscal funds after fraud"),
        "CREDIT_OR_TAX_VIOLATION": _("A dishonesty record or tax-violation case in the look-back period"),
        "FALSE_MATERIAL_RECORD": _("False materials to obtain fiscal funds in the look-back period"),
        "MAJOR_INCIDENT": _("A major accident, tax-evasion case or major mass incident in the sales year"),
        "FOUR_ABOVE_CONFLICT": _("Receives the 'four-above' enterprise reward for the same year"),
    }
    return texts[code]


def findings(uscc: str, frame: RoundFrame, entries: Iterable[RegisterEntry] | None = None) -> list[Finding]:
    """Every active entry for this code that counts in the round, in the order of policy-rules §3."""
    rows = entries if entries is not None else entries_for([uscc])
    found = [
        Finding(REASON_CODE[e.register], ARTICLE[e.register], e)
        for e in rows
        if e.uscc == uscc
        and counts(
            register=e.register, occurred_on=e.occurred_on, end_date=e.end_date, year=e.year, frame=frame
        )
    ]
    order = list(REASON_CODE.values())
    return sorted(found, key=lambda f: (order.index(f.code), f.entry.entered_at))


def flags_from(findings_: Iterable[Finding], bans: Iterable[RegisterEntry]) -> EligibilityFlags:
    codes = {f.code for f in findings_}
    ends = [b.end_date for b in bans if b.register == Register.BAN and b.end_date is not None]
    return EligibilityFlags(
        credit_or_tax_violation="CREDIT_OR_TAX_VIOLATION" in codes,
        false_material="FALSE_MATERIAL_RECORD" in codes,
        major_incident="MAJOR_INCIDENT" in codes,
        four_above_reward="FOUR_ABOVE_CONFLICT" in codes,
        banned_until=max(ends) if ends else None,
    )


def eligibility_flags(application: Any) -> EligibilityFlags:
    """The registers' flags for an application (its organisation's code, its round's sales year)."""
    uscc = application.organisation.uscc
    entries = list(entries_for([uscc]))
    if not entries:
        return EligibilityFlags()
    return flags_from(findings(uscc, frame_for(application.round.sales_year), entries), entries)


def application_findings(application: Any) -> list[Finding]:
    return findings(application.organisation.uscc, frame_for(application.round.sales_year))


def blocking_reasons(application: Any) -> list[str]:
    """Why the registers block this application, one sentence per entry, in the reader's language
    (empty when nothing blocks). Shown to the applicant and to the reviewers."""
    return [finding.text for finding in application_findings(application)]


def findings_by_uscc(usccs: Iterable[str], sales_year: int) -> dict[str, list[Finding]]:
    """For a queue: the findings of many organisations in one query."""
    usccs = list(usccs)
    frame = frame_for(sales_year)
    entries = list(entries_for(usccs))
    result: dict[str, list[Finding]] = {}
    for uscc in usccs:
        found = findings(uscc, frame, [e for e in entries if e.uscc == uscc])
        if found:
            result[uscc] = found
    return result


def search(
    *, register: str = "", query: str = "", include_withdrawn: bool = False
) -> QuerySet[RegisterEntry]:
    entries = RegisterEntry.objects.select_related("entered_by", "source_file").order_by("-entered_at")
    if not include_withdrawn:
        entries = entries.filter(withdrawn_at__isnull=True)
    if register in Register.values:
        entries = entries.filter(register=register)
    query = query.strip()
    if query:
        entries = entries.filter(Q(name__icontains=query) | Q(uscc__icontains=query.upper()))
    return entries
