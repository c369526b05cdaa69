"""Demo of the oversight pages: they read what the other demos seed (the 2025 round, its commitments,
applications at every stage and its frozen plan), so nothing is written here; the function reports
what the dashboards will show and who can see them."""

from __future__ import annotations

from collections.abc import Callable

from alarfund.rounds.models import Round

from . import figures


def seed_oversight_demo(*, report: Callable[[str], None] = lambda _line: None) -> None:
    """Idempotent (read-only): summarise the figures the oversight dashboards show."""
    for round_ in Round.objects.order_by("sales_year"):
        fund = figures.fund_figures(round_)
        applicants = figures.applicant_figures(round_)
        report(
            f"Oversight {round_.sales_year} ({fund.basis}): fund {fund.fund}, committed {fund.committed}, "
            f"awarded {fund.awarded}, {applicants.applicants} applicants, {applicants.awardees} awardees "
            "(财政局 caizheng: 监督看板与绩效考评; 商务局 shangwu / shenpi: 监督看板)."
        )
