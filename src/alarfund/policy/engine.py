"""One round, computed: eligibility, entitlements, Art. 19, category budgets, the annual cap.

Order (policy-rules §5): the gate and per-applicant entitlements with their caps, then Art. 19; then the
budgets of Art. 7, 8 and 10; then the Art. 3 annual cap, less the round's commitments (I7).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from alarfund.policy.allocation import Pool, scale_awards, scale_rate
from alarfund.policy.eligibility import failed_checks
from alarfund.policy.entitlements import (
    BUDGETED_LINES,
    LINES,
    UNBUDGETED_LINES,
    apply_limits,
    art19_exclusions,
    formula_amounts,
)
from alarfund.policy.facts import BoolArray, IntArray, RoundFacts
from alarfund.policy.parameters import Parameters


@dataclass
class Category:
    """One line id across the round (policy-rules §5; the round file's `categories`)."""

    line: str
    entitled: int  # after Art. 19, eligible applicants only
    paid: int = 0
    budget: int | None = None  # Art. 7, 8, 10
    budget_bound: bool = False
    lowered_rate: Fraction | None = None  # I4 scale_rate: the single rate r that fits the budget
    after_budget: int = 0
    cap_factor: Fraction | None = None  # the Art. 3 cap scaled this line by this factor

    @property
    def reduced(self) -> bool:
        return self.paid < self.entitled

    @property
    def factor(self) -> Fraction:
        return Fraction(self.paid, self.entitled) if self.entitled else Fraction(1)


@dataclass
class AnnualCap:
    """Art. 3: enterprise awards + commitments ≤ the annual fund (I7 decides which lines give way)."""

    budget: int
    commitments: int
    available: int  # for enterprise awards, floored to the rounding unit
    requested: int  # enterprise awards after the category budgets
    scaled_lines: tuple[str, ...] = ()
    zeroed_lines: tuple[str, ...] = ()
    factor: Fraction | None = None

    @property
    def binding(self) -> bool:
        return self.requested > self.available


@dataclass
class RoundResult:
    facts: RoundFacts
    params: Parameters
    failed: np.ndarray  # uint16 bits, see eligibility.REASONS
    eligible: BoolArray
    formula: dict[str, IntArray]  # as the articles compute it, before the bureau's adjustments
    entitled: dict[str, IntArray]
    excluded: dict[str, BoolArray]
    after_budget: dict[str, IntArray]
    paid: dict[str, IntArray]
    categories: dict[str, Category]
    annual: AnnualCap
    totals: IntArray = field(init=False)

    def __post_init__(self) -> None:
        self.totals = np.sum([self.paid[line] for line in LINES], axis=0).astype(np.int64)

    @property
    def total(self) -> int:
        return int(self.totals.sum())


def _pool(amounts: dict[str, IntArray], lines: tuple[str, ...]) -> tuple[Pool, list[tuple[int, IntArray]]]:
    """Gather the positive amounts of `lines` into one pool; remember where each came from."""
    parts, applicants, line_ids, places = [], [], [], []
    for line in lines:
        where = np.flatnonzero(amounts[line] > 0)
        parts.append(amounts[line][where])
        applicants.append(where)
        line_ids.append(np.full(len(where), LINES.index(line), dtype=np.intp))
        places.append((LINES.index(line), where))
    pool = Pool(
        amounts=np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64),
        applicant=np.concatenate(applicants).astype(np.intp),
        line=np.concatenate(line_ids),
    )
    return pool, places


def _scatter(amounts: dict[str, IntArray], places: list[tuple[int, IntArray]], scaled: IntArray) -> None:
    start = 0
    for line_index, where in places:
        amounts[LINES[line_index]][where] = scaled[start : start + len(where)]
        start += len(where)


def compute_round(facts: RoundFacts, params: Parameters) -> RoundResult:
    s = facts.interpretation
    unit = s.unit_fen
    ids = facts.applicants.ids
    failed = failed_checks(facts)
    eligible = failed == 0

    formula = formula_amounts(facts, params, eligible)
    entitled = apply_limits(formula, facts)
    excluded = art19_exclusions(entitled, s)
    after_budget = {
        line: np.where(excluded.get(line, False), 0, entitled[line]).astype(np.int64) for line in LINES
    }
    categories = {line: Category(line=line, entitled=int(after_budget[line].sum())) for line in LINES}
    for category in categories.values():
        category.after_budget = category.entitled

    # Art. 7, 8, 10: a category over its budget is reduced "等比例" to the budget exactly (I4).
    bases = {
        "7": (facts.applicants.promotion_fees, params.art7_cap),
        "8": (facts.applicants.inland_warehouse_rent, params.art8_cap),
        "10": (facts.applicants.parcels, params.art10_cap),
    }
    for line in BUDGETED_LINES:
        category = categories[line]
        category.budget = facts.category_budgets[line]
        target = category.budget // unit * unit
        if category.entitled > target:
            category.budget_bound = True
            pool, places = _pool(after_budget, (line,))
            if s.proration == "scale_rate":
                base, cap = bases[line]
                solution = scale_rate(pool, base[pool.applicant], cap, target, unit, ids)
                category.lowered_rate = solution.rate
                scaled = solution.amounts
            else:
                scaled = scale_awards(pool, target, unit, ids)
            _scatter(after_budget, places, scaled)
        category.after_budget = int(after_budget[line].sum())

    paid = {line: amounts.copy() for line, amounts in after_budget.items()}
    annual = _apply_annual_cap(facts, paid, categories, unit)
    for line in LINES:
        categories[line].paid = int(paid[line].sum())
    return RoundResult(
        facts=facts,
        params=params,
        failed=failed,
        eligible=eligible,
        formula=formula,
        entitled=entitled,
        excluded=excluded,
        after_budget=after_budget,
        paid=paid,
        categories=categories,
        annual=annual,
    )


def _apply_annual_cap(
    facts: RoundFacts, paid: dict[str, IntArray], categories: dict[str, Category], unit: int
) -> AnnualCap:
    """Art. 3 with I7: `scale_unbudgeted` scales 5.1, 5.2, 6 and 9 to what the budgeted lines leave (or,
    when 7, 8 and 10 alone do not fit, scales those and pays 5.1–9 nothing); `scale_all` scales every line."""
    commitments = facts.commitments_total
    available = (facts.annual_budget - commitments) // unit * unit
    requested = int(sum(int(paid[line].sum()) for line in LINES))
    annual = AnnualCap(facts.annual_budget, commitments, available, requested)
    if requested <= available:
        return annual
    ids = facts.applicants.ids
    if facts.interpretation.annual_cap == "scale_all":
        scaled_lines: tuple[str, ...] = LINES
        target = available
    else:
        budgeted = int(sum(int(paid[line].sum()) for line in BUDGETED_LINES))
        if budgeted <= available:
            scaled_lines, target = UNBUDGETED_LINES, available - budgeted
        else:
            scaled_lines, target = BUDGETED_LINES, available
            annual.zeroed_lines = UNBUDGETED_LINES
            for line in UNBUDGETED_LINES:
                paid[line][:] = 0
    pool, places = _pool(paid, scaled_lines)
    if pool.total > target:
        annual.factor = Fraction(target, pool.total)
        _scatter(paid, places, scale_awards(pool, target, unit, ids))
        annual.scaled_lines = tuple(line for line in scaled_lines if categories[line].after_budget > 0)
    for line in annual.zeroed_lines:
        categories[line].cap_factor = Fraction(0)
    for line in annual.scaled_lines:
        categories[line].cap_factor = annual.factor
    return annual
