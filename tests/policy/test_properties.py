"""Property tests of the policy engine on random rounds (policy-rules §3–§6, round-file.md §Output).

The rounds are realistic mixes: figures clustered on the measure's thresholds and caps (exactly on them, a
fen or a yuan either side, nearby, or anywhere), failed eligibility checks, demonstrations, random switch
settings, budgets sometimes small enough to bind, and commitments. Every property is checked on the plan
as the round file prints it (`plan_dict`), not on the engine's internals.

`reference_plan` re-derives the whole plan from the spec text alone (Fractions, no numpy, nothing imported
from the engine) so that the engine is compared line by line with an independent reading of §3–§6.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from decimal import Decimal
from fractions import Fraction
from math import floor
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alarfund.policy.engine import compute_round
from alarfund.policy.report import plan_dict, plan_json_chunks
from alarfund.policy.roundfile import parse_round

Y = 100  # fen per yuan; every figure below is in fen unless it says otherwise
LINES = ("5.1", "5.2", "6", "7", "8", "9", "10")
BUDGETED = ("7", "8", "10")
UNBUDGETED = ("5.1", "5.2", "6", "9")
#: Per-applicant ceilings of policy-rules §4 (6 is a fixed tier reward, 9 is national + provincial).
CAPS = {
    "5.1": 50_000 * Y,
    "5.2": 20_000 * Y,
    "6": 150_000 * Y,
    "7": 50_000 * Y,
    "8": 60_000 * Y,
    "9": (60_000 + 30_000) * Y,
    "10": 80_000 * Y,
}
DEFAULT_BUDGETS = {"total": 5_000_000 * Y, "7": 1_000_000 * Y, "8": 600_000 * Y, "10": 1_600_000 * Y}
MAX_INPUT = 10**12 * Y  # policy-rules §1: the largest accepted amount
SWITCHES = {  # policy-rules §6, default first
    "art5_threshold": ("exclusive", "inclusive"),
    "art7_threshold": ("exclusive", "inclusive"),
    "art19_scope": ("article", "item"),
    "proration": ("scale_awards", "scale_rate"),
    "rounding_unit": ("0.01", "1"),
    "sales_basis": ("online", "total"),
    "annual_cap": ("scale_unbudgeted", "scale_all"),
}
#: policy-rules §3, in the table's order: (code, flag, value that fails the check).
CHECKS = (
    ("NOT_REGISTERED", "registered_in_jurisdiction", False),
    ("NOT_LEGAL_PERSON", "entity_type", "branch"),
    ("CREDIT_OR_TAX_VIOLATION", "credit_or_tax_violation_3y", True),
    ("FALSE_MATERIAL_RECORD", "false_material_3y", True),
    ("STATISTICS_NOT_REPORTED", "statistics_reported", False),
    ("MAJOR_INCIDENT", "major_incident", True),
    ("BANNED", "banned_until", None),  # a date on or after the as-of date
    ("FOUR_ABOVE_CONFLICT", "four_above_reward", True),
)
FLAG_DEFAULTS = {
    "registered_in_jurisdiction": True,
    "credit_or_tax_violation_3y": False,
    "false_material_3y": False,
    "statistics_reported": True,
    "major_incident": False,
    "four_above_reward": False,
}
MONEY_TEXT = re.compile(r"\d+\.\d{2}")
HALF_MILLIONTH = Decimal("0.0000005")  # `factor` has 6 decimals

SALES_POINTS = (1_000_000 * Y, 5_000_000 * Y, 10_000_000 * Y, 20_000_000 * Y)
INTEREST_POINTS = (6_666_667, 10_000 * Y)  # 66,666.67 reaches the 5.2 cap of 20,000; 10,000
FEE_POINTS = (50_000 * Y, 33_333_333)  # the Art. 7 threshold; 333,333.33 reaches the 50,000 cap
RENT_POINTS = (200_000 * Y, 50_000 * Y)  # 200,000 reaches the 60,000 cap
PARCEL_POINTS = (50_000, 160_000)  # counts: the Art. 10 threshold; 160,000 reaches the 80,000 cap
DEMO_POINTS = (30_000 * Y, 60_000 * Y)


# -- generators ----------------------------------------------------------------------------------------


def near(points: tuple[int, ...], spread: int, offsets: tuple[int, ...] = (-Y, -1, 0, 1, Y)) -> Any:
    """Non-negative figures on a threshold, a fen or a yuan either side, nearby, or anywhere below 2×max."""
    return st.one_of(
        st.just(0),
        st.builds(lambda p, d: max(p + d, 0), st.sampled_from(points), st.sampled_from(offsets)),
        st.builds(lambda p, d: max(p + d, 0), st.sampled_from(points), st.integers(-spread, spread)),
        st.integers(0, 2 * max(points)),
    )


SALES = near(SALES_POINTS, 2_000_000 * Y)
INTEREST = near(INTEREST_POINTS, 20_000 * Y)
FEES = near(FEE_POINTS, 30_000 * Y)
RENT = near(RENT_POINTS, 100_000 * Y)
PARCELS = near(PARCEL_POINTS, 30_000, offsets=(-1, 0, 1))
DEMO_AMOUNT = near(DEMO_POINTS, 10_000 * Y)


def money_text(fen: int, short: bool) -> str:
    """A money figure as the round file carries it: '1234.50', or '1234' for a whole yuan."""
    if short and fen % Y == 0:
        return str(fen // Y)
    return f"{fen // Y}.{fen % Y:02d}"


def fen_of(value: object) -> int:
    return int(Decimal(str(value)) * Y)


@st.composite
def applicants(draw: Any, applicant_id: str, as_of: dt.date) -> dict[str, Any]:
    short = draw(st.booleans())
    a: dict[str, Any] = {"id": applicant_id}
    if draw(st.booleans()):
        a["name"] = f"{applicant_id} 电商有限公司"
    entity = draw(st.sampled_from(("enterprise",) * 8 + ("individual",) * 3 + ("branch",)))
    if entity != "enterprise" or draw(st.booleans()):
        a["entity_type"] = entity
    online = draw(SALES)
    if online or draw(st.booleans()):
        a["online_sales"] = money_text(online, short)
    total_choice = draw(st.sampled_from(("absent", "above_online", "independent")))
    if total_choice == "above_online":
        a["total_sales"] = money_text(online + draw(st.integers(0, 6_000_000 * Y)), short)
    elif total_choice == "independent":
        a["total_sales"] = money_text(draw(SALES), short)
    for field, strategy in (
        ("loan_interest_paid", INTEREST),
        ("promotion_fees", FEES),
        ("inland_warehouse_rent", RENT),
    ):
        value = draw(strategy)
        if value or draw(st.booleans()):
            a[field] = money_text(value, short)
    parcels = draw(PARCELS)
    if parcels or draw(st.booleans()):
        a["parcels"] = parcels
    for flag in ("local_brand_seller", "local_product_seller"):
        value = draw(st.booleans())
        if value or draw(st.booleans()):
            a[flag] = value
    if draw(st.booleans()):
        a["demonstrations"] = draw(
            st.lists(
                st.fixed_dictionaries(
                    {"level": st.sampled_from(("national", "provincial", "bingtuan"))},
                    optional={
                        "first_time": st.booleans(),
                        "amount": DEMO_AMOUNT.map(lambda fen: money_text(fen, False)),
                    },
                ),
                max_size=3,
            )
        )
    for flag, default in FLAG_DEFAULTS.items():
        value = draw(st.sampled_from((default,) * 24 + (not default,)))
        if value != default or draw(st.booleans()):
            a[flag] = value
    banned = draw(st.sampled_from(("absent",) * 12 + ("null", "past", "running")))
    if banned == "null":
        a["banned_until"] = None
    elif banned == "past":
        a["banned_until"] = (as_of - dt.timedelta(days=draw(st.integers(1, 800)))).isoformat()
    elif banned == "running":
        a["banned_until"] = (as_of + dt.timedelta(days=draw(st.integers(0, 800)))).isoformat()
    return a


#: Ids whose string order differs from their number order (A10 < A9), for the largest-remainder ties.
IDS = st.sampled_from([f"{prefix}{k}" for prefix in ("A", "B", "E-", "企") for k in range(121)])


@st.composite
def rounds(
    draw: Any, min_applicants: int = 0, max_applicants: int = 40, huge_budgets: bool = False
) -> dict[str, Any]:
    year = draw(st.sampled_from((2025, 2026, 2027)))
    doc: dict[str, Any] = {"sales_year": year}
    as_of = dt.date(year + 1, 3, 31)
    if draw(st.booleans()):
        as_of += dt.timedelta(days=draw(st.integers(-120, 400)))
        doc["as_of"] = as_of.isoformat()

    interpretation = {
        name: draw(st.sampled_from(options)) for name, options in SWITCHES.items() if draw(st.booleans())
    }
    if interpretation or draw(st.booleans()):
        doc["interpretation"] = interpretation
    whole_yuan = interpretation.get("rounding_unit") == "1"

    budgets: dict[str, str] = {}
    for key, default in DEFAULT_BUDGETS.items():
        kind = "huge" if huge_budgets else draw(st.sampled_from(("default", "small", "near", "huge")))
        if kind == "default":
            continue
        if kind == "huge":
            fen = MAX_INPUT
        elif kind == "small":
            fen = draw(st.integers(0, default // 4 // Y)) * Y
        else:
            fen = draw(st.integers(default * 7 // 10 // Y, default * 13 // 10 // Y)) * Y
        if not whole_yuan and kind != "huge" and draw(st.booleans()):
            fen += draw(st.integers(1, 99))
        budgets[key] = money_text(fen, draw(st.booleans()))
    if budgets or draw(st.booleans()):
        doc["budgets"] = budgets

    annual = fen_of(budgets["total"]) if "total" in budgets else DEFAULT_BUDGETS["total"]
    limits = {"11": None, "12": 120_000 * Y, "13": 200_000 * Y, "22": None}
    commitments = []
    left = annual
    for _ in range(draw(st.integers(0, 3))):
        article = draw(st.sampled_from(tuple(limits)))
        room = left if limits[article] is None else min(left, limits[article])
        if huge_budgets:  # "no budget binding" includes the annual cap: commitments stay realistic
            room = min(room, 1_000_000 * Y)
        fen = draw(st.integers(0, room // Y)) * Y if whole_yuan else draw(st.integers(0, room))
        if limits[article] is not None:
            limits[article] -= fen
        left -= fen
        commitments.append(
            {"article": article, "label": f"第{article}条事项", "amount": money_text(fen, True)}
        )
    if commitments or draw(st.booleans()):
        doc["commitments"] = commitments

    n = draw(st.integers(min_applicants, max_applicants))
    ids = draw(st.lists(IDS, min_size=n, max_size=n, unique=True))
    doc["applicants"] = [draw(applicants(applicant_id, as_of)) for applicant_id in ids]
    return doc


def run(doc: dict[str, Any]) -> dict[str, Any]:
    facts, params = parse_round(copy.deepcopy(doc))
    return plan_dict(compute_round(facts, params))


def switch(doc: dict[str, Any], name: str) -> str:
    return doc.get("interpretation", {}).get(name, SWITCHES[name][0])


def unit_of(doc: dict[str, Any]) -> int:
    return Y if switch(doc, "rounding_unit") == "1" else 1


def budget_of(doc: dict[str, Any], key: str) -> int:
    budgets = doc.get("budgets", {})
    return fen_of(budgets[key]) if key in budgets else DEFAULT_BUDGETS[key]


def commitments_of(doc: dict[str, Any]) -> int:
    return sum(fen_of(c["amount"]) for c in doc.get("commitments", []))


def amounts_in(plan: dict[str, Any]) -> list[tuple[str, str]]:
    """Every money string in a plan, with where it is."""
    found = [("total", plan["total"]), ("commitments_total", plan["commitments_total"])]
    for line, category in plan["categories"].items():
        found += [(f"categories.{line}.{k}", v) for k, v in category.items() if k != "factor"]
    for a in plan["applicants"]:
        found.append((f"{a['id']}.total", a["total"]))
        for line in a["lines"]:
            found += [(f"{a['id']}.{line['article']}.{k}", line[k]) for k in ("entitled", "paid")]
    return found


EXAMPLES = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -- the reference reading of the spec -----------------------------------------------------------------


def half_up(x: Fraction, unit: int) -> int:
    """四舍五入 to the unit (policy-rules §1)."""
    return floor(x / unit + Fraction(1, 2)) * unit


def floor_to(x: Fraction | int, unit: int) -> int:
    return floor(Fraction(x) / unit) * unit


def above(figure: int, threshold: int, mode: str) -> bool:
    return figure >= threshold if mode == "inclusive" else figure > threshold


def reasons_of(a: dict[str, Any], as_of: dt.date) -> list[str]:
    failed = []
    for code, field, failing in CHECKS:
        if field == "entity_type":
            bad = a.get("entity_type", "enterprise") == failing
        elif field == "banned_until":
            bad = a.get("banned_until") is not None and dt.date.fromisoformat(a["banned_until"]) >= as_of
        else:
            bad = a.get(field, FLAG_DEFAULTS[field]) == failing
        if bad:
            failed.append(code)
    return failed


def entitlements_of(a: dict[str, Any], doc: dict[str, Any]) -> dict[str, int]:
    """policy-rules §4, per applicant, rounded half-up to the unit and capped."""
    unit = unit_of(doc)
    online = fen_of(a.get("online_sales", 0))
    total = fen_of(a["total_sales"]) if "total_sales" in a else online
    sales = online if switch(doc, "sales_basis") == "online" else total
    interest = fen_of(a.get("loan_interest_paid", 0))
    fees = fen_of(a.get("promotion_fees", 0))
    rent = fen_of(a.get("inland_warehouse_rent", 0))
    parcels = a.get("parcels", 0)
    art5 = above(online, 1_000_000 * Y, switch(doc, "art5_threshold"))

    e = dict.fromkeys(LINES, 0)
    if art5:
        e["5.1"] = half_up(Fraction(50_000 * Y), unit)
        e["5.2"] = min(half_up(Fraction(3, 10) * interest, unit), CAPS["5.2"])
    if a.get("local_brand_seller", False):
        for lower, reward in ((5_000_000, 50_000), (10_000_000, 100_000), (20_000_000, 150_000)):
            if sales >= lower * Y:
                e["6"] = reward * Y
    if a.get("local_product_seller", False) and above(fees, 50_000 * Y, switch(doc, "art7_threshold")):
        e["7"] = min(half_up(Fraction(15, 100) * fees, unit), CAPS["7"])
    if sales >= 5_000_000 * Y:
        e["8"] = min(half_up(Fraction(30, 100) * rent, unit), CAPS["8"])
    best: dict[str, int] = {}
    for entry in a.get("demonstrations", []):
        if entry.get("first_time", True):
            level = "provincial" if entry["level"] == "bingtuan" else entry["level"]
            requested = fen_of(entry["amount"]) if "amount" in entry else MAX_INPUT
            best[level] = max(best.get(level, 0), requested)
    for level, cap in (("national", 60_000 * Y), ("provincial", 30_000 * Y)):
        if level in best:
            e["9"] += half_up(Fraction(min(best[level], cap)), unit)
    if parcels >= 50_000:
        e["10"] = min(half_up(Fraction(parcels, 2) * Y, unit), CAPS["10"])
    return e


def art19_losers(e: dict[str, int], scope: str) -> set[str]:
    """Art. 19: 5 and 6 are not both paid; the higher is, 6 on a tie (I3 decides what is compared)."""
    art5 = e["5.1"] + (e["5.2"] if scope == "article" else 0)
    if e["5.1"] <= 0 or e["6"] <= 0:
        return set()
    if e["6"] >= art5:
        return {"5.1", "5.2"} if scope == "article" else {"5.1"}
    return {"6"}


def largest_remainder(
    exact: dict[tuple[str, int], Fraction], ceilings: dict[tuple[str, int], int], target: int, unit: int
) -> dict[tuple[str, int], int]:
    """§5: round each exact share down to the unit, then one unit each to the largest remainders (ties:
    smaller id in string order, then line order) until the sum is the target; never above the ceiling."""
    amounts = {k: min(floor_to(v, unit), ceilings[k]) for k, v in exact.items()}
    remainders = {k: exact[k] - amounts[k] for k in exact}
    missing = (target - sum(amounts.values())) // unit
    while missing > 0:
        candidates = [k for k in exact if amounts[k] + unit <= ceilings[k]]
        assert candidates, "target unreachable under the ceilings"
        chosen = min(candidates, key=lambda k: (-remainders[k], k))
        amounts[chosen] += unit
        remainders[chosen] -= unit
        missing -= 1
    return amounts


def single_rate(bases: list[int], cap: int, target: int) -> Fraction:
    """I4 scale_rate: the r with Σ min(r × base, cap) = target (the top k bases capped)."""
    ordered = sorted(bases, reverse=True)
    for k in range(len(ordered)):
        r = Fraction(target - k * cap, sum(ordered[k:]))
        if r * ordered[k] <= cap and (k == 0 or r * ordered[k - 1] >= cap):
            return r
    raise AssertionError("no single rate fits the budget")


def reference_plan(doc: dict[str, Any]) -> dict[str, Any]:
    """The whole plan from policy-rules §3–§6 alone: per applicant, reasons and (entitled, excluded, paid)
    per line; per line id, the category's entitled and paid totals."""
    unit = unit_of(doc)
    year = doc["sales_year"]
    as_of = dt.date.fromisoformat(doc["as_of"]) if doc.get("as_of") else dt.date(year + 1, 3, 31)
    people: dict[str, dict[str, Any]] = {}
    after: dict[tuple[str, int], int] = {}
    bases: dict[tuple[str, int], int] = {}
    for a in doc["applicants"]:
        reasons = reasons_of(a, as_of)
        e = {} if reasons else {line: v for line, v in entitlements_of(a, doc).items() if v > 0}
        losers = art19_losers({line: e.get(line, 0) for line in LINES}, switch(doc, "art19_scope"))
        people[a["id"]] = {"reasons": reasons, "entitled": e, "excluded": losers}
        for line, amount in e.items():
            if line not in losers:
                key = (a["id"], LINES.index(line))
                after[key] = amount
                bases[key] = {
                    "7": fen_of(a.get("promotion_fees", 0)),
                    "8": fen_of(a.get("inland_warehouse_rent", 0)),
                    "10": a.get("parcels", 0),
                }.get(line, 0)

    def keys_of(lines: tuple[str, ...]) -> list[tuple[str, int]]:
        return [k for k in after if LINES[k[1]] in lines]

    entitled_total = {line: sum(after[k] for k in keys_of((line,))) for line in LINES}
    for line in BUDGETED:
        keys = keys_of((line,))
        total = entitled_total[line]
        target = floor_to(budget_of(doc, line), unit)
        if total <= target:
            continue
        if switch(doc, "proration") == "scale_awards":
            exact = {k: Fraction(after[k] * target, total) for k in keys}
        else:
            r = single_rate([bases[k] for k in keys], CAPS[line], target)
            exact = {k: min(r * bases[k], CAPS[line]) for k in keys}
        after.update(largest_remainder(exact, {k: after[k] for k in keys}, target, unit))

    paid = dict(after)
    available = floor_to(budget_of(doc, "total") - commitments_of(doc), unit)
    if sum(paid.values()) > available:
        if switch(doc, "annual_cap") == "scale_all":
            pool, target = keys_of(LINES), available
        else:
            budgeted = sum(paid[k] for k in keys_of(BUDGETED))
            if budgeted <= available:
                pool, target = keys_of(UNBUDGETED), available - budgeted
            else:
                pool, target = keys_of(BUDGETED), available
                paid.update(dict.fromkeys(keys_of(UNBUDGETED), 0))
        total = sum(paid[k] for k in pool)
        if total > target:
            exact = {k: Fraction(paid[k] * target, total) for k in pool}
            paid.update(largest_remainder(exact, {k: paid[k] for k in pool}, target, unit))

    for applicant_id, person in people.items():
        person["paid"] = {line: paid.get((applicant_id, LINES.index(line)), 0) for line in person["entitled"]}
    categories = {
        line: (entitled_total[line], sum(paid[k] for k in keys_of((line,))))
        for line in LINES
        if entitled_total[line] > 0
    }
    return {"applicants": people, "categories": categories, "available": available}


