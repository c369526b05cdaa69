"""What each applicant is entitled to under Art. 5–10, before budgets (policy-rules §4), and Art. 19.

One function per legal concept; each works on whole columns at once and reads like its article. Amounts
are integer fen, rounded half-up to the round's unit (I5) and capped per applicant.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from alarfund.policy.facts import ApplicantTable, BoolArray, IntArray, RoundFacts
from alarfund.policy.interpretations import Interpretation
from alarfund.policy.money import round_half_up
from alarfund.policy.parameters import Parameters

#: The lines of an applicant's award, in the order used for output and for tie-breaking.
LINES: tuple[str, ...] = ("5.1", "5.2", "6", "7", "8", "9", "10")
BUDGETED_LINES: tuple[str, ...] = ("7", "8", "10")
UNBUDGETED_LINES: tuple[str, ...] = ("5.1", "5.2", "6", "9")


def above(figure: IntArray, threshold: int, mode: str) -> BoolArray:
    """A threshold the text words as "突破"/"超过": more than (exclusive) or at least (inclusive)."""
    return figure >= threshold if mode == "inclusive" else figure > threshold


def share(base: IntArray, rate: Fraction, unit: int) -> IntArray:
    """rate × base, rounded half-up (四舍五入) to the unit; exact integer arithmetic."""
    step = rate.denominator * unit
    return (2 * base * rate.numerator + step) // (2 * step) * unit


def round_to_unit(fen: IntArray, unit: int) -> IntArray:
    return (2 * fen + unit) // (2 * unit) * unit


def sales_for_scale(a: ApplicantTable, s: Interpretation) -> IntArray:
    """I6: "年销售额" in Art. 6 and 8 is the online-sales figure, or total sales per VAT returns."""
    return a.online_sales if s.sales_basis == "online" else a.total_sales


def breaks_one_million(a: ApplicantTable, p: Parameters, s: Interpretation) -> BoolArray:
    """Art. 5: "年网络线上销售额突破100万元" (I1 decides whether exactly 1,000,000 counts)."""
    return above(a.online_sales, p.art5_sales_threshold, s.art5_threshold)


def art5_1_sales_reward(a: ApplicantTable, p: Parameters, s: Interpretation) -> IntArray:
    """Art. 5(一) 销售额奖励: online sales above 1,000,000 earn a fixed 50,000."""
    reward = round_half_up(p.art5_sales_reward, 1, s.unit_fen)
    return np.where(breaks_one_million(a, p, s), reward, 0).astype(np.int64)


def art5_2_interest_subsidy(a: ApplicantTable, p: Parameters, s: Interpretation) -> IntArray:
    """Art. 5(二) 贷款贴息: with online sales above 1,000,000, 30% of the interest paid on operating
    bank loans, at most 20,000 per applicant."""
    subsidy = np.minimum(share(a.loan_interest_paid, p.art5_interest_rate, s.unit_fen), p.art5_interest_cap)
    return np.where(breaks_one_million(a, p, s), subsidy, 0).astype(np.int64)


def art6_tier(a: ApplicantTable, p: Parameters, s: Interpretation) -> IntArray:
    """Art. 6 做大做强: a seller of 师市 brand products on third-party platforms earns 50,000 / 100,000 /
    150,000 for annual sales in [5M, 10M) / [10M, 20M) / 20M and above (lower bounds inclusive)."""
    sales = sales_for_scale(a, s)
    reward = np.zeros(len(a), dtype=np.int64)
    for tier in p.art6_tiers:  # ascending: a higher tier overrides a lower one
        reward = np.where(sales >= tier.lower, round_half_up(tier.reward, 1, s.unit_fen), reward)
    return np.where(a.local_brand_seller, reward, 0).astype(np.int64)


def art7_traffic_support(a: ApplicantTable, p: Parameters, s: Interpretation) -> IntArray:
    """Art. 7 流量扶持: a seller of 师市 products whose promotion fees exceed 50,000 a year (I2) gets 15%
    of all its fees, at most 50,000."""
    qualifies = a.local_product_seller & above(a.promotion_fees, p.art7_fee_threshold, s.art7_threshold)
    subsidy = np.minimum(share(a.promotion_fees, p.art7_rate, s.unit_fen), p.art7_cap)
    return np.where(qualifies, subsidy, 0).astype(np.int64)


def art8_forward_warehouse(a: ApplicantTable, p: Parameters, s: Interpretation) -> IntArray:
    """Art. 8 前置仓: with annual sales of at least 5,000,000 (inclusive), 30% of the rent of a warehouse
    in a province outside Xinjiang, at most 60,000."""
    qualifies = sales_for_scale(a, s) >= p.art8_sales_threshold
    subsidy = np.minimum(share(a.inland_warehouse_rent, p.art8_rate, s.unit_fen), p.art8_cap)
    return np.where(qualifies, subsidy, 0).astype(np.int64)


def art9_demonstration(a: ApplicantTable, p: Parameters, s: Interpretation) -> IntArray:
    """Art. 9 直播电商示范: first-time selection as a national / provincial (兵团 included) case earns the
    bureau's amount, at most 60,000 / 30,000; one award per level, the two levels add up."""

    def award(requested: IntArray, cap: int) -> IntArray:
        capped = round_to_unit(np.minimum(requested, cap), s.unit_fen)
        return np.where(requested >= 0, capped, 0)

    national = award(a.demo_national, p.art9_national_cap)
    provincial = award(a.demo_provincial, p.art9_provincial_cap)
    return (national + provincial).astype(np.int64)


