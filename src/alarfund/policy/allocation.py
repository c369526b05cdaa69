"""Budgets and proration (Art. 3, 7, 8, 10) with exact-sum largest-remainder rounding (policy-rules §5).

A pool is a set of award lines (applicant, line) scaled together to a target. Each line's exact share is
rounded down to the unit; the units still missing go one each to the lines with the largest remainders,
ties to the smaller applicant id (string order) and then the earlier line (5.1, 5.2, 6, 7, 8, 9, 10).
No line ever ends above its amount before scaling, and the pool's total equals the target exactly.

Arithmetic is exact: integer numpy arrays where the products fit in 64 bits, Python integers (object
arrays) where they might not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from alarfund.policy.facts import IntArray

_SAFE = 2**62


class AllocationError(RuntimeError):
    """The target cannot be met under the ceilings (a programming error: callers check feasibility)."""


@dataclass(frozen=True)
class Pool:
    """Lines scaled together: their amounts, and who and which line each is (for tie-breaking)."""

    amounts: IntArray  # fen, each > 0
    applicant: npt.NDArray[np.intp]  # index into the round's applicants
    line: npt.NDArray[np.intp]  # index into LINES

    @property
    def total(self) -> int:
        return int(self.amounts.sum())


def _exact(values: npt.NDArray, *factors: int) -> npt.NDArray:
    """`values` as an array whose products with `factors` cannot overflow (object dtype if needed)."""
    biggest = int(values.max(initial=0))
    for factor in factors:
        biggest *= max(abs(factor), 1)
    if biggest < _SAFE:
        return values.astype(np.int64)
    return values.astype(object)


def _take_top(
    remainders: npt.NDArray, count: int, pool: Pool, candidates: npt.NDArray[np.intp], ids: Sequence[str]
) -> npt.NDArray[np.intp]:
    """The `count` candidates with the largest remainders; ties by applicant id, then line order."""
    values = remainders[candidates]
    cut = len(values) - count
    threshold = np.partition(values, cut)[cut]
    above = candidates[values > threshold]
    tied = candidates[values == threshold]
    need = count - len(above)
    tied_sorted = sorted(tied.tolist(), key=lambda j: (ids[int(pool.applicant[j])], int(pool.line[j])))
    return np.concatenate([above, np.array(tied_sorted[:need], dtype=np.intp)])


def distribute(
    numerators: npt.NDArray,
    denominator: int,
    ceilings: IntArray,
    target: int,
    unit: int,
    pool: Pool,
    ids: Sequence[str],
) -> IntArray:
    """Exact shares numerators/denominator (fen), summing to `target`, rounded to `unit` by largest
    remainder, never above `ceilings`. `target` must be a multiple of `unit`."""
    step = denominator * unit
    amounts = np.minimum((numerators // step) * unit, ceilings)
    remainders = numerators - amounts * denominator
    missing = (target - int(amounts.sum())) // unit
    while missing > 0:
        candidates = np.flatnonzero(amounts + unit <= ceilings)
        if len(candidates) == 0:
            raise AllocationError("the pool cannot reach its target under the ceilings")
        if missing >= len(candidates):
            chosen = candidates
        else:
            chosen = _take_top(remainders, missing, pool, candidates, ids)
        amounts[chosen] += unit
        remainders[chosen] -= step
        missing -= len(chosen)
    return np.asarray(amounts, dtype=np.int64)


def scale_awards(pool: Pool, target: int, unit: int, ids: Sequence[str]) -> IntArray:
    """I4 `scale_awards` (and the annual cap): every line × target / total, exact sum."""
    total = pool.total
    if total <= target:
        return pool.amounts.copy()
    amounts = _exact(pool.amounts, target)
    return distribute(amounts * target, total, pool.amounts, target, unit, pool, ids)


@dataclass(frozen=True)
class RateSolution:
    rate: Fraction  # the lowered rate r (per fen of base, or fen per parcel)
    amounts: IntArray


def scale_rate(
    pool: Pool, bases: IntArray, cap: int, target: int, unit: int, ids: Sequence[str]
) -> RateSolution:
    """I4 `scale_rate`: lower the statutory rate to the single r with Σ min(r × base, cap) = target,
    then round those exact amounts by largest remainder (never above the line's entitlement).

    Water-filling: start with no line capped, solve r on the uncapped lines, mark the lines that r caps,
    repeat until the capped set stops growing (at most once per line).
    """
    b = bases.astype(object)
    capped = np.zeros(len(b), dtype=np.bool_)
    for _ in range(len(b) + 1):
        free_base = int(b[~capped].sum())
        capped_total = cap * int(capped.sum())
        if free_base == 0:
            break
        rate = Fraction(target - capped_total, free_base)
        now_capped = (target - capped_total) * b >= cap * free_base
        if np.array_equal(now_capped, capped):
            break
        capped = now_capped | capped
    else:  # pragma: no cover - the capped set grows at least by one line per round
        raise AllocationError("the rate did not converge")
    if free_base == 0:
        rate = Fraction(cap, 1) / max(int(b.min(initial=1)), 1)
        numerators = np.full(len(b), cap, dtype=object)
        denominator = 1
    else:
        numerators = np.where(capped, cap * free_base, (target - capped_total) * b)
        denominator = free_base
    amounts = distribute(numerators, denominator, pool.amounts, target, unit, pool, ids)
    return RateSolution(rate=rate, amounts=amounts)
