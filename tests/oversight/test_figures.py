"""Every figure of the dashboards against totals computed here, independently of the selectors:
from the engine's recorded output (the plan versions' `outputs`), the commitments as entered, and the
timeline dates written by the fixture."""

from __future__ import annotations

import statistics
from decimal import Decimal

import pytest

from alarfund.accounts.choices import Jurisdiction
from alarfund.oversight import figures, tables
from alarfund.plans.models import VersionStatus

from .conftest import D

pytestmark = pytest.mark.django_db


def awards(version) -> dict[str, Decimal]:
    return {a["id"]: Decimal(a["total"]) for a in version.outputs["applicants"]}


def test_plan_basis_is_the_approved_version_else_the_current_one(dataset) -> None:
    assert figures.plan_basis(dataset.r2025).version == dataset.v2025
    assert figures.plan_basis(dataset.r2025).status == VersionStatus.APPROVED
    assert figures.plan_basis(dataset.r2026).status == VersionStatus.FROZEN
    assert tables.basis_text("frozen") != tables.basis_text("approved")


def test_fund_figures_against_the_engine_output_and_the_commitments(dataset) -> None:
    fund = figures.fund_figures(dataset.r2025)
    total_awards = sum(awards(dataset.v2025).values(), Decimal(0))
    assert total_awards == D("109000.00") == dataset.v2025.total  # 59,000 + 18,750 + 31,250
    assert fund.cap == D("5000000")  # art3.annual_cap in the parameters file
    assert fund.fund == D("5000000")
    assert fund.awarded == total_awards
    assert fund.committed == D("120000") + D("150000")  # Art. 11 funded elsewhere does not count
    assert fund.committed_elsewhere == D("850000")
    assert fund.commitments_paid == D("60000")
    assert fund.used == D("379000.00")
    assert fund.headroom == D("5000000") - D("379000.00")
    assert fund.use_rate == D("0.0758")
    fund_2026 = figures.fund_figures(dataset.r2026)
    assert (fund_2026.fund, fund_2026.awarded, fund_2026.committed) == (
        D("3000000"),
        D("50000.00"),
        D("120000"),
    )
    assert fund_2026.basis == "frozen"


def test_lines_and_proration_factors(dataset) -> None:
    outputs = dataset.v2025.outputs
    rows = {r.line: r for r in figures.line_figures(dataset.r2025)}
    assert set(rows) == set(outputs["categories"]) == {"5.1", "5.2", "10"}
    for line, entry in outputs["categories"].items():
        assert rows[line].entitled == Decimal(entry["entitled"])
        assert rows[line].awarded == Decimal(entry["paid"])
    assert sum(r.awarded for r in rows.values()) == dataset.v2025.total
    assert rows["10"].budget == D("50000.00") and rows["5.1"].budget is None
    assert rows["10"].entitled == D("80000.00")
    assert rows["10"].factor == D("0.6250")  # the engine's "0.625000"
    assert Decimal(outputs["categories"]["10"]["factor"]) == D("0.625")
    assert rows["5.1"].factor == D("1.0000")
    assert (rows["5.1"].awardees, rows["5.2"].awardees, rows["10"].awardees) == (1, 1, 2)
    factors = tables.factors_table(dataset.r2025)
    assert [r["factor"] for r in factors.rows] == [D("0.6250")]


def test_commitments_per_article(dataset) -> None:
    rows = {r.article: r for r in figures.commitment_figures(dataset.r2025)}
    assert rows["11"].counted == 0 and rows["11"].elsewhere == D("850000")
    assert rows["12"].counted == D("120000") and rows["12"].paid == D("60000")
    assert rows["13"].counted == D("150000") and rows["13"].paid == 0
    assert "22" not in rows


def test_applicants_and_awardees(dataset) -> None:
    a = figures.applicant_figures(dataset.r2025)
    outputs = dataset.v2025.outputs["applicants"]
    assert a.applicants == 6  # A B C D E G; F is a draft
    assert (a.rejected, a.in_review, a.ready) == (1, 1, 4)
    assert a.in_plan == len(outputs) == 4
    assert a.eligible == sum(1 for x in outputs if x["eligible"]) == 3  # G: false materials
    assert a.awardees == 3
    assert a.awarded == dataset.v2025.total


