"""Exports: the plan as XLSX and PDF with the right totals, the public-notice list, the payment list."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from alarfund.accounts.choices import Role
from alarfund.audit.models import AuditEvent
from alarfund.plans.commitments import commitment_create
from alarfund.plans.services import plan_approve, plan_freeze, plan_start
from tests.notices.helpers import ensure_closed_notice

from .conftest import pdf_upload, xlsx_rows

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil","x")'


@pytest.fixture
def version(officer, make_plan_round, make_ready, make_org):
    round_ = make_plan_round(budget_10="50000")
    make_ready(
        round_,
        lines=["5.1", "5.2"],
        online_sales="1200000",
        loan_interest_paid="30000",
        org=make_org(name=HOSTILE),
    )
    make_ready(round_, lines=["10"], parcels=60000)
    make_ready(round_, lines=["10"], parcels=100000)
    commitment_create(
        by=officer, round=round_, article="12", label="+大数据服务", provider="某数据公司", amount="120000"
    )
    return plan_start(by=officer, round=round_)


def _approved(officer, approver, version):
    version = plan_freeze(by=officer, version=version, lock=version.lock)
    ensure_closed_notice(version, officer)  # Art. 17: approval follows the closed public notice
    version.refresh_from_db()
    return plan_approve(
        by=approver,
        version=version,
        document_number="师市审〔2026〕8号",
        approval_date=dt.date.today(),
        upload=pdf_upload(),
        lock=version.lock,
    )


def test_plan_xlsx_has_rows_totals_switches_and_escapes(client_as, version) -> None:
    client, _user = client_as(Role.BUREAU_OFFICER)
    response = client.get(reverse("plans:export_xlsx", args=[version.pk]))
    assert response.status_code == 200
    rows = xlsx_rows(response.content)
    flat = [cell for row in rows for cell in row if cell is not None]
    # 59,000 (5.1 + 5.2) + 18,750 + 31,250 (Art. 10 at 5/8) = 109,000
    totals = [row for row in rows if row[1] == "企业奖励合计"]
    assert totals and float(totals[0][6]) == 109000.0
    assert "壹拾万玖仟元整" in flat
    assert "'" + HOSTILE in flat and HOSTILE not in flat  # no cell starts a formula
    summary = xlsx_rows(response.content, "汇总")
    flat_summary = [cell for row in summary for cell in row if cell is not None]
    assert "'+大数据服务" in flat_summary
    assert any(isinstance(c, str) and c.startswith("I4") for c in flat_summary)  # the switches used
    assert any(row[0] == "10" and row[5] == "0.625000" for row in summary)
    grand = [row for row in summary if row[0] == "奖励与承诺事项合计"]
    assert float(grand[0][4]) == 229000.0
    assert "经办人（商务局）" in "".join(str(c) for c in flat_summary)


def test_plan_pdf_has_the_totals_in_figures_and_words(client_as, version) -> None:
    client, _user = client_as(Role.FINANCE_OFFICER)
    response = client.get(reverse("plans:export_pdf", args=[version.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    )
    assert "109,000.00" in text and "壹拾万玖仟元整" in text
    assert "229,000.00" in text and "贰拾贰万玖仟元整" in text
    assert "奖励方案" in text and "签字" in text


def test_public_notice_has_no_personal_data(client_as, version) -> None:
    client, _user = client_as(Role.BUREAU_OFFICER)
    response = client.get(reverse("plans:export_notice", args=[version.pk]))
    assert response.status_code == 200
    rows = xlsx_rows(response.content)
    text = " ".join(str(c) for row in rows for c in row if c is not None)
    for secret in ("6228480123456789012", "13999700000", "王测试", "李测试", "9165900"):
        assert secret not in text
    assert rows[1] == ["序号", "企业名称", "所属团场（城区）", "奖励项目", "金额"]
    assert float(rows[-1][4]) == 109000.0


def test_payment_list_only_after_approval_and_only_for_payment_preparers(
    client_as, officer, approver, version, documents_dir
) -> None:
    client, preparer = client_as(Role.BUREAU_OFFICER)
    url = reverse("plans:payment_list", args=[version.round_id])
    assert client.get(url).status_code == 409  # not approved: paying is out of sequence
    _approved(officer, approver, version)
    for role in (Role.BUREAU_APPROVER, Role.FINANCE_OFFICER, Role.AUDITOR):
        assert client_as(role)[0].get(url).status_code == 403
    response = client.get(url)
    assert response.status_code == 200
    rows = xlsx_rows(response.content)
    assert "6228480123456789012" in [c for row in rows for c in row]
    assert float(rows[-1][5]) == 109000.0
    event = AuditEvent.objects.filter(action="plan.payment_list_export").get()
    assert event.actor_id == preparer.pk and "6228480123456789012" not in str(event.details)
