"""Exact-sum largest-remainder allocation (policy-rules §5)."""

from fractions import Fraction

import numpy as np
import pytest

from alarfund.policy.allocation import Pool, scale_awards, scale_rate


def pool(amounts, applicants=None, lines=None):
    n = len(amounts)
    return Pool(
        amounts=np.array(amounts, dtype=np.int64),
        applicant=np.array(applicants if applicants is not None else range(n), dtype=np.intp),
        line=np.array(lines if lines is not None else [0] * n, dtype=np.intp),
    )


def test_worked_example_express():
    ids = [f"A{i:03d}" for i in range(1, 22)]
    scaled = scale_awards(pool([8_000_000] * 21), 160_000_000, 1, ids)
    assert scaled.sum() == 160_000_000
    assert scaled.tolist() == [7_619_048] * 13 + [7_619_047] * 8


def test_ties_go_to_the_smaller_id_in_string_order():
    ids = ["A9", "A10", "A2"]  # string order: A10 < A2 < A9
    scaled = scale_awards(pool([100, 100, 100]), 200, 1, ids)
    assert dict(zip(ids, scaled.tolist(), strict=True)) == {"A10": 67, "A2": 67, "A9": 66}


def test_ties_within_one_applicant_follow_line_order():
    ids = ["A1"]
    scaled = scale_awards(pool([100, 100, 100], applicants=[0, 0, 0], lines=[5, 3, 0]), 200, 1, ids)
    # the same applicant: line 0 (5.1) first, then line 3 (7), then line 5 (9)
    assert scaled.tolist() == [66, 67, 67]


def test_largest_remainder_wins_before_ids():
    ids = ["A", "B"]
    scaled = scale_awards(pool([1, 3]), 2, 1, ids)  # exact 0.5 and 1.5: a tie -> A
    assert scaled.tolist() == [1, 1]
    scaled = scale_awards(pool([2, 5]), 3, 1, ids)  # exact 0.857 and 2.143 -> A gets the unit
    assert scaled.tolist() == [1, 2]


def test_unit_of_one_yuan():
    ids = ["A", "B", "C"]
    scaled = scale_awards(pool([100_00, 100_00, 100_00]), 200_00, 100, ids)
    assert scaled.tolist() == [6700, 6700, 6600]
    assert all(v % 100 == 0 for v in scaled.tolist())


def test_no_scaling_when_the_pool_fits():
    scaled = scale_awards(pool([5, 7]), 100, 1, ["A", "B"])
    assert scaled.tolist() == [5, 7]


def test_huge_amounts_use_exact_integers():
    big = 10**14  # products beyond 64 bits take the Python-integer path
    scaled = scale_awards(pool([big, big, big]), big, 1, ["A", "B", "C"])
    assert scaled.tolist() == [big // 3 + 1, big // 3, big // 3]
    assert sum(scaled.tolist()) == big


def test_scale_rate_keeps_small_lines_at_the_lowered_rate_and_caps_large_ones():
    # Art. 7 style: rate 15%, cap 50,000 yuan. Fees 100,000 / 200,000 / 1,000,000 yuan.
    cap = 5_000_000
    fees = np.array([10_000_000, 20_000_000, 100_000_000], dtype=np.int64)
    entitled = [1_500_000, 3_000_000, 5_000_000]  # 15,000 / 30,000 / 50,000 (capped)
    target = 7_000_000  # budget 70,000 < 95,000
    solution = scale_rate(pool(entitled), fees, cap, target, 1, ["A", "B", "C"])
    # r solves 100,000r + 200,000r + min(1,000,000r, 50,000) = 70,000 -> r = 0.2 is too high
    # (cap binds: 300,000r + 50,000 = 70,000 -> r = 1/15, and 1,000,000/15 = 66,667 > 50,000 ok)
    assert solution.rate == Fraction(1, 15)
    assert solution.amounts.tolist() == [666_667, 1_333_333, 5_000_000]
    assert solution.amounts.sum() == target


def test_scale_rate_all_uncapped_is_proportional():
    fees = np.array([10_000_000, 30_000_000], dtype=np.int64)
    solution = scale_rate(pool([1_500_000, 4_500_000]), fees, 5_000_000, 3_000_000, 1, ["A", "B"])
    assert solution.rate == Fraction(3, 40)
    assert solution.amounts.tolist() == [750_000, 2_250_000]


@pytest.mark.parametrize("target", [0, 1, 2, 99])
def test_small_targets(target):
    scaled = scale_awards(pool([50, 50, 50]), target, 1, ["A", "B", "C"])
    assert scaled.sum() == target
    assert (scaled <= 50).all()