# -- properties ----------------------------------------------------------------------------------------


@EXAMPLES
@given(rounds())
def test_every_round_keeps_the_invariants(doc: dict[str, Any]) -> None:
    """Caps, paid ≤ entitled, Art. 19, budgets met exactly, the annual cap, sums, ineligible applicants,
    and the output form (two decimals; whole yuan with rounding_unit 1), checked on the plan alone."""
    plan = run(doc)
    unit = unit_of(doc)
    available = budget_of(doc, "total") - commitments_of(doc)

    # Output form: exactly two decimals everywhere; whole yuan when the unit is 1 yuan.
    for where, text in amounts_in(plan):
        assert isinstance(text, str) and MONEY_TEXT.fullmatch(text), (where, text)
        if unit == Y:
            assert text.endswith(".00"), (where, text)
    assert plan["interpretation"] == {name: switch(doc, name) for name in SWITCHES}

    by_line_paid = dict.fromkeys(LINES, 0)
    by_line_entitled = dict.fromkeys(LINES, 0)
    round_total = 0
    assert [a["id"] for a in plan["applicants"]] == [a["id"] for a in doc["applicants"]]
    for a in plan["applicants"]:
        total = fen_of(a["total"])
        round_total += total
        if not a["eligible"]:
            assert a["reasons"] and a["lines"] == [] and a["total"] == "0.00", a
            continue
        assert a["reasons"] == []
        articles = [line["article"] for line in a["lines"]]
        assert articles == sorted(set(articles), key=LINES.index), a  # each line once, in line order
        assert total == sum(fen_of(line["paid"]) for line in a["lines"]), a
        listed = {line["article"]: line for line in a["lines"]}
        for article, line in listed.items():
            entitled, paid = fen_of(line["entitled"]), fen_of(line["paid"])
            assert 0 < entitled <= CAPS[article], (a["id"], line)
            assert 0 <= paid <= entitled, (a["id"], line)
            assert isinstance(line["explanation"], str) and line["explanation"], line
            if line["excluded"]:
                assert paid == 0, (a["id"], line)
                assert "第十九条" in line["explanation"]
            else:
                by_line_paid[article] += paid
                by_line_entitled[article] += entitled
        # Art. 19: never both Art. 5 and Art. 6, and the loser is the lower (Art. 6 wins a tie).
        paid_lines = {k for k, line in listed.items() if not line["excluded"]}
        if "6" in listed and "5.1" in listed:
            assert ("6" in paid_lines) != ("5.1" in paid_lines), a
            compared = fen_of(listed["5.1"]["entitled"])
            if switch(doc, "art19_scope") == "article" and "5.2" in listed:
                compared += fen_of(listed["5.2"]["entitled"])
                assert ("5.2" in paid_lines) == ("5.1" in paid_lines), a
            assert ("6" in paid_lines) == (fen_of(listed["6"]["entitled"]) >= compared), a
        if switch(doc, "art19_scope") == "item" and "5.2" in listed:
            assert not listed["5.2"]["excluded"], a

    assert fen_of(plan["total"]) == round_total
    assert fen_of(plan["commitments_total"]) == commitments_of(doc)
    assert round_total <= available, (round_total, available)

    # Categories: entitled and paid sums of the non-excluded lines; budgets; factor only when reduced.
    assert list(plan["categories"]) == [line for line in LINES if by_line_entitled[line] > 0]
    for line, category in plan["categories"].items():
        entitled, paid = fen_of(category["entitled"]), fen_of(category["paid"])
        assert entitled == by_line_entitled[line] and paid == by_line_paid[line], (line, category)
        assert ("budget" in category) == (line in BUDGETED), (line, category)
        assert ("factor" in category) == (paid < entitled), (line, category)
        if "factor" in category:
            assert abs(Decimal(category["factor"]) - Decimal(paid) / Decimal(entitled)) <= HALF_MILLIONTH
        if line in BUDGETED:
            budget = budget_of(doc, line)
            assert fen_of(category["budget"]) == budget
            assert paid <= budget, (line, category)

    # A binding budget is met to the fen, unless the annual cap then cut the category further (I7).
    after_budget = {
        line: min(by_line_entitled[line], budget_of(doc, line))
        if line in BUDGETED
        else by_line_entitled[line]
        for line in LINES
    }
    requested = sum(after_budget.values())
    if requested <= available:
        assert round_total == requested
        for line in BUDGETED:
            if by_line_entitled[line] > budget_of(doc, line):
                assert by_line_paid[line] == budget_of(doc, line), (line, plan["categories"][line])
    else:  # the annual cap binds: the round uses exactly what is left after commitments
        assert round_total == floor_to(available, unit), (round_total, available)


