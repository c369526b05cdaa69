"""Who reaches the oversight pages: dashboards for the finance officer and the Commerce Bureau (read-only),
the performance evaluation for the finance officer only; everyone else gets a 403 that says why."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from alarfund.accounts.choices import Role
from alarfund.accounts.permissions import Capability, check
from alarfund.audit.models import AuditEvent
from tests.conftest import sign_in, totp_device

pytestmark = pytest.mark.django_db

DASHBOARD_ROLES = [Role.FINANCE_OFFICER, Role.BUREAU_OFFICER, Role.BUREAU_APPROVER]
NO_DASHBOARD = [
    Role.APPLICANT,
    Role.ASSOCIATION_REVIEWER,
    Role.AUDITOR,
    Role.DEPARTMENT_OFFICER,
    Role.ADMINISTRATOR,
]


def dashboard_urls(round_) -> list[str]:
    return [
        reverse("web:oversight"),
        reverse("oversight:years_export"),
        reverse("oversight:round", args=[round_.pk]),
        reverse("oversight:round_export", args=[round_.pk]) + "?table=lines",
    ]


def finance_urls(round_) -> list[str]:
    return [
        reverse("web:performance"),
        reverse("oversight:report", args=[round_.pk]),
        reverse("oversight:report_pdf", args=[round_.pk]),
        reverse("oversight:report_xlsx", args=[round_.pk]),
    ]


def refused_with_reason(response, user, capability: Capability) -> None:
    assert response.status_code == 403
    with translation.override("zh-hans"):
        reason = str(check(user, capability).reason)
    assert reason and reason in response.content.decode()


@pytest.mark.parametrize("role", NO_DASHBOARD)
def test_other_roles_are_refused_every_oversight_page(client_as, dataset, role) -> None:
    client, user = client_as(role)
    for url in dashboard_urls(dataset.r2025):
        refused_with_reason(client.get(url), user, Capability.OVERSIGHT_DASHBOARD)
    for url in finance_urls(dataset.r2025):
        refused_with_reason(client.get(url), user, Capability.OVERSIGHT_VIEW)
    assert not AuditEvent.objects.filter(action="oversight.export").exists()


@pytest.mark.parametrize("role", [Role.BUREAU_OFFICER, Role.BUREAU_APPROVER])
def test_the_bureau_reads_the_dashboards_but_not_the_performance_report(client_as, dataset, role) -> None:
    client, user = client_as(role)
    for url in dashboard_urls(dataset.r2025):
        assert client.get(url).status_code == 200, url
    for url in finance_urls(dataset.r2025):
        refused_with_reason(client.get(url), user, Capability.OVERSIGHT_VIEW)
    page = client.get(reverse("oversight:round", args=[dataset.r2025.pk])).content.decode()
    assert reverse("oversight:report", args=[dataset.r2025.pk]) not in page


def test_finance_reaches_everything_and_every_download_is_audited(client_as, dataset) -> None:
    client, user = client_as(Role.FINANCE_OFFICER)
    for url in dashboard_urls(dataset.r2025) + finance_urls(dataset.r2025):
        response = client.get(url)
        assert response.status_code == 200, url
    events = list(AuditEvent.objects.filter(action="oversight.export").order_by("seq"))
    assert [(e.details.get("table"), e.details.get("report"), e.details.get("format")) for e in events] == [
        ("years", None, "xlsx"),
        ("lines", None, "xlsx"),
        (None, "performance", "pdf"),
        (None, "performance", "xlsx"),
    ]
    for event in events:
        assert event.actor_id == user.pk and event.actor_role == Role.FINANCE_OFFICER
        assert event.result == "success" and len(event.details["sha256"]) == 64
    assert all(e.object_id == str(dataset.r2025.pk) for e in events[1:])
    assert events[1].details["sales_year"] == 2025 and events[1].details["basis"] == "approved"


def test_downloads_are_private_attachments(client_as, dataset) -> None:
    client, _user = client_as(Role.FINANCE_OFFICER)
    response = client.get(reverse("oversight:report_pdf", args=[dataset.r2025.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert (
        "attachment" in response["Content-Disposition"]
        and "performance-2025.pdf" in response["Content-Disposition"]
    )
    assert "no-store" in response["Cache-Control"]


def test_unknown_table_or_round_is_404_and_nothing_is_logged(client_as, dataset) -> None:
    import uuid

    client, _user = client_as(Role.FINANCE_OFFICER)
    url = reverse("oversight:round_export", args=[dataset.r2025.pk])
    assert client.get(url + "?table=nope").status_code == 404
    assert client.get(url).status_code == 404
    assert client.get(reverse("oversight:round", args=[uuid.uuid4()])).status_code == 404
    assert not AuditEvent.objects.filter(action="oversight.export").exists()


def test_round_dashboard_shows_every_chart_next_to_its_table(client_as, dataset) -> None:
    client, _user = client_as(Role.BUREAU_OFFICER)
    client.cookies["alarfund_language"] = "en"
    body = client.get(reverse("oversight:round", args=[dataset.r2025.pk])).content.decode()
    assert "Approved plan" in body
    for key in (
        "fund",
        "lines",
        "commitments",
        "applicants",
        "jurisdictions",
        "entity_types",
        "factors",
        "timeliness",
        "returns",
        "objections",
        "payments",
        "clawbacks",
    ):
        assert f'id="table-{key}"' in body, key
        assert f"?table={key}" in body, key
    assert body.count('role="img"') >= 10
    assert "62.50 %" in body  # the Art. 10 proration factor
    assert "109,000.00" in body
    assert not re.search(r"\sstyle\s*=", body)
    for script in re.findall(r"<script\b[^>]*>", body):
        assert "src=" in script


def test_overview_lists_the_years_and_links_the_rounds(client_as, dataset) -> None:
    client, _user = client_as(Role.FINANCE_OFFICER)
    body = client.get(reverse("web:oversight")).content.decode()
    for year in ("2025", "2026", "2027"):
        assert year in body
    assert reverse("oversight:round", args=[dataset.r2026.pk]) in body
    assert reverse("oversight:report", args=[dataset.r2026.pk]) in body


def test_the_dashboard_menu_entry(client_as) -> None:
    client, _user = client_as(Role.BUREAU_APPROVER)
    body = client.get(reverse("web:dashboard")).content.decode()
    assert reverse("web:oversight") in body and reverse("web:performance") not in body


def test_staff_without_totp_are_sent_to_the_second_step(make_user, dataset) -> None:
    user = make_user(Role.FINANCE_OFFICER)
    totp_device(user)
    client = sign_in(Client(), user, verified=False)
    response = client.get(reverse("oversight:round", args=[dataset.r2025.pk]))
    assert response.status_code == 302 and reverse("accounts:otp_verify") in response["Location"]
