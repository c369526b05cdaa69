"""What-if: the same plan inputs under other switch settings, side by side (computed, never stored)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from alarfund.policy.engine import RoundResult
from alarfund.policy.entitlements import LINES
from alarfund.policy.money import fen_to_decimal
from alarfund.rounds.call import LINE_TITLES

from . import computation
from .models import PlanVersion


@dataclass
class Pair:
    base: Decimal
    other: Decimal

    @property
    def difference(self) -> Decimal:
        return self.other - self.base

    @property
    def changed(self) -> bool:
        return self.base != self.other


@dataclass
class ApplicantRow:
    id: str
    name: str
    lines: dict[str, Pair]
    total: Pair


@dataclass
class CategoryRow:
    line: str
    title: Any
    paid: Pair


@dataclass
class Comparison:
    base_switches: dict[str, str]
    other_switches: dict[str, str]
    applicants: list[ApplicantRow]
    categories: list[CategoryRow]
    total: Pair
    lines: tuple[str, ...]

    @property
    def changed_switches(self) -> list[str]:
        return [name for name, value in self.other_switches.items() if self.base_switches.get(name) != value]

    @property
    def changed_applicants(self) -> int:
        return sum(
            1 for row in self.applicants if row.total.changed or any(p.changed for p in row.lines.values())
        )


def _paid(result: RoundResult, line: str, i: int) -> Decimal:
    return fen_to_decimal(int(result.paid[line][i]))


def compare(version: PlanVersion, other_switches: dict[str, Any]) -> Comparison:
    """The version's inputs under its own switches and under `other_switches` (defaults filled in)."""
    other = computation.full_interpretation({**version.interpretation, **other_switches})
    base_result = computation.result_of(version.inputs)
    snapshot = copy.deepcopy(version.inputs)
    snapshot["round"]["interpretation"] = other
    other_result = computation.result_of(snapshot)
    ids = base_result.facts.applicants.ids
    used = tuple(
        line
        for line in LINES
        if base_result.categories[line].entitled > 0 or other_result.categories[line].entitled > 0
    )
    applicants = [
        ApplicantRow(
            id=applicant_id,
            name=base_result.facts.applicants.names[i],
            lines={line: Pair(_paid(base_result, line, i), _paid(other_result, line, i)) for line in used},
            total=Pair(
                fen_to_decimal(int(base_result.totals[i])), fen_to_decimal(int(other_result.totals[i]))
            ),
        )
        for i, applicant_id in enumerate(ids)
    ]
    categories = [
        CategoryRow(
            line=line,
            title=LINE_TITLES[line],
            paid=Pair(
                fen_to_decimal(base_result.categories[line].paid),
                fen_to_decimal(other_result.categories[line].paid),
            ),
        )
        for line in used
    ]
    return Comparison(
        base_switches=base_result.facts.interpretation.as_dict(),
        other_switches=other,
        applicants=applicants,
        categories=categories,
        total=Pair(fen_to_decimal(base_result.total), fen_to_decimal(other_result.total)),
        lines=used,
    )