@EXAMPLES
@given(rounds())
def test_the_plan_matches_a_reading_of_the_spec(doc: dict[str, Any]) -> None:
    """Line by line, the engine equals `reference_plan` (entitlements, Art. 19, I1–I7, §5 rounding)."""
    plan = run(doc)
    expected = reference_plan(doc)
    for a in plan["applicants"]:
        want = expected["applicants"][a["id"]]
        assert a["reasons"] == want["reasons"], a["id"]
        got = {
            line["article"]: (fen_of(line["entitled"]), line["excluded"], fen_of(line["paid"]))
            for line in a["lines"]
        }
        assert got == {
            line: (amount, line in want["excluded"], want["paid"][line])
            for line, amount in want["entitled"].items()
        }, a["id"]
    got_categories = {
        line: (fen_of(c["entitled"]), fen_of(c["paid"])) for line, c in plan["categories"].items()
    }
    assert got_categories == expected["categories"]


FIGURES = (
    "online_sales",
    "total_sales",
    "loan_interest_paid",
    "promotion_fees",
    "inland_warehouse_rent",
    "parcels",
    "demonstration",
)
FIGURE_POINTS = {
    "online_sales": SALES_POINTS,
    "total_sales": SALES_POINTS,
    "loan_interest_paid": INTEREST_POINTS,
    "promotion_fees": FEE_POINTS,
    "inland_warehouse_rent": RENT_POINTS,
    "parcels": PARCEL_POINTS,
    "demonstration": DEMO_POINTS,
}


