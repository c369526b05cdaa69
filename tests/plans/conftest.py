"""Fixtures of the plan tests: a round with chosen budgets, READY applications with final figures."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alarfund.accounts.choices import Role
from alarfund.applications.models import Application, ApplicationStatus, Demonstration, Figures, FigureSource
from alarfund.rounds.models import Round, RoundStatus

FIGURE_FIELDS = (
    "online_sales",
    "total_sales",
    "loan_interest_paid",
    "promotion_fees",
    "inland_warehouse_rent",
    "parcels",
)


@pytest.fixture
def officer(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.BUREAU_OFFICER)


@pytest.fixture
def approver(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.BUREAU_APPROVER)


@pytest.fixture
def make_plan_round(officer: Any) -> Callable[..., Round]:
    def make(year: int = 2025, **values: Any) -> Round:
        fields = {
            "window_start": dt.date(year + 1, 3, 1),
            "window_end": dt.date(year + 1, 3, 31),
            "budget_total": Decimal("5000000"),
            "budget_7": Decimal("1000000"),
            "budget_8": Decimal("600000"),
            "budget_10": Decimal("1600000"),
            "interpretation": {},
            "status": RoundStatus.PUBLISHED,
            **{k: Decimal(str(v)) if k.startswith("budget") else v for k, v in values.items()},
        }
        return Round.objects.create(sales_year=year, created_by=officer, **fields)

    return make


@pytest.fixture
def make_ready(make_org: Callable[..., Any], officer: Any) -> Callable[..., Application]:
    """An application of `round_` in `status` (READY by default) with figures of `sources`."""

    def make(
        round_: Round,
        *,
        lines: list[str],
        status: str = ApplicationStatus.READY,
        sources: tuple[str, ...] = (FigureSource.FINAL,),
        demonstrations: tuple[str, ...] = (),
        org: Any = None,
        **figures: Any,
    ) -> Application:
        organisation = org or make_org()
        flags = {k: figures.pop(k) for k in ("local_brand_seller", "local_product_seller") if k in figures}
        application = Application.objects.create(
            round=round_,
            organisation=organisation,
            status=status,
            entity_type="enterprise",
            claimed_lines=lines,
            created_by=officer,
            **flags,
        )
        values = {
            k: (int(v) if k == "parcels" else Decimal(str(v)))
            for k, v in figures.items()
            if k in FIGURE_FIELDS
        }
        for source in sources:
            Figures.objects.create(application=application, source=source, **values)
        for level in demonstrations:
            Demonstration.objects.create(
                application=application, level=level, title="示范案例", selected_on=dt.date(2025, 6, 1)
            )
        return application

    return make


def pdf_upload(name: str = "approval.pdf") -> SimpleUploadedFile:
    data = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def xlsx_rows(content: bytes, sheet: str | None = None) -> list[list[Any]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    ws = book[sheet] if sheet else book.worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]