def test_distribution_by_jurisdiction_and_entity_type(dataset) -> None:
    paid = awards(dataset.v2025)
    apps = dataset.apps

    def expected(keys: list[str]) -> tuple[int, int, Decimal]:
        amounts = [paid.get(str(apps[k].pk), Decimal(0)) for k in keys]
        return len(keys), sum(1 for x in amounts if x > 0), sum(amounts, Decimal(0))

    by_place = {
        s.key: (s.applicants, s.awardees, s.awarded) for s in figures.jurisdiction_distribution(dataset.r2025)
    }
    assert by_place == {
        Jurisdiction.ALAR_CITY: expected(["A", "E"]),
        Jurisdiction.REGIMENT_1: expected(["B", "C"]),
        Jurisdiction.REGIMENT_12: expected(["D", "G"]),
    }
    assert by_place[Jurisdiction.REGIMENT_1] == (2, 2, D("50000.00"))
    by_type = {
        s.key: (s.applicants, s.awardees, s.awarded) for s in figures.entity_type_distribution(dataset.r2025)
    }
    assert by_type == {"enterprise": expected(["A", "C", "E", "G"]), "individual": expected(["B", "D"])}
    assert sum(v[2] for v in by_type.values()) == dataset.v2025.total


def test_returns_for_supplement(dataset) -> None:
    r = figures.return_figures(dataset.r2025)
    assert (r.returns, r.applications_returned) == (2, 2)
    assert r.by_stage == {"first_review": 1, "second_review": 1}
    table = tables.returns_table(dataset.r2025)
    assert table.total is not None and table.total["returns"] == 2
    assert [row["returns"] for row in table.rows] == [1, 1]


def test_processing_time_per_step_in_calendar_days(dataset) -> None:
    steps = {(s.start, s.end): s for s in figures.processing_times(dataset.r2025)}
    expected = {
        ("submitted", "association_accepted"): [3, 6, 1, 1, 3],  # A B C D E
        ("association_accepted", "bureau_accepted"): [5, 6, 2, 5],
        ("bureau_accepted", "audited"): [10, 6, 8, 10],
        ("audited", "ready"): [5, 9, 1],
        ("ready", "plan_approved"): [21, 16, 33],  # approved on 2026-04-15
    }
    for key, days in expected.items():
        step = steps[key]
        assert sorted(step.days) == sorted(days), key
        assert step.median == Decimal(str(statistics.median(days))), key
        assert step.maximum == max(days), key
    assert steps[("bureau_accepted", "audited")].median == D("9")
    assert steps[("plan_approved", "paid")].count == 0  # nothing paid in this dataset


def test_years_overview(dataset) -> None:
    rows = {y.sales_year: y for y in figures.years_overview()}
    assert list(rows) == [2025, 2026, 2027]  # the measure's period (Art. 23)
    assert rows[2025].awarded == dataset.v2025.total and rows[2025].committed == D("270000")
    assert rows[2026].awarded == dataset.v2026.total == D("50000.00")
    assert rows[2027].round is None and rows[2027].fund is None and rows[2027].cap == D("5000000")
    table = tables.years_table()
    assert [r["year"] for r in table.rows] == ["2025", "2026", "2027"]
    assert table.total["awarded"] == dataset.v2025.total + dataset.v2026.total
    assert table.total["fund"] == D("8000000")
    assert table.total["cap"] == D("15000000")


def test_a_round_without_plan_has_zero_awards(make_plan_round) -> None:
    round_ = make_plan_round(2027)
    fund = figures.fund_figures(round_)
    assert (fund.awarded, fund.basis, fund.committed) == (0, "none", 0)
    assert figures.line_figures(round_) == []
    assert figures.applicant_figures(round_).applicants == 0
    assert all(s.count == 0 for s in figures.processing_times(round_))
