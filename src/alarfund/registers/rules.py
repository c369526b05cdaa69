"""When a register entry counts against an applicant in a round: the measure's rules, with its numbers.

The look-back of Art. 14 and the length of an Art. 20 ban come from the dated parameters
(`art14_lookback_years`, `art20_ban_years`), never from literals here. The reference date of a round is
the engine's as-of date for its sales year (the end of the application window by default), so the
registers and the eligibility gate always agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from alarfund.policy.parameters import OutsidePolicyPeriod, Parameters, parameters_for

from .models import Register


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def parameters_near(year: int) -> Parameters:
    """The parameters of ``year``, or of the nearest sales year they cover (a finding may predate the
    measure's period; its ban still follows the measure's rule)."""
    from alarfund.rounds.call import covered_sales_years

    try:
        return parameters_for(year)
    except OutsidePolicyPeriod:
        covered = covered_sales_years()
        return parameters_for(min(covered, key=lambda candidate: abs(candidate - year)))


def default_ban_end(found_on: dt.date) -> dt.date:
    """Art. 20(一): no fiscal special funds for N years from the finding; the ban's last day."""
    years = parameters_near(found_on.year).art20_ban_years
    return years_after(found_on, years) - dt.timedelta(days=1)


@dataclass(frozen=True)
class RoundFrame:
    """What a round's eligibility is judged against."""

    sales_year: int
    as_of: dt.date
    lookback_from: dt.date  # records on or after this day are "in the last N years" (Art. 14)


def frame_for(sales_year: int) -> RoundFrame:
    params = parameters_for(sales_year)
    as_of = params.default_as_of
    return RoundFrame(
        sales_year=sales_year,
        as_of=as_of,
        lookback_from=years_before(as_of, params.art14_lookback_years),
    )


#: The engine's reason code each register feeds.
REASON_CODE = {
    Register.BAN: "BANNED",
    Register.CREDIT_TAX: "CREDIT_OR_TAX_VIOLATION",
    Register.FALSE_MATERIAL: "FALSE_MATERIAL_RECORD",
    Register.MAJOR_INCIDENT: "MAJOR_INCIDENT",
    Register.FOUR_ABOVE: "FOUR_ABOVE_CONFLICT",
}
ARTICLE = {
    Register.BAN: "20",
    Register.CREDIT_TAX: "14(二)",
    Register.FALSE_MATERIAL: "14(三)",
    Register.MAJOR_INCIDENT: "21",
    Register.FOUR_ABOVE: "19",
}


def counts(
    *,
    register: str,
    occurred_on: dt.date | None,
    end_date: dt.date | None,
    year: int | None,
    frame: RoundFrame,
) -> bool:
    """Does an (active) entry count against the applicant in this round?

    * Ban (Art. 20): still running on the as-of date.
    * Dishonesty / tax violation (Art. 14(二)) and false materials (Art. 14(三)): recorded in the last N
      years (on or after the as-of date minus the look-back; a record found later still counts).
    * Major incident / tax-evasion case (Art. 21): in the sales year ("当年").
    * 四上企业 reward (Art. 19): for the same year.
    """
    if register == Register.BAN:
        return end_date is not None and end_date >= frame.as_of
    if register in (Register.CREDIT_TAX, Register.FALSE_MATERIAL):
        return occurred_on is not None and occurred_on >= frame.lookback_from
    if register == Register.MAJOR_INCIDENT:
        return occurred_on is not None and occurred_on.year == frame.sales_year
    if register == Register.FOUR_ABOVE:
        return year == frame.sales_year
    return False
