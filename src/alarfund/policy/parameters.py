"""Dated parameters: the measure's numbers, resolved for one sales year.

The values live in `parameters.toml` beside this file, each with its article, unit and validity range. An
amendment adds an entry; resolution picks, per key, the entry in force on 1 January of the sales year (the
latest `valid_from` wins where entries overlap). A sales year the file does not cover is an error.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from alarfund.policy.money import fen_from_decimal

DEFAULT_PARAMETERS_FILE = Path(__file__).with_name("parameters.toml")


#: Every key the engine reads; a parameters file without one of them is refused, never read as zero.
REQUIRED_KEYS = frozenset(
    {
        "policy.period_start",
        "policy.period_end",
        "art3.annual_cap",
        "art5.sales_threshold",
        "art5.sales_reward",
        "art5.interest_rate",
        "art5.interest_cap",
        "art6.tiers",
        "art7.fee_threshold",
        "art7.rate",
        "art7.cap",
        "art7.budget",
        "art8.sales_threshold",
        "art8.rate",
        "art8.cap",
        "art8.budget",
        "art9.national_cap",
        "art9.provincial_cap",
        "art10.parcel_threshold",
        "art10.per_parcel",
        "art10.cap",
        "art10.budget",
        "art12.big_data_fee",
        "art13.service_fee_cap",
        "art14.lookback_years",
        "art15.window_start",
        "art15.window_end",
        "art17.notice_working_days",
        "art20.ban_years",
    }
)


class ParameterError(ValueError):
    """The parameters file is malformed, or does not cover what was asked."""


class OutsidePolicyPeriod(ParameterError):
    """Art. 23: the sales year is outside the measure's period (or the parameters' coverage)."""

    def __init__(self, sales_year: int, period: str) -> None:
        super().__init__(f"sales year {sales_year} is outside the policy period {period} (Art. 23)")
        self.sales_year = sales_year
        self.period = period


@dataclass(frozen=True)
class ParameterEntry:
    key: str
    value: Any
    unit: str
    article: str
    note: str
    valid_from: dt.date
    valid_to: dt.date

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_to


@dataclass(frozen=True)
class Tier:
    """An Art. 6 tier: sales from `lower` (inclusive) up to the next tier's lower bound (exclusive)."""

    lower: int  # fen
    reward: int  # fen


@dataclass(frozen=True)
class Parameters:
    """The values in force for one sales year. Money in fen, rates as exact fractions."""

    sales_year: int
    period_start: dt.date
    period_end: dt.date
    annual_cap: int
    art5_sales_threshold: int
    art5_sales_reward: int
    art5_interest_rate: Fraction
    art5_interest_cap: int
    art6_tiers: tuple[Tier, ...]
    art7_fee_threshold: int
    art7_rate: Fraction
    art7_cap: int
    art7_budget: int
    art8_sales_threshold: int
    art8_rate: Fraction
    art8_cap: int
    art8_budget: int
    art9_national_cap: int
    art9_provincial_cap: int
    art10_parcel_threshold: int
    art10_per_parcel: int  # fen per parcel
    art10_cap: int
    art10_budget: int
    art12_big_data_fee: int
    art13_service_fee_cap: int
    art14_lookback_years: int
    art15_window_start: dt.date
    art15_window_end: dt.date
    art17_notice_working_days: int
    art20_ban_years: int
    entries: Mapping[str, ParameterEntry]

    def article_of(self, key: str) -> str:
        return self.entries[key].article

    @property
    def default_as_of(self) -> dt.date:
        """The round's as-of date when none is given: the end of the application window (Art. 15)."""
        return self.art15_window_end

    def category_budget(self, line: str) -> int:
        return {"7": self.art7_budget, "8": self.art8_budget, "10": self.art10_budget}[line]


def _to_date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise ParameterError(f"{where}: expected a date, got {value!r}")