@EXAMPLES
@given(st.data())
def test_more_of_any_figure_never_lowers_the_applicant_total(data: Any) -> None:
    """With no budget binding, raising one figure of one applicant never lowers its total (Art. 19 pays the
    higher of 5 and 6, so crossing into Art. 6 cannot cost anything), and no one else's total moves."""
    doc = data.draw(rounds(min_applicants=1, max_applicants=8, huge_budgets=True), label="round")
    index = data.draw(st.integers(0, len(doc["applicants"]) - 1), label="applicant")
    field = data.draw(st.sampled_from(FIGURES), label="figure")
    bigger = copy.deepcopy(doc)
    a = bigger["applicants"][index]
    demos = [d for d in a.get("demonstrations", []) if "amount" in d]
    if field == "demonstration" and not demos:
        field = "parcels"

    if field == "parcels":
        old = a.get("parcels", 0)
    elif field == "demonstration":
        entry = data.draw(st.sampled_from(demos), label="entry")
        old = fen_of(entry["amount"])
    elif field == "total_sales" and "total_sales" not in a:
        old = fen_of(a.get("online_sales", 0))  # the default: total sales = online sales
    else:
        old = fen_of(a.get(field, 0))
    jumps = [p + d - old for p in FIGURE_POINTS[field] for d in (-1, 0, 1) if p + d > old]
    steps = st.one_of(st.integers(1, 100), st.integers(1, 3 * max(FIGURE_POINTS[field])))
    if jumps:
        steps = st.one_of(st.sampled_from(jumps), steps)
    new = old + data.draw(steps, label="increase")
    if field == "parcels":
        a["parcels"] = new
    elif field == "demonstration":
        entry["amount"] = money_text(new, False)
    else:
        a[field] = money_text(new, False)

    before = {x["id"]: fen_of(x["total"]) for x in run(doc)["applicants"]}
    after = {x["id"]: fen_of(x["total"]) for x in run(bigger)["applicants"]}
    who = a["id"]
    assert after[who] >= before[who], (field, old, new, before[who], after[who])
    assert {k: v for k, v in after.items() if k != who} == {k: v for k, v in before.items() if k != who}


