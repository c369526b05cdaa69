"""Fixtures of the tracking-number tests: rounds, applications of two organisations, list files, and
background tasks run at once (django-tasks' ImmediateBackend runs the real task function)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from alarfund.accounts.choices import Role
from alarfund.applications.models import Application, Figures, FigureSource
from alarfund.evidence.services import document_upload
from alarfund.rounds.models import Round, RoundStatus
from alarfund.tracking.models import ImportJob
from alarfund.tracking.services import tracking_import_start

IMMEDIATE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
}
HEADER = ["快递单号", "快递公司", "发货日期", "收件城市"]


@pytest.fixture(autouse=True)
def immediate_tasks(settings: Any) -> None:
    settings.TASKS = IMMEDIATE


@pytest.fixture(autouse=True)
def documents_dir(tmp_path: Path, settings: Any) -> Path:
    folder = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "file_permissions_mode": 0o600},
        },
    }
    return folder


def make_round(officer: Any, year: int) -> Round:
    return Round.objects.create(
        sales_year=year,
        window_start=dt.date(year + 1, 1, 1),
        window_end=dt.date(year + 1, 12, 31),
        budget_total=Decimal("10000000"),
        budget_7=Decimal("1000000"),
        budget_8=Decimal("1000000"),
        budget_10=Decimal("1000000"),
        status=RoundStatus.PUBLISHED,
        created_by=officer,
    )


def make_application(round_: Round, user: Any, *, parcels: int = 60_000) -> Application:
    application = Application.objects.create(
        round=round_,
        organisation=user.organisation,
        entity_type="enterprise",
        claimed_lines=["5.1", "10"],
        created_by=user,
    )
    Figures.objects.create(
        application=application,
        source=FigureSource.DECLARED,
        online_sales=Decimal("1500000.00"),
        parcels=parcels,
    )
    return application


@dataclass
class World:
    officer: Any
    reviewer: Any
    auditor: Any
    round: Round
    earlier_round: Round
    alice: Any  # applicant of organisation A
    bob: Any  # applicant of organisation B
    app_a: Application
    app_b: Application


@pytest.fixture
def world(make_user: Callable[..., Any]) -> World:
    officer = make_user(Role.BUREAU_OFFICER)
    round_ = make_round(officer, 2025)
    earlier = make_round(officer, 2024)
    alice = make_user(Role.APPLICANT)
    bob = make_user(Role.APPLICANT)
    return World(
        officer=officer,
        reviewer=make_user(Role.ASSOCIATION_REVIEWER),
        auditor=make_user(Role.AUDITOR),
        round=round_,
        earlier_round=earlier,
        alice=alice,
        bob=bob,
        app_a=make_application(round_, alice),
        app_b=make_application(round_, bob),
    )


def csv_bytes(rows: list[list[Any]], *, header: list[str] | None = None, encoding: str = "utf-8") -> bytes:
    lines = [header or HEADER, *rows]
    text = "\n".join(",".join(str(cell) for cell in line) for line in lines) + "\n"
    return text.encode(encoding)


def xlsx_bytes(
    rows: list[list[Any]], *, header: list[str] | None = None, before: list[list[Any]] | None = None
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for line in before or []:
        sheet.append(line)
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def upload_list(application: Application, user: Any, files: list[tuple[str, bytes]]) -> Any:
    return document_upload(
        actor=user,
        organisation=application.organisation,
        material_code="tracking_numbers",
        files=[upload(name, data) for name, data in files],
        subject_type="application",
        subject_id=application.pk,
    )


def import_list(application: Application, user: Any, name: str, data: bytes) -> ImportJob:
    version = upload_list(application, user, [(name, data)])
    return tracking_import_start(by=user, application=application, document_version_or_file=version)


def sf(n: int) -> str:
    """A valid SF Express number."""
    return f"SF{1_400_000_000_000 + n}"


def store_raw(
    application: Application, name: str, data: bytes, *, kind: str = "csv", content_type: str = ""
) -> Any:
    """A stored "tracking_numbers" file that did NOT pass the upload checks: the importer must be safe on
    its own (a file stored before a check existed, or by another path)."""
    import hashlib
    import uuid

    from django.core.files.base import ContentFile

    from alarfund.evidence.models import Document, DocumentFile, DocumentVersion
    from alarfund.evidence.services import documents_storage

    document, _created = Document.objects.get_or_create(
        organisation=application.organisation,
        subject_type="application",
        subject_id=application.pk,
        material_code="tracking_numbers",
    )
    number = document.versions.count() + 1
    version = DocumentVersion.objects.create(document=document, number=number)
    stored = documents_storage().save(f"raw/{uuid.uuid4().hex}", ContentFile(data))
    DocumentFile.objects.create(
        version=version,
        position=1,
        stored_name=stored,
        original_name=name,
        kind=kind,
        content_type=content_type
        or ("text/csv; charset=utf-8" if kind == "csv" else "application/octet-stream"),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return version


def import_raw(application: Application, name: str, data: bytes, **kwargs: Any) -> ImportJob:
    version = store_raw(application, name, data, **kwargs)
    return tracking_import_start(by=None, application=application, document_version_or_file=version)