class ParameterSet:
    """All dated entries of a parameters file."""

    def __init__(self, entries: list[ParameterEntry]) -> None:
        self._by_key: dict[str, list[ParameterEntry]] = {}
        for entry in entries:
            self._by_key.setdefault(entry.key, []).append(entry)

    @classmethod
    def from_file(cls, path: Path) -> ParameterSet:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
        entries = []
        for position, raw in enumerate(data.get("parameter", []), start=1):
            where = f"{path.name} entry {position} ({raw.get('key', '?')})"
            missing = {"key", "value", "unit", "article", "valid_from", "valid_to"} - raw.keys()
            if missing:
                raise ParameterError(f"{where}: missing {', '.join(sorted(missing))}")
            entries.append(
                ParameterEntry(
                    key=raw["key"],
                    value=raw["value"],
                    unit=raw["unit"],
                    article=str(raw["article"]),
                    note=raw.get("note", ""),
                    valid_from=_to_date(raw["valid_from"], where),
                    valid_to=_to_date(raw["valid_to"], where),
                )
            )
        return cls(entries)

    def entry(self, key: str, day: dt.date) -> ParameterEntry:
        candidates = [e for e in self._by_key.get(key, []) if e.covers(day)]
        if not candidates:
            raise ParameterError(f"no value of {key} is in force on {day.isoformat()}")
        return max(candidates, key=lambda e: e.valid_from)

    def for_sales_year(self, sales_year: int) -> Parameters:
        """Resolve every value for `sales_year`; outside the policy period is an error (Art. 23)."""
        first_day = dt.date(sales_year, 1, 1)
        last_day = dt.date(sales_year, 12, 31)
        try:
            start = self.entry("policy.period_start", first_day)
            end = self.entry("policy.period_end", first_day)
        except ParameterError:
            raise OutsidePolicyPeriod(sales_year, self._coverage()) from None
        period_start = _to_date(start.value, start.key)
        period_end = _to_date(end.value, end.key)
        if first_day < period_start or last_day > period_end:
            raise OutsidePolicyPeriod(sales_year, f"{period_start.year}–{period_end.year}")
        missing = sorted(REQUIRED_KEYS - self._by_key.keys())
        if missing:
            raise ParameterError(f"the parameters file has no value of {', '.join(missing)}")
        used = {key: self.entry(key, first_day) for key in self._by_key}

        def money(key: str) -> int:
            return fen_from_decimal(Decimal(str(used[key].value)))

        def rate(key: str) -> Fraction:
            return Fraction(Decimal(str(used[key].value)))

        def whole(key: str) -> int:
            value = used[key].value
            if not isinstance(value, int) or isinstance(value, bool):
                raise ParameterError(f"{key}: expected a whole number")
            return value

        def month_day(key: str) -> dt.date:
            month, day = (int(part) for part in str(used[key].value).split("-"))
            return dt.date(sales_year + 1, month, day)

        tiers = tuple(
            Tier(lower=fen_from_decimal(Decimal(lower)), reward=fen_from_decimal(Decimal(reward)))
            for lower, reward in used["art6.tiers"].value
        )
        if [t.lower for t in tiers] != sorted(t.lower for t in tiers):
            raise ParameterError("art6.tiers: lower bounds must ascend")
        return Parameters(
            sales_year=sales_year,
            period_start=period_start,
            period_end=period_end,
            annual_cap=money("art3.annual_cap"),
            art5_sales_threshold=money("art5.sales_threshold"),
            art5_sales_reward=money("art5.sales_reward"),
            art5_interest_rate=rate("art5.interest_rate"),
            art5_interest_cap=money("art5.interest_cap"),
            art6_tiers=tiers,
            art7_fee_threshold=money("art7.fee_threshold"),
            art7_rate=rate("art7.rate"),
            art7_cap=money("art7.cap"),
            art7_budget=money("art7.budget"),
            art8_sales_threshold=money("art8.sales_threshold"),
            art8_rate=rate("art8.rate"),
            art8_cap=money("art8.cap"),
            art8_budget=money("art8.budget"),
            art9_national_cap=money("art9.national_cap"),
            art9_provincial_cap=money("art9.provincial_cap"),
            art10_parcel_threshold=whole("art10.parcel_threshold"),
            art10_per_parcel=money("art10.per_parcel"),
            art10_cap=money("art10.cap"),
            art10_budget=money("art10.budget"),
            art12_big_data_fee=money("art12.big_data_fee"),
            art13_service_fee_cap=money("art13.service_fee_cap"),
            art14_lookback_years=whole("art14.lookback_years"),
            art15_window_start=month_day("art15.window_start"),
            art15_window_end=month_day("art15.window_end"),
            art17_notice_working_days=whole("art17.notice_working_days"),
            art20_ban_years=whole("art20.ban_years"),
            entries=used,
        )

    def _coverage(self) -> str:
        starts = [e.valid_from.year for e in self._by_key.get("policy.period_start", [])]
        ends = [e.valid_to.year for e in self._by_key.get("policy.period_end", [])]
        if not starts or not ends:
            return "(none)"
        return f"{min(starts)}–{max(ends)}"


@lru_cache(maxsize=8)
def load_parameters(path: Path = DEFAULT_PARAMETERS_FILE) -> ParameterSet:
    return ParameterSet.from_file(path)


def parameters_for(sales_year: int, path: Path = DEFAULT_PARAMETERS_FILE) -> Parameters:
    return load_parameters(path).for_sales_year(sales_year)