@EXAMPLES
@given(st.data())
def test_shuffling_applicants_changes_nothing_but_the_order(data: Any) -> None:
    doc = data.draw(rounds(), label="round")
    order = data.draw(st.permutations(range(len(doc["applicants"]))), label="order")
    shuffled = {**doc, "applicants": [doc["applicants"][k] for k in order]}
    plan, other = run(doc), run(shuffled)
    assert [a["id"] for a in other["applicants"]] == [a["id"] for a in shuffled["applicants"]]
    assert {a["id"]: a for a in other["applicants"]} == {a["id"]: a for a in plan["applicants"]}
    assert {k: v for k, v in other.items() if k != "applicants"} == {
        k: v for k, v in plan.items() if k != "applicants"
    }
    # The same input gives byte-identical output, and the streamed JSON is the same document.
    facts, params = parse_round(copy.deepcopy(doc))
    text = "".join(plan_json_chunks(compute_round(facts, params)))
    facts, params = parse_round(copy.deepcopy(doc))
    assert "".join(plan_json_chunks(compute_round(facts, params))) == text
    assert json.loads(text) == plan


# -- the worked example of policy-rules §5 ---------------------------------------------------------------


@pytest.mark.parametrize("proration", ["scale_awards", "scale_rate"])
def test_worked_example_express_budget_exact_sum(proration: str) -> None:
    """21 applicants × 160,000 parcels: 80,000 each, 1,680,000 > 1,600,000. Each line 76,190.476… rounds
    down to 76,190.47; the 13 fen left go to the 13 smallest ids in string order (E1, E10 … E19, E2, E20);
    the category pays exactly 1,600,000.00. Input order is scrambled: it must not matter."""
    ids = [f"E{k}" for k in range(1, 22)]
    scrambled = ids[10:] + ids[:10][::-1]
    doc = {
        "sales_year": 2025,
        "interpretation": {"proration": proration},
        "applicants": [{"id": i, "parcels": 160_000} for i in scrambled],
    }
    plan = run(doc)
    lucky = sorted(ids)[:13]
    assert lucky == ["E1", "E10", "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E18", "E19", "E2", "E20"]
    for a in plan["applicants"]:
        (line,) = a["lines"]
        assert (line["article"], line["entitled"]) == ("10", "80000.00")
        assert line["paid"] == ("76190.48" if a["id"] in lucky else "76190.47"), a["id"]
        assert a["total"] == line["paid"]
    assert plan["categories"]["10"] == {
        "entitled": "1680000.00",
        "budget": "1600000.00",
        "paid": "1600000.00",
        "factor": "0.952381",
    }
    assert plan["total"] == "1600000.00"


def test_worked_example_in_whole_yuan() -> None:
    """The same round with rounding_unit 1: 76,190 each (1,599,990), 10 yuan left for the 10 smallest ids."""
    ids = [f"E{k:02d}" for k in range(1, 22)]
    doc = {
        "sales_year": 2026,
        "interpretation": {"rounding_unit": "1"},
        "applicants": [{"id": i, "parcels": 160_000} for i in reversed(ids)],
    }
    plan = run(doc)
    paid = {a["id"]: a["lines"][0]["paid"] for a in plan["applicants"]}
    assert paid == {i: "76191.00" if i <= "E10" else "76190.00" for i in ids}
    assert plan["categories"]["10"]["paid"] == "1600000.00"
