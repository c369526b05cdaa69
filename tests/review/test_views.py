"""The review pages per role: queues (what waits, since when, filters), the application page, and every
decision posted through the browser; refusals say why and change nothing."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from alarfund.accounts.choices import Role
from alarfund.applications.models import ApplicationStatus as S
from alarfund.applications.selectors import checklist_for
from alarfund.audit.models import AuditEvent
from tests.applications.helpers import pdf_bytes
from tests.conftest import sign_in

from .helpers import consult, finalise, walk

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    return sign_in(Client(), user)


def page(app) -> str:
    return reverse("review:application", args=[app.pk])


def test_the_association_queue_shows_what_waits_and_since_when(staff, applicant, round_):
    app = walk(staff, applicant, round_, "submitted")
    body = client_for(staff.association).get(reverse("web:review_first")).content.decode()
    assert applicant.organisation.name in body and page(app) in body
    assert "datetime=" in body  # since when
    # Filters: by name, by claimed line, by round.
    client = client_for(staff.association)
    assert (
        applicant.organisation.name
        in client.get(reverse("web:review_first"), {"q": "测试电子"}).content.decode()
    )
    assert (
        applicant.organisation.name
        not in client.get(reverse("web:review_first"), {"q": "nobody"}).content.decode()
    )
    assert (
        applicant.organisation.name
        not in client.get(reverse("web:review_first"), {"line": "8"}).content.decode()
    )
    assert (
        applicant.organisation.name
        in client.get(reverse("web:review_first"), {"line": "10"}).content.decode()
    )
    # Once accepted it no longer waits for the association (but can still be opened).
    walk_on = client.post(reverse("review:decide", args=[app.pk]), _accept_all(app))
    assert walk_on.status_code == 302
    assert applicant.organisation.name not in client.get(reverse("web:review_first")).content.decode()
    assert (
        applicant.organisation.name
        in client.get(reverse("web:review_first"), {"show": "all"}).content.decode()
    )
    assert (
        applicant.organisation.name
        in client_for(staff.officer).get(reverse("web:review_second")).content.decode()
    )


def _accept_all(app, decision="accept"):
    data = {f"m-{m.code}": "accepted" for m in checklist_for(app)}
    data.update(decision=decision, version=str(app.version))
    return data


def test_decisions_through_the_page(staff, applicant, round_):
    app = walk(staff, applicant, round_, "submitted")
    client = client_for(staff.association)
    assert client.get(page(app)).status_code == 200
    # Accept without marking the materials: refused, the page says why, nothing changes.
    response = client.post(reverse("review:decide", args=[app.pk]), {"decision": "accept"})
    assert response.status_code == 400 and "请标记为通过" in response.content.decode()  # Chinese by default
    app.refresh_from_db()
    assert app.status == S.SUBMITTED
    # Return with a reason for a figure; an extra "status" field is ignored.
    data = _accept_all(app, "return")
    data.update({"f-parcels": "needs_supplement", "fr-parcels": "与快递单号明细不符", "status": "ready"})
    response = client.post(reverse("review:decide", args=[app.pk]), data)
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == S.RETURNED


def test_reject_through_the_page_needs_a_reason(staff, applicant, round_):
    app = walk(staff, applicant, round_, "association_accepted")
    client = client_for(staff.officer)
    response = client.post(reverse("review:decide", args=[app.pk]), {"decision": "reject", "reason": ""})
    assert response.status_code == 400
    response = client.post(
        reverse("review:decide", args=[app.pk]), {"decision": "reject", "reason": "重复申报"}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == S.REJECTED


def test_the_wrong_role_on_the_page_is_refused_with_the_reason(staff, applicant, round_, make_user):
    app = walk(staff, applicant, round_, "submitted")
    # The bureau can open it but not decide the association's step.
    response = client_for(staff.officer).post(reverse("review:decide", args=[app.pk]), _accept_all(app))
    assert response.status_code == 403
    app.refresh_from_db()
    assert app.status == S.SUBMITTED
    # Roles without a review role: refused with the reason; the refusal is audited.
    for user in (applicant, staff.admin, staff.finance, staff.approver):
        assert client_for(user).get(page(app)).status_code == 403
    assert AuditEvent.objects.filter(action="permission.refused").exists()
    # Department officers and the auditor see only their stages.
    assert client_for(staff.tax).get(page(app)).status_code == 404
    assert client_for(staff.auditor).get(page(app)).status_code == 404


def test_the_auditor_page_and_upload(staff, applicant, round_, make_user):
    app = walk(staff, applicant, round_, "bureau_accepted")
    stranger = make_user(Role.AUDITOR)
    english = client_for(stranger)
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = english.get(page(app))
    assert response.status_code == 403
    assert "You are not engaged as auditor for this round." in response.content.decode()
    body = client_for(stranger).get(reverse("web:audit_work")).content.decode()
    assert applicant.organisation.name not in body
    client = client_for(staff.auditor)
    assert applicant.organisation.name in client.get(reverse("web:audit_work")).content.decode()
    assert client.get(page(app)).status_code == 200
    data = {
        "a-online_sales": "1500000",
        "a-total_sales": "6200000",
        "a-promotion_fees": "80,000",
        "a-parcels": "abc",
    }
    upload = SimpleUploadedFile("report.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(reverse("review:audit", args=[app.pk]), {**data, "report": upload})
    assert response.status_code == 400
    app.refresh_from_db()
    assert app.status == S.BUREAU_ACCEPTED
    data["a-parcels"] = "60000"
    upload = SimpleUploadedFile("report.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(
        reverse("review:audit", args=[app.pk]), {**data, "report": upload, "findings": "无异常"}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == S.AUDITED
    # The auditor can read the report back; the applicant's own page is not the auditor's business.
    assert "report.pdf" in client.get(page(app)).content.decode()


def test_department_opinion_final_figures_and_ready_through_the_pages(staff, applicant, round_):
    app = walk(staff, applicant, round_, "audited")
    tax = client_for(staff.tax)
    assert applicant.organisation.name in tax.get(reverse("web:department_opinions")).content.decode()
    response = tax.post(reverse("review:opinion", args=[app.pk]), {"verdict": "objection", "reason": ""})
    assert response.status_code == 400
    response = tax.post(reverse("review:opinion", args=[app.pk]), {"verdict": "no_objection"})
    assert response.status_code == 302
    # Answered: no longer waiting for the tax bureau, still for the others.
    assert applicant.organisation.name not in tax.get(reverse("web:department_opinions")).content.decode()
    assert (
        applicant.organisation.name
        in client_for(staff.market).get(reverse("web:department_opinions")).content.decode()
    )
    officer = client_for(staff.officer)
    body = officer.get(page(app)).content.decode()
    assert "尚未出具意见" in body
    for user in (staff.statistics, staff.market):
        client_for(user).post(reverse("review:opinion", args=[app.pk]), {"verdict": "no_objection"})
    response = officer.post(
        reverse("review:final", args=[app.pk]),
        {
            "x-online_sales": "1500000",
            "x-total_sales": "6200000",
            "x-promotion_fees": "70000",
            "x-parcels": "60000",
        },
    )
    assert response.status_code == 400  # differs from the audit without a reason
    response = officer.post(
        reverse("review:final", args=[app.pk]),
        {
            "x-online_sales": "1500000",
            "x-total_sales": "6200000",
            "x-promotion_fees": "70000",
            "xr-promotion_fees": "1 万元发票不属于本年度",
            "x-parcels": "60000",
        },
    )
    assert response.status_code == 302
    response = officer.post(reverse("review:ready", args=[app.pk]), {"note": ""})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == S.READY


def test_ready_refused_on_the_page_with_the_reasons(staff, applicant, round_):
    app = walk(staff, applicant, round_, "audited")
    consult(staff, app, market_regulation="objection")
    finalise(staff.officer, app)
    response = client_for(staff.officer).post(reverse("review:ready", args=[app.pk]))
    assert response.status_code == 400 and "税务登记异常" in response.content.decode()
    app.refresh_from_db()
    assert app.status == S.AUDITED


def test_bulk_accept_through_the_queue(staff, applicant, round_):
    app = walk(staff, applicant, round_, "submitted")
    client = client_for(staff.association)
    body = client.get(reverse("web:review_first")).content.decode()
    assert f'value="{app.pk}"' in body  # complete, eligible, no flags: can be selected
    response = client.post(reverse("review:bulk_accept"), {"application": [str(app.pk), "not-a-uuid"]})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == S.ASSOCIATION_ACCEPTED
    assert (
        client_for(staff.tax).post(reverse("review:bulk_accept"), {"application": [str(app.pk)]}).status_code
        == 403
    )


@pytest.mark.parametrize("status", ["submitted", "association_accepted", "bureau_accepted", "audited"])
def test_pages_in_english_have_no_chinese_chrome(staff, make_user, make_org, round_, status):
    latin = {
        "legal_representative": "Wang",
        "contact_name": "Li",
        "bank_name": "ABC Bank",
        "name": "Tarim Trading Co.",
    }
    applicant = make_user(Role.APPLICANT, organisation=make_org(**latin))
    app = walk(staff, applicant, round_, status)
    user = {
        "submitted": staff.association,
        "association_accepted": staff.officer,
        "bureau_accepted": staff.auditor,
        "audited": staff.officer,
    }[status]
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in (page(app), reverse("web:review_first" if status == "submitted" else "web:review_second")):
        if status == "bureau_accepted":
            url = url if "review/applications" in url else reverse("web:audit_work")
        response = client.get(url)
        text = re.sub(r"<[^>]+>", " ", response.content.decode()).replace("简体中文", "")
        # Data entered in Chinese by the test helpers (file names, notes) is allowed; labels are not.
        text = re.sub(r"(审计报告|核对无误|测试用户\d+|王测试|scan|list)\S*", "", text)
        assert not re.findall(r"[\u4e00-\u9fff]+", text), (status, url, re.findall(r"[\u4e00-\u9fff]+", text))
        assert not re.search(r"\sstyle\s*=", response.content.decode())
