"""The yearly performance evaluation (绩效考评, Art. 3, 18): the figures the finance bureau budgets on.

Assembled from the selectors of `figures` and the tables of `tables` (the same rows as the dashboard),
with the key totals in figures and in Chinese capital numerals (大写).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from alarfund.applications.pdf import capital_rmb
from alarfund.rounds.models import Round

from . import figures, tables
from .tables import MONEY, RATIO, Table, fmt

#: The tables of the report, in its order (per article, beneficiaries, timeliness, objections, clawbacks).
REPORT_TABLES: tuple[str, ...] = (
    "lines",
    "commitments",
    "factors",
    "applicants",
    "jurisdictions",
    "entity_types",
    "timeliness",
    "returns",
    "objections",
    "payments",
    "clawbacks",
)


@dataclass(frozen=True)
class KeyFigure:
    label: str
    amount: Decimal | None
    kind: str = MONEY

    @property
    def text(self) -> str:
        return fmt(self.kind, self.amount)

    @property
    def capital(self) -> str:
        if self.kind != MONEY or self.amount is None:
            return ""
        return capital_rmb(self.amount)


@dataclass
class PerformanceReport:
    round: Round
    title: str
    basis: str
    approved: bool
    overview: list[KeyFigure]
    tables: list[Table]
    generated_at: dt.datetime

    @property
    def sales_year(self) -> int:
        return self.round.sales_year


def build(round_: Round) -> PerformanceReport:
    fund = figures.fund_figures(round_)
    payments = figures.payment_figures(round_)
    clawbacks = figures.clawback_figures(round_)
    awards_paid = payments.paid if payments is not None else None
    paid_out = awards_paid + fund.commitments_paid if awards_paid is not None else None
    recovered = clawbacks.recovered if clawbacks is not None else None
    net = paid_out - recovered if paid_out is not None and recovered is not None else None
    overview = [
        KeyFigure(_("Legal ceiling of the fund (Art. 3)"), fund.cap),
        KeyFigure(_("Annual fund of the round"), fund.fund),
        KeyFigure(_("Commitments counted (Art. 11, 12, 13, 22)"), fund.committed),
        KeyFigure(_("Enterprise awards of the plan"), fund.awarded),
        KeyFigure(_("Committed and awarded"), fund.used),
        KeyFigure(_("Remaining within the annual fund"), fund.headroom),
        KeyFigure(_("Enterprise awards paid"), awards_paid),
        KeyFigure(_("Commitment payments made"), fund.commitments_paid),
        KeyFigure(_("Paid out in total"), paid_out),
        KeyFigure(_("Recovered after fraud (Art. 20)"), recovered),
        KeyFigure(_("Net expenditure (paid out less recovered)"), net),
        KeyFigure(_("Share of the annual fund committed and awarded"), fund.use_rate, RATIO),
        KeyFigure(
            _("Execution rate (paid out ÷ annual fund)"),
            figures.ratio(paid_out, fund.fund) if paid_out is not None else None,
            RATIO,
        ),
        KeyFigure(
            _("Awards paid ÷ awards of the plan"),
            figures.ratio(awards_paid, fund.awarded) if awards_paid is not None else None,
            RATIO,
        ),
    ]
    return PerformanceReport(
        round=round_,
        title=_("Performance evaluation of the e-commerce and logistics fund, sales year %(year)s")
        % {"year": round_.sales_year},
        basis=tables.basis_text(fund.basis),
        approved=fund.basis == "approved",
        overview=overview,
        tables=[tables.ROUND_TABLES[key](round_) for key in REPORT_TABLES],
        generated_at=timezone.localtime(),
    )
