"""Shared helpers of the page tests (rounds, calculator, applications): rounds, applications, files."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from alarfund.applications.models import Application
from alarfund.applications.selectors import checklist_for
from alarfund.applications.services import application_save, application_start
from alarfund.evidence.services import document_upload
from alarfund.rounds.models import Round, RoundStatus
from alarfund.rounds.services import round_create, round_transition

TODAY = timezone.localdate()


def open_window() -> tuple[dt.date, dt.date]:
    """A window around today, allowed for the 2025 round (it must open after 2025 ends)."""
    return max(TODAY - dt.timedelta(days=5), dt.date(2026, 1, 1)), TODAY + dt.timedelta(days=5)


def make_round(officer: Any, year: int = 2025, *, publish: bool = True, **values: Any) -> Round:
    if year == 2025 and "window_start" not in values:
        values["window_start"], values["window_end"] = open_window()
    round_ = round_create(by=officer, sales_year=year, **values)
    if publish:
        round_ = round_transition(by=officer, round=round_, to=RoundStatus.PUBLISHED)
    return round_


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def csv_bytes() -> bytes:
    return "快递单号,日期\nYT7000000001,2025-03-01\nYT7000000002,2025-03-02\n".encode()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def upload_everything(application: Application, user: Any) -> None:
    """A file for every mandatory material of the checklist (CSV for the tracking list)."""
    for material in checklist_for(application):
        if material.required:
            tracking = material.code == "tracking_numbers"
            document_upload(
                actor=user,
                organisation=application.organisation,
                material_code=material.code,
                files=[
                    upload("list.csv" if tracking else "scan.pdf", csv_bytes() if tracking else pdf_bytes())
                ],
                subject_type="application",
                subject_id=application.pk,
            )


def started(user: Any, round_: Round, **data: Any) -> Application:
    application = application_start(by=user, round=round_)
    if data:
        application = application_save(
            by=user, application=application, version=application.version, data=data
        )
    return application


FIGURES = {
    "online_sales": Decimal("1500000.00"),
    "total_sales": Decimal("6200000.00"),
    "loan_interest_paid": Decimal("40000.00"),
    "promotion_fees": Decimal("80000.00"),
    "inland_warehouse_rent": Decimal("100000.00"),
    "parcels": 60000,
}


def text_of(html: str) -> str:
    """The visible text of a page, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
