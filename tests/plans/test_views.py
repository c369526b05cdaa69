"""The plan pages per role: work areas, version page, steps refused with 4xx and state unchanged, what-if."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from alarfund.accounts.choices import Role
from alarfund.plans.models import PlanVersion, VersionStatus
from alarfund.plans.services import plan_freeze, plan_start
from tests.notices.helpers import ensure_closed_notice

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(officer, make_plan_round, make_ready):
    round_ = make_plan_round()
    make_ready(round_, lines=["5.1"], online_sales="1000000")
    make_ready(round_, lines=["10"], parcels=60000)
    return plan_start(by=officer, round=round_)


def test_work_areas(client_as, version) -> None:
    officer = client_as(Role.BUREAU_OFFICER)[0]
    body = officer.get(reverse("web:plan_prepare")).content.decode()
    assert reverse("plans:round", args=[version.round_id]) in body
    approver = client_as(Role.BUREAU_APPROVER)[0]
    assert approver.get(reverse("web:plan_approve")).status_code == 200
    assert client_as(Role.APPLICANT)[0].get(reverse("plans:version", args=[version.pk])).status_code == 403
    assert (
        client_as(Role.ADMINISTRATOR)[0].get(reverse("plans:version", args=[version.pk])).status_code == 403
    )


def test_version_page_in_both_languages_without_inline_code(client_as, version) -> None:
    client = client_as(Role.FINANCE_OFFICER)[0]
    url = reverse("plans:version", args=[version.pk])
    zh = client.get(url).content.decode()
    assert "奖励方案" in zh and "30,000.00" in zh
    assert not re.search(r"<script(?![^>]*\bsrc=)", zh) and "style=" not in zh  # strict CSP
    client.cookies["alarfund_language"] = "en"
    en = client.get(url).content.decode()
    assert "Reward plan" in en and "Interpretation switches used" in en
    assert "所用解释口径" not in en and "第五条" not in en  # explanations in English too
    # finance reads but does not compute
    assert client.post(reverse("plans:compute", args=[version.pk])).status_code == 403


def test_steps_out_of_sequence_are_refused_with_4xx_and_nothing_changes(
    client_as, officer, version, documents_dir
) -> None:
    approver = client_as(Role.BUREAU_APPROVER)[0]
    data = {
        "document_number": "师市审〔2026〕8号",
        "approval_date": "2026-04-01",
        "file": pdf_upload(),
        "lock": version.lock,
    }
    assert approver.post(reverse("plans:approve", args=[version.pk]), data).status_code == 409
    assert PlanVersion.objects.get(pk=version.pk).status == VersionStatus.DRAFT
    officer_client = client_as(Role.BUREAU_OFFICER)[0]
    data["file"] = pdf_upload()
    assert officer_client.post(reverse("plans:approve", args=[version.pk]), data).status_code == 403
    frozen = plan_freeze(by=officer, version=version, lock=version.lock)
    response = officer_client.post(
        reverse("plans:adjust", args=[frozen.pk]),
        {
            "application": next(iter(frozen.sources)),
            "line": "10",
            "amount": "1",
            "reason": "x",
            "lock": frozen.lock,
        },
    )
    assert response.status_code == 409
    assert (
        officer_client.post(reverse("plans:freeze", args=[frozen.pk]), {"lock": frozen.lock}).status_code
        == 409
    )
    data["file"] = pdf_upload()
    assert approver.post(reverse("plans:approve", args=[frozen.pk]), data).status_code == 409  # no notice yet
    ensure_closed_notice(frozen, officer)  # Art. 17: approval follows the closed public notice
    frozen.refresh_from_db()
    data["file"] = pdf_upload()
    data["lock"] = frozen.lock
    response = approver.post(reverse("plans:approve", args=[frozen.pk]), data)
    assert response.status_code == 302
    assert PlanVersion.objects.get(pk=frozen.pk).status == VersionStatus.APPROVED


def test_adjustment_above_the_formula_is_refused_on_the_page(client_as, version) -> None:
    client = client_as(Role.BUREAU_OFFICER)[0]
    application = [a for a, s in version.sources.items()][1]
    response = client.post(
        reverse("plans:adjust", args=[version.pk]),
        {"application": application, "line": "10", "amount": "30000.01", "reason": "x", "lock": version.lock},
    )
    assert response.status_code == 400
    assert "30,000.00" in response.content.decode()
    assert not version.adjustments.exists()


def test_what_if_highlights_the_differences(client_as, version) -> None:
    client = client_as(Role.BUREAU_OFFICER)[0]
    url = reverse("plans:what_if", args=[version.pk])
    switches = {**version.interpretation, "art5_threshold": "inclusive"}
    body = client.get(url, switches).content.decode()
    assert "<mark>0.00 → 50,000.00</mark>" in body
    assert PlanVersion.objects.get(pk=version.pk).total == version.total  # nothing stored


def test_start_page_then_compute(client_as, make_plan_round, make_ready) -> None:
    round_ = make_plan_round(2026)
    make_ready(round_, lines=["10"], parcels=60000)
    client = client_as(Role.BUREAU_OFFICER)[0]
    assert client.get(reverse("plans:round", args=[round_.pk])).status_code == 200
    response = client.post(reverse("plans:start", args=[round_.pk]))
    assert response.status_code == 302
    assert PlanVersion.objects.get(round=round_).total == 30000
