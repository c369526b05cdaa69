"""The tables behind the charts: one builder per table, from the selectors of `figures`.

A table is what the page shows next to its chart, what the chart is drawn from and what its XLSX export
holds: the same rows, in the same order. Labels are translated when the table is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from alarfund.accounts.choices import Jurisdiction
from alarfund.applications.models import EntityType
from alarfund.plans.models import CommitmentArticle, VersionStatus
from alarfund.rounds.call import LINE_TITLES
from alarfund.rounds.models import Round

from . import charts, figures

MONEY, COUNT, RATIO, DAYS, TEXT = "money", "count", "ratio", "days", "text"


def fmt(kind: str, value: Any) -> str:
    if value is None:
        return "—"
    if kind == MONEY:
        return f"{Decimal(value):,.2f}"
    if kind == RATIO:
        return f"{Decimal(value) * 100:.2f} %"
    if kind == DAYS:
        return f"{Decimal(value).normalize():f}"
    return str(value)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT


@dataclass(frozen=True)
class Chart:
    kind: str  # "hbar" | "bar" | "stacked"
    series: tuple[str, ...]  # column keys drawn
    scale_max: Decimal | None = None


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: dict[str, Any] | None = None
    chart: Chart | None = None
    note: str = ""
    #: False when the figures come from an app that is not installed yet (notices, payments).
    available: bool = True

    def cells(self, row: dict[str, Any]) -> list[str]:
        return [fmt(c.kind, row.get(c.key)) for c in self.columns]

    @property
    def body(self) -> list[list[str]]:
        return [self.cells(row) for row in self.rows]

    @property
    def footer(self) -> list[str] | None:
        return self.cells(self.total) if self.total is not None else None

    def svg(self) -> SafeString | None:
        if self.chart is None or not self.rows or not self.available:
            return None
        by_key = {c.key: c for c in self.columns}
        label = self.columns[0].key
        categories = [str(row.get(label, "")) for row in self.rows]
        series = [
            charts.Series(by_key[key].label, [row.get(key) for row in self.rows]) for key in self.chart.series
        ]
        kind = by_key[self.chart.series[0]].kind

        def number(value: Decimal) -> str:
            return fmt(kind, value)

        if self.chart.kind == "bar":
            return charts.bars(self.title, categories, series, number)
        if self.chart.kind == "stacked":
            return charts.stacked_bars(self.title, categories, series, number)
        return charts.horizontal_bars(self.title, categories, series, number, scale_max=self.chart.scale_max)


def _label(choices: Any, code: str) -> str:
    return str(choices(code).label) if code in choices.values else code


def basis_text(status: str) -> str:
    if status == VersionStatus.APPROVED:
        return _("Approved plan")
    if status == VersionStatus.FROZEN:
        return _("Frozen plan, not yet approved: figures may still change")
    if status == VersionStatus.DRAFT:
        return _("Draft plan, not yet frozen: figures may still change")
    return _("No plan yet")


def line_title(line: str) -> str:
    return str(LINE_TITLES.get(line, line))


# -- the round's tables ---------------------------------------------------------------------------


def fund_table(round_: Round) -> Table:
    f = figures.fund_figures(round_)
    payments = figures.payment_figures(round_)
    clawbacks = figures.clawback_figures(round_)
    rows: list[tuple[str, Decimal | None]] = [
        (_("Legal ceiling of the fund (Art. 3)"), f.cap),
        (_("Annual fund of the round"), f.fund),
        (_("Commitments counted (Art. 11, 12, 13, 22)"), f.committed),
        (_("Enterprise awards of the plan"), f.awarded),
        (_("Committed and awarded"), f.used),
        (_("Remaining within the annual fund"), f.headroom),
        (_("Enterprise awards paid"), payments.paid if payments else None),
        (_("Commitment payments made"), f.commitments_paid),
        (_("Recovered after fraud (Art. 20)"), clawbacks.recovered if clawbacks else None),
    ]
    note = _("Plan basis: %(basis)s. Share of the annual fund committed and awarded: %(rate)s.") % {
        "basis": basis_text(f.basis),
        "rate": fmt(RATIO, f.use_rate),
    }
    if f.committed_elsewhere:
        note += " " + _("Art. 11 projects funded from another source (not counted): %(amount)s yuan.") % {
            "amount": fmt(MONEY, f.committed_elsewhere)
        }
    return Table(
        "fund",
        _("Budget use against the annual fund"),
        [Column("item", _("Item")), Column("amount", _("Amount (yuan)"), MONEY)],
        [{"item": label, "amount": value} for label, value in rows],
        chart=Chart("hbar", ("amount",)),
        note=note,
    )


def _line_row(r: Any) -> dict[str, Any]:
    """One line of the plan as every per-line table shows it (a table reads only its own columns)."""
    return {
        "line": line_title(r.line),
        "entitled": r.entitled,
        "budget": r.budget,
        "awarded": r.awarded,
        "factor": r.factor,
        "awardees": r.awardees,
    }


def lines_table(round_: Round) -> Table:
    rows = figures.line_figures(round_)
    return Table(
        "lines",
        _("Awards per article"),
        [
            Column("line", _("Line")),
            Column("entitled", _("Entitled"), MONEY),
            Column("budget", _("Budget"), MONEY),
            Column("awarded", _("Awarded"), MONEY),
            Column("factor", _("Factor"), RATIO),
            Column("awardees", _("Awardees"), COUNT),
        ],
        [_line_row(r) for r in rows],
        total={
            "line": _("Total"),
            "entitled": sum((r.entitled for r in rows), Decimal(0)),
            "awarded": sum((r.awarded for r in rows), Decimal(0)),
        },
        chart=Chart("hbar", ("entitled", "awarded")),
        note=_("Entitled: after Art. 19, before the budgets of Art. 7, 8, 10 and the annual fund."),
    )


def commitments_table(round_: Round) -> Table:
    rows = figures.commitment_figures(round_)
    return Table(
        "commitments",
        _("Commitments per article"),
        [
            Column("article", _("Article")),
            Column("counted", _("Counted toward the fund"), MONEY),
            Column("elsewhere", _("Funded from another source"), MONEY),
            Column("paid", _("Payments made"), MONEY),
            Column("items", _("Items"), COUNT),
        ],
        [
            {
                "article": _label(CommitmentArticle, r.article),
                "counted": r.counted,
                "elsewhere": r.elsewhere,
                "paid": r.paid,
                "items": r.items,
            }
            for r in rows
        ],
        total={
            "article": _("Total"),
            "counted": sum((r.counted for r in rows), Decimal(0)),
            "elsewhere": sum((r.elsewhere for r in rows), Decimal(0)),
            "paid": sum((r.paid for r in rows), Decimal(0)),
            "items": sum(r.items for r in rows),
        },
        chart=Chart("hbar", ("counted", "elsewhere")),
    )


def applicants_table(round_: Round) -> Table:
    a = figures.applicant_figures(round_)
    rows = [
        (_("Applicants (submitted)"), a.applicants),
        (_("Still in review"), a.in_review),
        (_("Rejected"), a.rejected),
        (_("Ready for the plan"), a.ready),
        (_("Computed in the plan"), a.in_plan),
        (_("Eligible in the plan"), a.eligible),
        (_("Awardees"), a.awardees),
    ]
    return Table(
        "applicants",
        _("Applicants and awardees"),
        [Column("stage", _("Stage")), Column("count", _("Number"), COUNT)],
        [{"stage": label, "count": value} for label, value in rows],
        chart=Chart("hbar", ("count",)),
        note=_("Awarded in total: %(amount)s yuan.") % {"amount": fmt(MONEY, a.awarded)},
    )


def _share_table(key: str, title: str, heading: str, shares: list[figures.Share], choices: Any) -> Table:
    return Table(
        key,
        title,
        [
            Column("name", heading),
            Column("awardees", _("Awardees"), COUNT),
            Column("without", _("Applicants without award"), COUNT),
            Column("applicants", _("Applicants"), COUNT),
            Column("awarded", _("Awarded"), MONEY),
        ],
        [
            {
                "name": _label(choices, s.key),
                "awardees": s.awardees,
                "without": s.applicants - s.awardees,
                "applicants": s.applicants,
                "awarded": s.awarded,
            }
            for s in shares
        ],
        total={
            "name": _("Total"),
            "awardees": sum(s.awardees for s in shares),
            "without": sum(s.applicants - s.awardees for s in shares),
            "applicants": sum(s.applicants for s in shares),
            "awarded": sum((s.awarded for s in shares), Decimal(0)),
        },
        chart=Chart("hbar", ("awarded",))
        if key == "jurisdictions"
        else Chart("stacked", ("awardees", "without")),
    )


def jurisdictions_table(round_: Round) -> Table:
    return _share_table(
        "jurisdictions",
        _("Beneficiaries by regiment or town"),
        _("Regiment or town"),
        figures.jurisdiction_distribution(round_),
        Jurisdiction,
    )


def entity_types_table(round_: Round) -> Table:
    return _share_table(
        "entity_types",
        _("Beneficiaries by applicant type"),
        _("Applicant type"),
        figures.entity_type_distribution(round_),
        EntityType,
    )


def factors_table(round_: Round) -> Table:
    rows = [r for r in figures.line_figures(round_) if r.budget is not None or (r.factor or 1) < 1]
    return Table(
        "factors",
        _("Proration factors"),
        [
            Column("line", _("Line")),
            Column("factor", _("Factor"), RATIO),
            Column("entitled", _("Entitled"), MONEY),
            Column("budget", _("Budget"), MONEY),
            Column("awarded", _("Awarded"), MONEY),
        ],
        [_line_row(r) for r in rows],
        chart=Chart("hbar", ("factor",), scale_max=Decimal(1)),
        note=_(
            "Factor = awarded ÷ entitled. Below 100 % where a category budget (Art. 7, 8, 10) or the annual "
            "fund (Art. 3) scaled the line proportionally."
        ),
    )


def milestone_label(code: str) -> str:
    labels = {
        "submitted": _("Submitted"),
        "association_accepted": _("First review passed"),
        "bureau_accepted": _("Second review passed"),
        "audited": _("Audit completed"),
        "ready": _("Ready for the plan"),
        "plan_approved": _("Plan approved"),
        "paid": _("Payment made"),
    }
    return str(labels.get(code, code))


def timeliness_table(round_: Round) -> Table:
    steps = figures.processing_times(round_)
    return Table(
        "timeliness",
        _("Processing time per step (calendar days)"),
        [
            Column("step", _("Step")),
            Column("median", _("Median"), DAYS),
            Column("maximum", _("Longest"), DAYS),
            Column("count", _("Number of applications"), COUNT),
        ],
        [
            {
                "step": f"{milestone_label(s.start)} → {milestone_label(s.end)}",
                "median": s.median,
                "maximum": s.maximum,
                "count": s.count,
            }
            for s in steps
        ],
        chart=Chart("hbar", ("median", "maximum")),
        note=_(
            "From the date each application first reached a step to the date it first reached the next one "
            "(application timeline; plan approval date; payment date)."
        ),
    )


def returns_table(round_: Round) -> Table:
    r = figures.return_figures(round_)
    stages = {
        "first_review": _("In the first review (association)"),
        "second_review": _("In the second review (Commerce Bureau)"),
        "after_audit": _("After the audit (Commerce Bureau)"),
        "other": _("Other"),
    }
    return Table(
        "returns",
        _("Returns for supplement"),
        [Column("stage", _("Stage")), Column("returns", _("Returns"), COUNT)],
        [{"stage": stages[key], "returns": n} for key, n in r.by_stage.items()],
        total={"stage": _("Total"), "returns": r.returns},
        chart=Chart("hbar", ("returns",)),
        note=_(
            "Applications returned at least once: %(apps)s. Requests still awaiting the applicant: %(open)s."
        )
        % {"apps": r.applications_returned, "open": r.open_requests},
    )


def _missing(key: str, title: str, columns: list[Column]) -> Table:
    return Table(
        key,
        title,
        columns,
        available=False,
        note=_("Not available yet: this part of the platform is not installed."),
    )


def objections_table(round_: Round) -> Table:
    columns = [Column("status", _("Status")), Column("count", _("Objections"), COUNT)]
    title = _("Objections to the public notice")
    o = figures.objection_figures(round_)
    if o is None:
        return _missing("objections", title, columns)
    rows = [(_("Still being examined"), o.open), (_("Upheld"), o.upheld), (_("Dismissed"), o.dismissed)]
    return Table(
        "objections",
        title,
        columns,
        [{"status": label, "count": n} for label, n in rows],
        total={"status": _("Total"), "count": o.filed},
        chart=Chart("hbar", ("count",)),
    )


def payments_table(round_: Round) -> Table:
    columns = [
        Column("status", _("Status")),
        Column("amount", _("Amount (yuan)"), MONEY),
        Column("count", _("Payments"), COUNT),
    ]
    title = _("Payments of enterprise awards")
    p = figures.payment_figures(round_)
    if p is None:
        return _missing("payments", title, columns)
    rows = [
        (_("Paid to the bank account"), p.paid, p.paid_count),
        (_("Pending"), p.pending, p.pending_count),
        (_("Failed, not reissued"), p.failed, p.failed_count),
    ]
    return Table(
        "payments",
        title,
        columns,
        [{"status": label, "amount": amount, "count": n} for label, amount, n in rows],
        total={
            "status": _("Total"),
            "amount": p.paid + p.pending + p.failed,
            "count": p.paid_count + p.pending_count + p.failed_count,
        },
        chart=Chart("hbar", ("amount",)),
    )


def clawbacks_table(round_: Round) -> Table:
    columns = [Column("item", _("Item")), Column("amount", _("Amount (yuan)"), MONEY)]
    title = _("Clawbacks (Art. 20)")
    c = figures.clawback_figures(round_)
    if c is None:
        return _missing("clawbacks", title, columns)
    rows = [(_("To recover"), c.due), (_("Recovered"), c.recovered), (_("Outstanding"), c.outstanding)]
    return Table(
        "clawbacks",
        title,
        columns,
        [{"item": label, "amount": amount} for label, amount in rows],
        chart=Chart("hbar", ("amount",)),
        note=_("Findings of fraud: %(findings)s, of which settled: %(settled)s.")
        % {"findings": c.findings, "settled": c.settled},
    )


ROUND_TABLES: dict[str, Callable[[Round], Table]] = {
    "fund": fund_table,
    "lines": lines_table,
    "commitments": commitments_table,
    "applicants": applicants_table,
    "jurisdictions": jurisdictions_table,
    "entity_types": entity_types_table,
    "factors": factors_table,
    "timeliness": timeliness_table,
    "returns": returns_table,
    "objections": objections_table,
    "payments": payments_table,
    "clawbacks": clawbacks_table,
}


# -- across the years -----------------------------------------------------------------------------


def years_table() -> Table:
    rows = figures.years_overview()
    return Table(
        "years",
        _("The fund across the years of the measure"),
        [
            Column("year", _("Sales year")),
            Column("cap", _("Legal ceiling (Art. 3)"), MONEY),
            Column("fund", _("Annual fund of the round"), MONEY),
            Column("committed", _("Commitments counted"), MONEY),
            Column("awarded", _("Enterprise awards"), MONEY),
            Column("paid", _("Paid out"), MONEY),
            Column("recovered", _("Recovered"), MONEY),
            Column("rate", _("Execution rate"), RATIO),
            Column("basis", _("Plan basis")),
        ],
        [
            {
                "year": str(y.sales_year),
                "cap": y.cap,
                "fund": y.fund,
                "committed": y.committed,
                "awarded": y.awarded,
                "paid": y.paid,
                "recovered": y.recovered,
                "rate": y.execution_rate,
                "basis": basis_text(y.basis) if y.round is not None else _("No round yet"),
                "round": y.round,
            }
            for y in rows
        ],
        total={
            "year": _("Total"),
            "cap": sum((y.cap for y in rows), Decimal(0)),
            "fund": sum((y.fund or Decimal(0) for y in rows), Decimal(0)),
            "committed": sum((y.committed for y in rows), Decimal(0)),
            "awarded": sum((y.awarded for y in rows), Decimal(0)),
            "paid": None
            if any(y.paid is None for y in rows if y.round)
            else sum((y.paid or Decimal(0) for y in rows), Decimal(0)),
            "recovered": None
            if any(y.recovered is None for y in rows if y.round)
            else sum((y.recovered or Decimal(0) for y in rows), Decimal(0)),
        },
        chart=Chart("bar", ("fund", "committed", "awarded", "paid")),
        note=_(
            "Paid out: enterprise awards paid and commitment payments. Execution rate: paid out ÷ annual fund."
        ),
    )
