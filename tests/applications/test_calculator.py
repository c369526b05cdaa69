"""The public policy calculator: figures in, the engine's estimate out; bad figures are field errors; the
same figures give the same amounts as the engine over an application (one code path)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from alarfund.accounts.choices import Role
from alarfund.applications.models import Demonstration
from alarfund.applications.selectors import application_estimate
from alarfund.policy.money import format_fen_grouped
from alarfund.policy.parameters import parameters_for
from alarfund.rounds.services import round_update

from .helpers import FIGURES, make_round, started, text_of

pytestmark = pytest.mark.django_db
URL = "/calculator/"

DEFAULT_DECLARATIONS = {
    "registered_in_jurisdiction": "yes",
    "credit_or_tax_violation_3y": "no",
    "false_material_3y": "no",
    "statistics_reported": "yes",
    "major_incident": "no",
    "four_above_reward": "no",
}


def form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "sales_year": "2025",
        "entity_type": "enterprise",
        **{name: str(value) for name, value in FIGURES.items()},
        "local_brand_seller": "on",
        "local_product_seller": "on",
        "demo_national": "on",
        **DEFAULT_DECLARATIONS,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_calculator_is_public_and_defaults_to_the_first_year() -> None:
    assert reverse("calculator:form") == URL
    response = Client().get(URL)
    assert response.status_code == 200
    assert re.search(r'<option value="2025" selected>', response.content.decode())


def test_the_default_year_is_the_latest_published_round(make_user) -> None:
    officer = make_user(Role.BUREAU_OFFICER)
    make_round(officer, 2025)
    make_round(officer, 2026)
    assert re.search(r'<option value="2026" selected>', Client().get(URL).content.decode())


def test_happy_path_shows_lines_total_estimate_label_and_materials() -> None:
    response = Client().post(URL, form())
    assert response.status_code == 200
    result = response.context["result"]
    assert result.eligible
    lines = {line.article: line for line in result.lines}
    p = parameters_for(2025)
    # 5.1 and 5.2 lose against Art. 6 under Art. 19 (6,200,000 total sales is not the basis: online is).
    assert lines["5.1"].entitled == p.art5_sales_reward
    assert lines["5.2"].entitled == min(40000_00 * p.art5_interest_rate, p.art5_interest_cap)
    assert lines["7"].paid == min(80000_00 * p.art7_rate, p.art7_cap)
    assert lines["10"].paid == min(60000 * p.art10_per_parcel, p.art10_cap)
    assert lines["9"].paid == p.art9_national_cap
    assert "8" not in lines  # online sales below the Art. 8 threshold
    body = text_of(response.content.decode())
    assert "预算" in body and "估算" in body  # labelled as an estimate before budget proration and review
    assert format_fen_grouped(result.total) in body
    assert "贷款合同" in body and "快递单号" in body and "推广费发票" in body  # the materials of the claim
    assert "前置仓租赁合同" not in body  # Art. 8 does not apply, so its materials are not asked


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("online_sales", "-1"),
        ("online_sales", "abc"),
        ("promotion_fees", "10.001"),
        ("total_sales", "1000000000000.01"),
        ("loan_interest_paid", "NaN"),
        ("parcels", "1.5"),
        ("parcels", "-3"),
        ("parcels", "１２"),  # full-width digits are refused, not silently read
        ("sales_year", "2031"),
    ],
)
def test_bad_figures_are_field_errors_not_crashes(field: str, value: str) -> None:
    response = Client().post(URL, form(**{field: value}))
    assert response.status_code == 400
    assert "result" not in response.context or response.context.get("result") is None
    assert field in response.context["form"].errors
    body = response.content.decode()
    assert re.search(rf'name="{field}".*?<ul class="errorlist', body, re.S)


def test_english_messages_for_bad_figures() -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(URL, form(online_sales="-5", promotion_fees="1.234"))
    errors = response.context["form"].errors
    assert "negative" in errors["online_sales"][0]
    assert "decimal" in errors["promotion_fees"][0]


def test_ineligible_declarations_give_the_reasons() -> None:
    response = Client().post(URL, form(major_incident="yes", entity_type="branch"))
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.eligible and result.total == 0
    body = response.content.decode()
    assert "MAJOR_INCIDENT" in body and "NOT_LEGAL_PERSON" in body


def test_htmx_gets_only_the_calculator() -> None:
    response = Client().post(URL, form(), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="calculator"') and "<html" not in body
    bad = Client().post(URL, form(online_sales="x"), HTTP_HX_REQUEST="true")
    assert bad.status_code == 200 and 'class="errorlist' in bad.content.decode()


def test_the_round_switches_apply(make_user) -> None:
    officer = make_user(Role.BUREAU_OFFICER)
    round_ = make_round(officer)
    threshold = parameters_for(2025).art5_sales_threshold // 100
    exact = form(online_sales=str(threshold), local_brand_seller=None, demo_national=None)
    assert "5.1" not in {line.article for line in Client().post(URL, exact).context["result"].lines}
    round_update(
        by=officer,
        round=round_,
        version=round_.version,
        interpretation={**round_.interpretation, "art5_threshold": "inclusive"},
    )
    assert "5.1" in {line.article for line in Client().post(URL, exact).context["result"].lines}


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"local_brand_seller": None},
        {"online_sales": "25000000", "total_sales": "25000000"},
        {"online_sales": "1000000.01", "parcels": "160001", "demo_provincial": "on"},
        {"entity_type": "individual", "promotion_fees": "50000"},
        {"four_above_reward": "yes"},
    ],
)
def test_calculator_and_application_give_the_same_amounts(make_user, overrides) -> None:
    """One code path: the same figures in the calculator and in an application give the same amounts."""
    officer = make_user(Role.BUREAU_OFFICER)
    round_ = make_round(officer)
    data = form(**overrides)
    calculated = Client().post(URL, data).context["result"]

    org_type = "individual_business" if data["entity_type"] == "individual" else "enterprise"
    applicant = make_user(Role.APPLICANT)
    applicant.organisation.org_type = org_type
    applicant.organisation.save()
    application = started(
        applicant,
        round_,
        claimed_lines=["5.2", "6", "7", "8", "9", "10"],
        **{
            name: data[name]
            for name in (
                "online_sales",
                "total_sales",
                "loan_interest_paid",
                "promotion_fees",
                "inland_warehouse_rent",
                "parcels",
            )
        },
        local_brand_seller="local_brand_seller" in data,
        local_product_seller="local_product_seller" in data,
        **{name: data[name] == "yes" for name in DEFAULT_DECLARATIONS},
        demonstrations=[
            {"level": level, "title": "案例", "selected_on": "2025-06-01", "first_time": True}
            for level, key in (("national", "demo_national"), ("provincial", "demo_provincial"))
            if key in data
        ],
    )
    assert Demonstration.objects.filter(application=application).count() == len(
        [k for k in ("demo_national", "demo_provincial") if k in data]
    )
    engine = application_estimate(application)
    assert engine.total == calculated.total
    assert engine.eligible == calculated.eligible
    assert [(line.article, line.entitled, line.paid, line.excluded) for line in engine.lines] == [
        (line.article, line.entitled, line.paid, line.excluded) for line in calculated.lines
    ]
