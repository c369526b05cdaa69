"""The engine's input: one round's facts, validated, with applicants held column by column.

Columns (numpy arrays, money in integer fen) let one rule be applied to a million applicants at once
while still reading like its article. `RoundFacts` is built by `roundfile.parse_round`, the single door
through which the command line, the calculator and the plan all enter the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from alarfund.policy.interpretations import Interpretation

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

ENTITY_TYPES: tuple[str, ...] = ("enterprise", "individual", "branch")
DEMONSTRATION_LEVELS: tuple[str, ...] = ("national", "provincial")
#: 兵团 (Xinjiang Production and Construction Corps) recognitions count as provincial (policy-rules §2).
LEVEL_ALIASES = {"bingtuan": "provincial"}
#: A demonstration entry without an amount is paid "up to the cap": an unbounded request, capped by Art. 9.
AMOUNT_UP_TO_CAP = 2**62
#: No first-time selection at a level.
NO_SELECTION = -1


@dataclass(frozen=True)
class Commitment:
    """Money of the round that is not an enterprise award (Art. 11, 12, 13, 22)."""

    article: str
    label: str
    amount: int  # fen


@dataclass
class ApplicantTable:
    """One row per applicant, in input order."""

    ids: list[str]
    names: list[str]
    entity_type: npt.NDArray[np.int8]  # index into ENTITY_TYPES
    online_sales: IntArray
    total_sales: IntArray
    loan_interest_paid: IntArray
    promotion_fees: IntArray
    inland_warehouse_rent: IntArray
    parcels: IntArray
    demo_national: IntArray  # requested amount, NO_SELECTION or AMOUNT_UP_TO_CAP
    demo_provincial: IntArray
    local_brand_seller: BoolArray
    local_product_seller: BoolArray
    registered_in_jurisdiction: BoolArray
    credit_or_tax_violation_3y: BoolArray
    false_material_3y: BoolArray
    statistics_reported: BoolArray
    major_incident: BoolArray
    four_above_reward: BoolArray
    banned_until: IntArray  # date ordinal, 0 = none
    #: The bureau's adjustments (plan review): a line may be lowered, never raised. -1 = no limit.
    limits: dict[str, IntArray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class RoundFacts:
    sales_year: int
    as_of: dt.date
    annual_budget: int  # fen: budgets.total
    category_budgets: dict[str, int]  # fen, for lines 7, 8 and 10
    commitments: tuple[Commitment, ...]
    interpretation: Interpretation
    applicants: ApplicantTable
    _index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def commitments_total(self) -> int:
        return sum(c.amount for c in self.commitments)

    def position_of(self, applicant_id: str) -> int:
        if not self._index:
            self._index.update({aid: i for i, aid in enumerate(self.applicants.ids)})
        return self._index[applicant_id]


class LimitError(ValueError):
    pass


def with_limits(facts: RoundFacts, limits: Mapping[str, Mapping[str, int]]) -> RoundFacts:
    """The same round with the bureau's adjustments: {applicant id: {line: at most this many fen}}.

    An adjustment only ever lowers a line (the engine takes the smaller of the formula and the limit).
    Not part of the round file: the plan passes it from its recorded adjustments.
    """
    from alarfund.policy.entitlements import LINES

    n = len(facts.applicants)
    columns: dict[str, IntArray] = {}
    for applicant_id, lines in limits.items():
        try:
            position = facts.position_of(applicant_id)
        except KeyError:
            raise LimitError(f"no applicant {applicant_id!r} in the round") from None
        for line, fen in lines.items():
            if line not in LINES:
                raise LimitError(f"unknown line {line!r}")
            if isinstance(fen, bool) or not isinstance(fen, int) or fen < 0:
                raise LimitError(f"a limit is a non-negative amount in fen, not {fen!r}")
            column = columns.setdefault(line, np.full(n, -1, dtype=np.int64))
            column[position] = fen
    return replace(facts, applicants=replace(facts.applicants, limits=columns))