def art10_express(a: ApplicantTable, p: Parameters, s: Interpretation) -> IntArray:
    """Art. 10 快递补贴: 50,000 parcels or more (inclusive) earn 0.5 a parcel, at most 80,000."""
    subsidy = np.minimum(round_to_unit(a.parcels * p.art10_per_parcel, s.unit_fen), p.art10_cap)
    return np.where(a.parcels >= p.art10_parcel_threshold, subsidy, 0).astype(np.int64)


RULES = {
    "5.1": art5_1_sales_reward,
    "5.2": art5_2_interest_subsidy,
    "6": art6_tier,
    "7": art7_traffic_support,
    "8": art8_forward_warehouse,
    "9": art9_demonstration,
    "10": art10_express,
}


def formula_amounts(facts: RoundFacts, p: Parameters, eligible: BoolArray) -> dict[str, IntArray]:
    """Each line as the articles compute it; an ineligible applicant is entitled to nothing."""
    a, s = facts.applicants, facts.interpretation
    return {line: np.where(eligible, rule(a, p, s), 0).astype(np.int64) for line, rule in RULES.items()}


def apply_limits(formula: dict[str, IntArray], facts: RoundFacts) -> dict[str, IntArray]:
    """The bureau's adjustments lower a line, never raise it (floored to the rounding unit)."""
    unit = facts.interpretation.unit_fen
    entitled = dict(formula)
    for line, limit in facts.applicants.limits.items():
        capped = np.minimum(formula[line], limit // unit * unit)
        entitled[line] = np.where(limit >= 0, capped, formula[line]).astype(np.int64)
    return entitled


def entitlements(facts: RoundFacts, p: Parameters, eligible: BoolArray) -> dict[str, IntArray]:
    """Each line's entitlement per applicant, after the bureau's adjustments (if any)."""
    return apply_limits(formula_amounts(facts, p, eligible), facts)


def art19_exclusions(entitled: dict[str, IntArray], s: Interpretation) -> dict[str, BoolArray]:
    """Art. 19: Art. 5 and Art. 6 are not both paid; the higher is, and Art. 6 on an exact tie.

    I3 `article` compares 5.1 + 5.2 with 6 (the losing article's lines are excluded); `item` compares
    5.1 with 6 only and always keeps 5.2.
    """
    art6 = entitled["6"]
    if s.art19_scope == "article":
        art5 = entitled["5.1"] + entitled["5.2"]
        both = (art5 > 0) & (art6 > 0)
        art6_wins = both & (art6 >= art5)
        return {"5.1": art6_wins, "5.2": art6_wins, "6": both & ~art6_wins}
    both = (entitled["5.1"] > 0) & (art6 > 0)
    art6_wins = both & (art6 >= entitled["5.1"])
    return {"5.1": art6_wins, "5.2": np.zeros_like(both), "6": both & ~art6_wins}
