"""A plan version as the page and the exports show it: per applicant and line, per category, the cap.

Everything is derived from the version's snapshot through the engine (`computation.result_of`), in the
reader's language; the recorded output (Chinese) is what `services.verify` compares against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language

from alarfund.accounts.choices import Jurisdiction
from alarfund.applications.models import Application
from alarfund.policy.engine import RoundResult
from alarfund.policy.entitlements import LINES
from alarfund.policy.explain import Explainer
from alarfund.policy.money import fen_to_decimal, format_ratio
from alarfund.policy.parameters import parameters_for
from alarfund.rounds.call import LINE_TITLES
from alarfund.rounds.forms import switch_texts

from . import computation
from .models import PlanVersion


def lang() -> str:
    return "zh-hans" if (get_language() or "zh-hans").startswith("zh") else "en"


@dataclass
class Line:
    article: str
    title: str | Promise
    entitled: Decimal
    paid: Decimal
    excluded: bool
    text: str
    adjusted: bool = False


@dataclass
class Applicant:
    id: str
    name: str
    jurisdiction: str | Promise
    uscc: str
    source: str
    eligible: bool
    reasons: list[str]
    total: Decimal
    lines: list[Line] = field(default_factory=list)


@dataclass
class CategoryRow:
    line: str
    title: str | Promise
    entitled: Decimal
    budget: Decimal | None
    paid: Decimal
    factor: str  # "" when not reduced


@dataclass
class Switch:
    name: str
    question: str
    value: str
    label: str


@dataclass
class Plan:
    version: PlanVersion
    result: RoundResult
    applicants: list[Applicant]
    categories: list[CategoryRow]
    switches: list[Switch]
    commitments: list[dict[str, Any]]
    fund: Decimal
    commitments_total: Decimal
    available: Decimal
    requested: Decimal
    total: Decimal
    cap_binding: bool
    cap_factor: str

    @property
    def grand_total(self) -> Decimal:
        return self.total + self.commitments_total

    @property
    def fallback_sources(self) -> list[Applicant]:
        return [a for a in self.applicants if a.source != "final"]


def switches_of(interpretation: dict[str, str], sales_year: int) -> list[Switch]:
    texts = switch_texts(parameters_for(sales_year))
    return [
        Switch(name, str(texts[name][0]), value, str(texts[name][2].get(value, value)))
        for name, value in interpretation.items()
    ]


def categories_of(result: RoundResult) -> list[CategoryRow]:
    rows = []
    for line in LINES:
        category = result.categories[line]
        if category.entitled <= 0:
            continue
        rows.append(
            CategoryRow(
                line=line,
                title=LINE_TITLES[line],
                entitled=fen_to_decimal(category.entitled),
                budget=fen_to_decimal(category.budget) if category.budget is not None else None,
                paid=fen_to_decimal(category.paid),
                factor=format_ratio(category.factor) if category.reduced else "",
            )
        )
    return rows


def build(version: PlanVersion, language: str | None = None) -> Plan:
    language = language or lang()
    result = computation.result_of(version.inputs)
    explainer = Explainer(result, language)
    ids = result.facts.applicants.ids
    organisations = {
        str(a.pk): a.organisation
        for a in Application.objects.filter(pk__in=ids).select_related("organisation")
    }
    adjusted = {(str(a.application_id), a.line) for a in version.adjustments.all()}
    applicants = []
    for i, applicant_id in enumerate(ids):
        organisation = organisations.get(applicant_id)
        eligible = bool(result.eligible[i])
        jurisdiction = organisation.jurisdiction if organisation else ""
        applicants.append(
            Applicant(
                id=applicant_id,
                name=result.facts.applicants.names[i],
                jurisdiction=Jurisdiction(jurisdiction).label
                if jurisdiction in Jurisdiction.values
                else jurisdiction,
                uscc=organisation.uscc if organisation else "",
                source=version.sources.get(applicant_id, ""),
                eligible=eligible,
                reasons=[] if eligible else explainer.ineligibility(i),
                total=fen_to_decimal(int(result.totals[i])),
                lines=[
                    Line(
                        article=line.article,
                        title=LINE_TITLES[line.article],
                        entitled=fen_to_decimal(line.entitled),
                        paid=fen_to_decimal(line.paid),
                        excluded=line.excluded,
                        text=line.text,
                        adjusted=(applicant_id, line.article) in adjusted,
                    )
                    for line in (explainer.lines(i) if eligible else [])
                ],
            )
        )
    annual = result.annual
    return Plan(
        version=version,
        result=result,
        applicants=applicants,
        categories=categories_of(result),
        switches=switches_of(result.facts.interpretation.as_dict(), result.facts.sales_year),
        commitments=list(version.inputs["round"].get("commitments", [])),
        fund=fen_to_decimal(annual.budget),
        commitments_total=fen_to_decimal(annual.commitments),
        available=fen_to_decimal(annual.available),
        requested=fen_to_decimal(annual.requested),
        total=fen_to_decimal(result.total),
        cap_binding=annual.binding,
        cap_factor=format_ratio(annual.factor) if annual.factor is not None else "",
    )
