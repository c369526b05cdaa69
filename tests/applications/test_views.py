"""The applicant's pages: the window, one application per round, drafts with field errors, stale edits,
the checklist per claim, uploads, submission with the missing list, the frozen state, another
organisation's pages, withdrawal, the return for supplement."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse

from alarfund.accounts.choices import OrganisationType, Role
from alarfund.applications.models import Application, ApplicationStatus, FigureSource
from alarfund.applications.selectors import application_estimate
from alarfund.applications.services import (
    application_return_for_supplement,
    application_save,
    application_submit,
)
from alarfund.evidence.models import Document, DocumentVersion
from alarfund.policy.money import format_fen_grouped

from .helpers import FIGURES, TODAY, make_round, pdf_bytes, started, text_of, upload, upload_everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUREAU_OFFICER)


@pytest.fixture
def round_(officer):
    return make_round(officer)


@pytest.fixture
def applicant(client_as):
    return client_as(Role.APPLICANT)


def figures_of(application: Application):
    return application.figure_sets.get(source=FigureSource.DECLARED)


def edit_post(application: Application, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": application.version,
        "claimed_lines": ["5.2", "10"],
        **{name: str(value) for name, value in FIGURES.items()},
        "warehouse_province": "",
        "registered_in_jurisdiction": "yes",
        "credit_or_tax_violation_3y": "no",
        "false_material_3y": "no",
        "statistics_reported": "yes",
        "major_incident": "no",
        "four_above_reward": "no",
        "demo-TOTAL_FORMS": "1",
        "demo-INITIAL_FORMS": "0",
        "demo-MIN_NUM_FORMS": "0",
        "demo-MAX_NUM_FORMS": "6",
    }
    data.update(overrides)
    return data


# -- the window and starting ------------------------------------------------------------------------------


def test_before_the_window_the_dates_are_shown_and_starting_is_refused(applicant, officer) -> None:
    client, _user = applicant
    future = make_round(officer, 2026)  # window: March 2027
    body = client.get(reverse("applications:mine")).content.decode()
    assert future.window_start.isoformat() in body
    assert re.search(r'<button type="button" class="primary" disabled>', body)
    response = client.post(reverse("applications:start", args=[future.pk]), follow=True)
    assert not Application.objects.exists()
    text = text_of(response.content.decode())
    assert future.window_start.isoformat() in text and future.window_end.isoformat() in text


def test_after_the_window_starting_is_refused_with_the_dates(applicant, officer) -> None:
    client, _user = applicant
    past = make_round(
        officer, 2025, window_start=dt.date(2026, 1, 1), window_end=TODAY - dt.timedelta(days=1)
    )
    body = client.get(reverse("applications:mine")).content.decode()
    assert past.window_end.isoformat() in body
    response = client.post(reverse("applications:start", args=[past.pk]), follow=True)
    assert not Application.objects.exists()
    assert past.window_end.isoformat() in text_of(response.content.decode())


def test_start_inside_the_window_and_a_second_application_is_refused(applicant, round_) -> None:
    client, user = applicant
    response = client.post(reverse("applications:start", args=[round_.pk]))
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:edit", args=[application.pk])
    assert application.organisation == user.organisation and application.status == ApplicationStatus.DRAFT
    again = client.post(reverse("applications:start", args=[round_.pk]), follow=True)
    assert Application.objects.count() == 1
    assert "已在本轮申报" in again.content.decode()


# -- the draft ----------------------------------------------------------------------------------------------


def test_save_a_draft(applicant, round_) -> None:
    client, user = applicant
    application = started(user, round_)
    assert client.get(reverse("applications:edit", args=[application.pk])).status_code == 200
    response = client.post(reverse("applications:edit", args=[application.pk]), edit_post(application))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.claimed_lines == ["5.1", "5.2", "10"]
    assert figures_of(application).online_sales == FIGURES["online_sales"]
    assert figures_of(application).parcels == FIGURES["parcels"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("online_sales", "-1"),
        ("online_sales", "abc"),
        ("promotion_fees", "12.345"),
        ("inland_warehouse_rent", "1000000000001"),
        ("parcels", "2.5"),
        ("warehouse_province", "xinjiang"),
    ],
)
def test_bad_figures_are_field_errors_and_nothing_is_stored(applicant, round_, field, value) -> None:
    client, user = applicant
    application = started(user, round_)
    version = application.version
    response = client.post(
        reverse("applications:edit", args=[application.pk]), edit_post(application, **{field: value})
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert re.search(rf'name="{field}".*?<ul class="errorlist', response.content.decode(), re.S)
    application.refresh_from_db()
    assert application.version == version and application.claimed_lines == ["5.1"]
    assert figures_of(application).online_sales == 0


def test_stale_draft_is_a_conflict(applicant, round_) -> None:
    client, user = applicant
    application = started(user, round_)
    stale = edit_post(application, online_sales="5")
    application_save(by=user, application=application, version=application.version, data={"parcels": 7})
    response = client.post(reverse("applications:edit", args=[application.pk]), stale)
    assert response.status_code == 409
    assert 'class="notice error conflict"' in response.content.decode()
    assert figures_of(application).online_sales == 0 and figures_of(application).parcels == 7


def test_demonstration_cases_formset(applicant, round_) -> None:
    client, user = applicant
    application = started(user, round_)
    data = edit_post(
        application,
        claimed_lines=["9"],
        **{
            "demo-0-level": "national",
            "demo-0-title": "直播电商示范案例",
            "demo-0-selected_on": "2025-05-20",
            "demo-0-first_time": "on",
        },
    )
    assert client.post(reverse("applications:edit", args=[application.pk]), data).status_code == 302
    demo = application.demonstrations.get()
    assert demo.level == "national" and demo.selected_on == dt.date(2025, 5, 20) and demo.first_time
    application.refresh_from_db()
    # A case without its date is refused next to the cases.
    bad = edit_post(application, claimed_lines=["9"], **{"demo-0-level": "provincial", "demo-0-title": "x"})
    response = client.post(reverse("applications:edit", args=[application.pk]), bad)
    assert response.status_code == 400
    assert application.demonstrations.get().level == "national"


# -- the checklist follows the claim ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("org_type", "lines", "present", "absent"),
    [
        ("enterprise", [], ["VAT returns", "legal representative"], ["Loan contract", "Brand certification"]),
        ("individual_business", [], ["of the operator"], ["VAT returns"]),
        ("enterprise", ["5.2"], ["Loan contract", "settled"], ["Platform entry contract"]),
        ("enterprise", ["6"], ["Brand certification"], ["Loan contract"]),
        (
            "enterprise",
            ["7"],
            ["Brand certification", "Promotion-fee invoices", "Platform entry contract"],
            [],
        ),
        (
            "enterprise",
            ["8"],
            ["Forward-warehouse lease contract", "Warehouse rent invoices"],
            ["Brand certification"],
        ),
        ("enterprise", ["9"], ["Recognition document", "Authorisation agreement"], ["tracking numbers"]),
        ("enterprise", ["10"], ["Platform entry contract", "tracking numbers"], ["Promotion-fee invoices"]),
        ("individual_business", ["5.2", "10"], ["Loan contract", "tracking numbers"], ["VAT returns"]),
    ],
)
def test_materials_page_shows_the_checklist_of_the_claim(
    client_as, round_, org_type, lines, present, absent
) -> None:
    client, user = client_as(Role.APPLICANT)
    user.organisation.org_type = org_type
    user.organisation.save()
    application = started(user, round_, claimed_lines=lines)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = text_of(client.get(reverse("applications:materials", args=[application.pk])).content.decode())
    for label in present:
        assert label in body, label
    for label in absent:
        assert label not in body, label


def test_upload_a_material_and_a_disguised_file_is_refused(applicant, round_, documents_dir) -> None:
    client, user = applicant
    application = started(user, round_)
    url = reverse("applications:materials", args=[application.pk])
    ok = client.post(
        url,
        {
            "business_licence-material": "business_licence",
            "business_licence-files": upload("licence.pdf", pdf_bytes()),
        },
    )
    assert ok.status_code == 302
    assert DocumentVersion.objects.filter(document__material_code="business_licence").count() == 1
    page = client.get(url).content.decode()
    assert "licence.pdf" in page
    fake = upload("bank.pdf", b"<html><script>alert(1)</script></html>")
    refused = client.post(url, {"bank_receipt-material": "bank_receipt", "bank_receipt-files": fake})
    assert refused.status_code == 400
    assert not Document.objects.filter(material_code="bank_receipt").exists()
    assert re.search(r'name="bank_receipt-files".*?<ul class="errorlist', refused.content.decode(), re.S)


# -- submission, frozen state, withdrawal ------------------------------------------------------------------


def test_submission_is_refused_with_the_missing_list(applicant, round_) -> None:
    client, user = applicant
    application = started(user, round_, claimed_lines=["10"])
    url = reverse("applications:submit", args=[application.pk])
    page = client.get(url)
    assert "网络线上销售额" in page.content.decode()  # the missing list is shown before submitting
    response = client.post(
        url, {"version": application.version, "pledge_name": "王测试", "pledge_accepted": "on"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="missing"' in body and "快递单号" in body
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_submit_then_everything_is_frozen(applicant, round_, documents_dir) -> None:
    client, user = applicant
    application = started(user, round_, claimed_lines=["10"], online_sales="1500000", parcels=60000)
    upload_everything(application, user)
    application.refresh_from_db()
    url = reverse("applications:submit", args=[application.pk])
    unsigned = client.post(url, {"version": application.version, "pledge_name": "", "pledge_accepted": ""})
    assert unsigned.status_code == 400
    response = client.post(
        url, {"version": application.version, "pledge_name": "王测试", "pledge_accepted": "on"}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "applications:detail", args=[application.pk]
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.pledge_signed_by == "王测试"

    edit_url = reverse("applications:edit", args=[application.pk])
    assert client.get(edit_url)["Location"] == reverse("applications:detail", args=[application.pk])
    refused = client.post(edit_url, edit_post(application, online_sales="9"))
    assert refused.status_code == 409
    assert figures_of(application).online_sales == 1500000
    upload_refused = client.post(
        reverse("applications:materials", args=[application.pk]),
        {
            "bank_receipt-material": "bank_receipt",
            "bank_receipt-files": upload("b.pdf", pdf_bytes()),
        },
    )
    assert upload_refused.status_code == 400
    assert DocumentVersion.objects.filter(document__material_code="bank_receipt").count() == 1
    detail = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert (
        "冻结" in detail
        and 'action="' + reverse("applications:withdraw", args=[application.pk]) not in detail
    )
    again = client.post(
        url, {"version": application.version, "pledge_name": "王测试", "pledge_accepted": "on"}
    )
    assert again.status_code == 400
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED


def test_withdraw_a_draft(applicant, round_) -> None:
    client, user = applicant
    application = started(user, round_)
    response = client.post(reverse("applications:withdraw", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    again = client.post(reverse("applications:withdraw", args=[application.pk]), follow=True)
    assert "撤回" in again.content.decode()


def test_return_for_supplement_reopens_only_what_was_asked(
    applicant, round_, make_user, documents_dir
) -> None:
    client, user = applicant
    application = started(user, round_, claimed_lines=["10"], online_sales="1500000", parcels=60000)
    upload_everything(application, user)
    application.refresh_from_db()
    application_submit(
        by=user,
        application=application,
        version=application.version,
        pledge_name="王测试",
        pledge_accepted=True,
    )
    reviewer = make_user(Role.ASSOCIATION_REVIEWER)
    application_return_for_supplement(
        by=reviewer,
        application=application,
        items=[{"kind": "figure", "field": "parcels", "reason": "与快递单号明细不符"}],
    )
    application.refresh_from_db()
    mine = client.get(reverse("applications:mine")).content.decode()
    assert "与快递单号明细不符" in mine
    page = client.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert re.search(r'name="parcels"[^>]*>', page) and not re.search(r'name="parcels"[^>]*disabled', page)
    assert re.search(r'name="online_sales"[^>]*disabled', page)
    response = client.post(
        reverse("applications:edit", args=[application.pk]),
        edit_post(application, claimed_lines=["10"], parcels="59000", online_sales="9999999"),
    )
    assert response.status_code == 302
    figures = figures_of(application)
    assert figures.parcels == 59000 and figures.online_sales == 1500000  # the read-only field did not change


# -- another organisation ------------------------------------------------------------------------------------


def test_another_organisations_application_is_not_found(client_as, round_, make_user) -> None:
    owner = make_user(Role.APPLICANT)
    application = started(owner, round_)
    intruder, _user = client_as(Role.APPLICANT)
    for name in ("detail", "edit", "materials", "submit", "form", "form_pdf"):
        assert intruder.get(reverse(f"applications:{name}", args=[application.pk])).status_code == 404, name
    for name in ("edit", "materials", "submit", "withdraw"):
        assert intruder.post(reverse(f"applications:{name}", args=[application.pk]), {}).status_code == 404, (
            name
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert str(application.pk) not in intruder.get(reverse("applications:mine")).content.decode()


@pytest.mark.parametrize("role", [Role.ASSOCIATION_REVIEWER, Role.BUREAU_OFFICER, Role.ADMINISTRATOR])
def test_staff_roles_do_not_use_the_applicant_pages(client_as, round_, make_user, role) -> None:
    application = started(make_user(Role.APPLICANT), round_)
    client, _user = client_as(role)
    assert client.get(reverse("applications:mine")).status_code == 403
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 403


def test_service_provider_cannot_start(client_as, make_org, round_) -> None:
    client, _user = client_as(
        Role.APPLICANT, organisation=make_org(org_type=OrganisationType.SERVICE_PROVIDER)
    )
    response = client.post(reverse("applications:start", args=[round_.pk]), follow=True)
    assert not Application.objects.exists()
    assert "第三方服务" in response.content.decode()


# -- the dashboard, English ---------------------------------------------------------------------------------


def test_my_applications_shows_status_timeline_asks_and_estimate(applicant, round_) -> None:
    client, user = applicant
    application = started(user, round_, claimed_lines=["10"], online_sales="1500000", parcels=60000)
    body = text_of(client.get(reverse("applications:mine")).content.decode())
    assert "草稿" in body  # the status and the timeline's first entry
    assert "估算" in body and "未经预算比例调整和审核" in body  # the estimate, labelled
    assert format_fen_grouped(application_estimate(application).total) in body
    assert "请上传" in body  # what is asked now: the missing uploads


def test_applicant_pages_in_english_have_no_chinese_chrome(
    client_as, make_org, round_, documents_dir
) -> None:
    latin = {
        "name": "Tarim Trading Co.",
        "legal_representative": "Wang",
        "contact_name": "Li",
        "bank_name": "ABC Bank",
    }
    client, user = client_as(Role.APPLICANT, full_name="Test User", organisation=make_org(**latin))
    application = started(
        user,
        round_,
        claimed_lines=["5.2", "6", "7", "8", "9", "10"],
        online_sales="1500000",
        demonstrations=[{"level": "national", "title": "Case A", "selected_on": "2025-05-01"}],
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for name in ("mine", "detail", "edit", "materials", "submit"):
        url = reverse(f"applications:{name}", args=[] if name == "mine" else [application.pk])
        # "师市" is kept as a proper name in some English messages of the services (Art. 6, 7).
        visible = text_of(client.get(url).content.decode()).replace("简体中文", "").replace("师市", "")
        assert not re.findall(r"[\u4e00-\u9fff]+", visible), (name, re.findall(r"[\u4e00-\u9fff]+", visible))
