"""The report page, the progress fragment, the downloads and "import again", for every role."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from alarfund.accounts.choices import Role
from alarfund.audit.models import AuditEvent
from alarfund.rounds.models import AuditorEngagement
from alarfund.tracking.models import ImportJob, ImportStatus
from tests.conftest import sign_in

from .conftest import csv_bytes, import_list, sf
from .test_import import DB_TASKS

FORMULA = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture
def imported(world: Any) -> Any:
    shared = [[sf(n), "顺丰", "2025-06-01", ""] for n in range(5)]
    import_list(world.app_b, world.bob, "b.csv", csv_bytes(shared))
    rows = [
        *shared,
        [sf(50), "顺丰", "2024-06-01", ""],
        [FORMULA, "@SUM(A1)", "2025-06-01", ""],
        [sf(51), "顺丰", "2025-06-01", ""],
    ]
    job = import_list(world.app_a, world.alice, "a.csv", csv_bytes(rows))
    assert job.status == ImportStatus.SUCCEEDED
    return job


def client_for(user: Any) -> Client:
    return sign_in(Client(), user)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ASSOCIATION_REVIEWER, 200),
        (Role.BUREAU_OFFICER, 200),
        (Role.BUREAU_APPROVER, 200),
        (Role.FINANCE_OFFICER, 200),
        (Role.AUDITOR, 403),  # not engaged for the round
        (Role.ADMINISTRATOR, 403),
        (Role.DEPARTMENT_OFFICER, 403),
    ],
)
def test_staff_roles(world: Any, imported: Any, make_user: Any, role: str, expected: int) -> None:
    response = client_for(make_user(role)).get(reverse("tracking:report", args=[world.app_a.pk]))
    assert response.status_code == expected
    if expected == 200:
        body = response.content.decode()
        assert world.app_b.organisation.name in body  # staff see who else claimed the numbers
        assert response["Cache-Control"].startswith("no-store")


def test_the_engaged_auditor(world: Any, imported: Any) -> None:
    AuditorEngagement.objects.create(
        round=world.round, auditor=world.auditor, contract_reference="C-1", engaged_by=world.officer
    )
    client = client_for(world.auditor)
    assert client.get(reverse("tracking:report", args=[world.app_a.pk])).status_code == 200
    assert client.get(reverse("tracking:report_csv", args=[world.app_a.pk])).status_code == 200


def test_the_applicant_sees_their_own_report_only(world: Any, imported: Any, make_user: Any) -> None:
    client = client_for(world.alice)
    body = client.get(reverse("tracking:report", args=[world.app_a.pk])).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
    assert world.app_b.organisation.name not in body  # the other organisation is not named to them
    assert imported.valid_unique == 1
    assert "有效且不重复的快递单号" in text
    # Another organisation's report: the same 404 as an unknown one.
    assert client.get(reverse("tracking:report", args=[world.app_b.pk])).status_code == 404
    other = client_for(make_user(Role.APPLICANT))
    assert other.get(reverse("tracking:report", args=[world.app_a.pk])).status_code == 404
    assert other.get(reverse("tracking:report_csv", args=[world.app_a.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="tracking.report_view", result="refused").exists()
    assert Client().get(reverse("tracking:report", args=[world.app_a.pk])).status_code == 302


def test_csv_download_escapes_formulas(world: Any, imported: Any) -> None:
    response = client_for(world.reviewer).get(reverse("tracking:report_csv", args=[world.app_a.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    for line in text.splitlines():
        for cell in line.split(","):
            assert not cell.startswith(("=", "+", "-", "@", "\t")), line
    assert world.app_b.organisation.name in text
    assert AuditEvent.objects.filter(action="tracking.report_download", details__format="csv").exists()


def test_xlsx_download_escapes_formulas(world: Any, imported: Any) -> None:
    response = client_for(world.alice).get(reverse("tracking:report_xlsx", args=[world.app_a.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [cell.value for row in book.active.iter_rows() for cell in row if cell.value is not None]
    assert any(str(v).startswith("'=HYPERLINK") for v in values)
    assert not any(str(v).startswith(("=", "+", "-", "@")) for v in values)
    assert all(cell.data_type != "f" for row in book.active.iter_rows() for cell in row)
    assert world.app_b.organisation.name not in " ".join(map(str, values))


def test_the_progress_fragment_polls_while_running(world: Any, settings: Any) -> None:
    settings.TASKS = DB_TASKS
    job = import_list(world.app_a, world.alice, "a.csv", csv_bytes([[sf(1), "顺丰", "2025-06-01", ""]]))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, phase="reading", rows_read=40, rows_total=100
    )
    client = client_for(world.alice)
    body = client.get(
        reverse("tracking:status", args=[world.app_a.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'hx-trigger="every 2s"' in body
    assert '<progress value="40" max="100"' in body
    assert "<script" not in body and "style=" not in body
    from alarfund.tracking.importer import run_import

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
    run_import(job.pk)
    body = client.get(reverse("tracking:status", args=[world.app_a.pk])).content.decode()
    assert "every 2s" not in body and '<progress value="1" max="1"' in body


def test_the_include_for_the_materials_page(world: Any) -> None:
    html = render_to_string("tracking/_import_status.html", {"application": world.app_a})
    assert 'hx-trigger="load"' in html and reverse("tracking:status", args=[world.app_a.pk]) in html
    assert "<script" not in html and "style=" not in html


def test_import_again(world: Any, imported: Any, make_user: Any) -> None:
    client = client_for(world.alice)
    response = client.post(reverse("tracking:rerun", args=[world.app_a.pk]))
    assert response.status_code == 302
    assert ImportJob.objects.filter(application=world.app_a).count() == 2
    assert ImportJob.objects.get(application=world.app_a, is_current=True).valid_unique == 1
    assert (
        client_for(make_user(Role.ADMINISTRATOR))
        .post(reverse("tracking:rerun", args=[world.app_a.pk]))
        .status_code
        == 403
    )
    assert (
        client_for(world.reviewer).post(reverse("tracking:rerun", args=[world.app_a.pk])).status_code == 302
    )
    assert client.get(reverse("tracking:rerun", args=[world.app_a.pk])).status_code == 405


def test_a_failed_import_says_why(world: Any) -> None:
    import_list(world.app_a, world.alice, "o.csv", csv_bytes([["P1"]], header=["订单号"]))
    client = client_for(world.alice)
    client.cookies["alarfund_language"] = "en"
    body = client.get(reverse("tracking:report", args=[world.app_a.pk])).content.decode()
    assert "No tracking-number column was found" in body
