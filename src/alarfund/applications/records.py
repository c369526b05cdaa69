"""From an application (or the public calculator's form) to the policy engine's round file.

This is the only bridge between the web application and the engine: the calculator, the applicant's
estimate and the bureau's plan all build their input here and compute with `alarfund.policy`, so the
same figures always give the same amounts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from alarfund.policy.engine import RoundResult, compute_round
from alarfund.policy.explain import Explainer, LineExplanation
from alarfund.policy.roundfile import parse_round


@dataclass(frozen=True)
class DemonstrationFact:
    level: str
    first_time: bool = True
    amount: Decimal | None = None  # the bureau's amount (review); None = up to the cap


@dataclass(frozen=True)
class ApplicantFacts:
    """What the engine needs about one applicant, whatever the source (form, declared, final)."""

    id: str
    name: str
    entity_type: str
    claimed_lines: frozenset[str]
    online_sales: Decimal = Decimal(0)
    total_sales: Decimal = Decimal(0)
    loan_interest_paid: Decimal = Decimal(0)
    promotion_fees: Decimal = Decimal(0)
    inland_warehouse_rent: Decimal = Decimal(0)
    parcels: int = 0
    local_brand_seller: bool = False
    local_product_seller: bool = False
    demonstrations: Sequence[DemonstrationFact] = field(default_factory=tuple)
    registered_in_jurisdiction: bool = True
    credit_or_tax_violation_3y: bool = False
    false_material_3y: bool = False
    statistics_reported: bool = True
    major_incident: bool = False
    four_above_reward: bool = False
    banned_until: dt.date | None = None

    def record(self) -> dict[str, Any]:
        """The round file's applicant entry. Figures of lines not claimed do not enter."""
        claimed = self.claimed_lines
        record: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "entity_type": self.entity_type,
            "online_sales": str(self.online_sales),
            "total_sales": str(self.total_sales or self.online_sales),
            "local_brand_seller": self.local_brand_seller and "6" in claimed,
            "local_product_seller": self.local_product_seller and "7" in claimed,
            "registered_in_jurisdiction": self.registered_in_jurisdiction,
            "credit_or_tax_violation_3y": self.credit_or_tax_violation_3y,
            "false_material_3y": self.false_material_3y,
            "statistics_reported": self.statistics_reported,
            "major_incident": self.major_incident,
            "four_above_reward": self.four_above_reward,
            "banned_until": self.banned_until.isoformat() if self.banned_until else None,
        }
        record["loan_interest_paid"] = str(self.loan_interest_paid) if "5.2" in claimed else "0"
        record["promotion_fees"] = str(self.promotion_fees) if "7" in claimed else "0"
        record["inland_warehouse_rent"] = str(self.inland_warehouse_rent) if "8" in claimed else "0"
        record["parcels"] = self.parcels if "10" in claimed else 0
        record["demonstrations"] = (
            [
                {
                    "level": d.level,
                    "first_time": d.first_time,
                    **({"amount": str(d.amount)} if d.amount is not None else {}),
                }
                for d in self.demonstrations
            ]
            if "9" in claimed
            else []
        )
        return record


def round_document(
    *,
    sales_year: int,
    applicants: Iterable[ApplicantFacts],
    interpretation: dict[str, str] | None = None,
    budgets: dict[str, str] | None = None,
    commitments: list[dict[str, str]] | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    document: dict[str, Any] = {"sales_year": sales_year, "applicants": [a.record() for a in applicants]}
    if interpretation:
        document["interpretation"] = interpretation
    if budgets:
        document["budgets"] = budgets
    if commitments:
        document["commitments"] = commitments
    if as_of:
        document["as_of"] = as_of.isoformat()
    return document


def compute(document: dict[str, Any]) -> RoundResult:
    """The engine over a round document (raises `RoundFileError` for bad figures)."""
    facts, params = parse_round(document)
    return compute_round(facts, params)


@dataclass(frozen=True)
class Estimate:
    """One applicant's amounts alone: what the measure gives before budgets bind and review."""

    eligible: bool
    reasons: list[str]
    lines: list[LineExplanation]
    total: int  # fen


def estimate(
    applicant: ApplicantFacts,
    *,
    sales_year: int,
    interpretation: dict[str, str] | None = None,
    lang: str = "zh-hans",
) -> Estimate:
    """The engine over one applicant (no budget can bind for one applicant under the measure's caps)."""
    result = compute(
        round_document(sales_year=sales_year, applicants=[applicant], interpretation=interpretation)
    )
    explainer = Explainer(result, lang)
    eligible = bool(result.eligible[0])
    return Estimate(
        eligible=eligible,
        reasons=[] if eligible else explainer.ineligibility(0),
        lines=explainer.lines(0),
        total=int(result.totals[0]),
    )
