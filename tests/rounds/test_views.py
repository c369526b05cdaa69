"""The bureau's round pages (by role, defaults, field errors, stale edits) and the public call."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from alarfund.accounts.choices import Role
from alarfund.accounts.permissions import Capability, check
from alarfund.policy.money import format_fen_grouped as yuan
from alarfund.policy.money import format_rate
from alarfund.policy.parameters import parameters_for
from alarfund.rounds.models import ExtraMaterial, Round, RoundStatus
from alarfund.rounds.services import round_transition, round_update
from tests.applications.helpers import make_round, open_window, text_of
from tests.conftest import ALL_ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client_as):
    return client_as(Role.BUREAU_OFFICER)


def round_post(round_: Round | None = None, **overrides: object) -> dict[str, object]:
    """A complete round form, as the browser sends it."""
    start, end = open_window()
    data: dict[str, object] = {
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
        "budget_total": "5000000.00",
        "budget_7": "1000000",
        "budget_8": "600000",
        "budget_10": "1600000",
        "enquiries": "Commerce Bureau, room 301, 0997-0000000",
        "switch_art5_threshold": "exclusive",
        "switch_art7_threshold": "exclusive",
        "switch_art19_scope": "article",
        "switch_proration": "scale_awards",
        "switch_rounding_unit": "0.01",
        "switch_sales_basis": "online",
        "switch_annual_cap": "scale_unbudgeted",
    }
    if round_ is not None:
        data["version"] = round_.version
    data.update(overrides)
    return data


# -- bureau pages by role -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != Role.BUREAU_OFFICER])
def test_other_roles_are_refused_with_the_reason(client_as, make_user, role) -> None:
    officer = make_user(Role.BUREAU_OFFICER)
    round_ = make_round(officer, publish=False)
    client, user = client_as(role)
    with translation.override("zh-hans"):
        reason = str(check(user, Capability.ROUND_MANAGE).reason)
    pages = [
        ("get", reverse("rounds:manage")),
        ("get", reverse("rounds:create") + "?sales_year=2026"),
        ("get", reverse("rounds:edit", args=[round_.pk])),
        ("post", reverse("rounds:edit", args=[round_.pk])),
        ("post", reverse("rounds:transition", args=[round_.pk])),
        ("post", reverse("rounds:material_add", args=[round_.pk])),
    ]
    for method, url in pages:
        response = getattr(client, method)(url, {"to": "published"} if method == "post" else None)
        assert response.status_code == 403, (role, url)
        assert reason in response.content.decode(), (role, url)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.DRAFT


def test_anonymous_is_sent_to_sign_in() -> None:
    response = Client().get(reverse("rounds:manage"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_create_form_is_prefilled_with_the_measures_defaults(officer_client) -> None:
    client, _officer = officer_client
    listing = client.get(reverse("rounds:manage"))
    assert listing.status_code == 200
    assert 'value="2025"' in listing.content.decode()
    response = client.get(reverse("rounds:create"), {"sales_year": 2026})
    assert response.status_code == 200
    body = response.content.decode()
    params = parameters_for(2026)
    assert f'value="{params.art15_window_start.isoformat()}"' in body
    assert f'value="{params.art15_window_end.isoformat()}"' in body
    assert 'value="5000000.00"' in body  # Art. 3 from the parameters, as decimal yuan
    # The seven switches are radio groups, the first option checked.
    assert len(re.findall(r'type="radio"[^>]*name="switch_', body)) == 14
    assert re.search(r'type="radio" name="switch_art5_threshold" value="exclusive"[^>]*checked', body)


def test_create_a_round_then_publish_and_close(officer_client) -> None:
    client, _officer = officer_client
    response = client.post(reverse("rounds:create"), {"sales_year": 2025, **round_post()})
    round_ = Round.objects.get(sales_year=2025)
    assert response.status_code == 302 and response["Location"] == reverse("rounds:edit", args=[round_.pk])
    assert round_.status == RoundStatus.DRAFT and round_.enquiries.startswith("Commerce Bureau")
    # A draft is not public.
    assert Client().get(reverse("rounds:call", args=[round_.pk])).status_code == 404
    client.post(reverse("rounds:transition", args=[round_.pk]), {"to": "published"})
    round_.refresh_from_db()
    assert round_.status == RoundStatus.PUBLISHED
    assert Client().get(reverse("rounds:call", args=[round_.pk])).status_code == 200
    client.post(reverse("rounds:transition", args=[round_.pk]), {"to": "closed"})
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    # A closed round is read-only; publishing it again is refused with a message.
    response = client.post(reverse("rounds:transition", args=[round_.pk]), {"to": "published"}, follow=True)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    assert "messages" in response.content.decode()
    edit = client.post(reverse("rounds:edit", args=[round_.pk]), round_post(round_, budget_total="1"))
    assert edit.status_code == 400
    round_.refresh_from_db()
    assert str(round_.budget_total) == "5000000.00"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("budget_7", "-1"),
        ("budget_7", "abc"),
        ("budget_8", "10.001"),
        ("budget_total", "5000000.01"),  # above the measure's maximum
        ("window_start", "2025-06-01"),  # inside the sales year
        ("window_end", "not a date"),
    ],
)
def test_bad_values_are_field_errors_and_nothing_is_stored(officer_client, field, value) -> None:
    client, _officer = officer_client
    response = client.post(reverse("rounds:create"), {"sales_year": 2025, **round_post(**{field: value})})
    assert response.status_code == 400
    assert not Round.objects.exists()
    body = response.content.decode()
    # The message stands next to the field it is about.
    assert re.search(rf'name="{field}"[^>]*>\s*(<p class="help"[^<]*</p>\s*)?<ul class="errorlist', body), (
        field
    )


def test_stale_edit_is_a_conflict_and_changes_nothing(officer_client, make_user) -> None:
    client, officer = officer_client
    round_ = make_round(officer, publish=False)
    stale = round_post(round_, budget_7="900000")
    round_update(by=make_user(Role.BUREAU_OFFICER), round=round_, version=round_.version, budget_8="500000")
    response = client.post(reverse("rounds:edit", args=[round_.pk]), stale)
    assert response.status_code == 409
    assert 'class="notice error conflict"' in response.content.decode()
    round_.refresh_from_db()
    assert str(round_.budget_7) == "1000000.00" and str(round_.budget_8) == "500000.00"
    # With the current version the same edit is saved.
    response = client.post(reverse("rounds:edit", args=[round_.pk]), round_post(round_, budget_7="900000"))
    assert response.status_code == 302
    round_.refresh_from_db()
    assert str(round_.budget_7) == "900000.00"


def test_add_an_extra_material(officer_client) -> None:
    client, officer = officer_client
    round_ = make_round(officer)
    url = reverse("rounds:material_add", args=[round_.pk])
    bad = client.post(
        url, {"code": "business_licence", "label_zh": "营业执照", "label_en": "Licence", "applies_to": "all"}
    )
    assert bad.status_code == 400 and not ExtraMaterial.objects.exists()
    response = client.post(
        url,
        {
            "code": "export_declaration",
            "label_zh": "出口报关单",
            "label_en": "Export declaration",
            "required": "on",
            "applies_to": "10",
        },
    )
    assert response.status_code == 302
    material = ExtraMaterial.objects.get()
    assert material.required and material.applies_to == "10"
    call = Client().get(reverse("rounds:call", args=[round_.pk])).content.decode()
    assert "出口报关单" in call


# -- public pages -----------------------------------------------------------------------------------------


def test_public_list_shows_published_rounds_only(make_user) -> None:
    officer = make_user(Role.BUREAU_OFFICER)
    published = make_round(officer, 2025)
    draft = make_round(officer, 2026, publish=False)
    body = Client().get(reverse("rounds:public_list")).content.decode()
    assert reverse("rounds:call", args=[published.pk]) in body
    assert str(draft.pk) not in body
    redirect = Client().get(reverse("rounds:public_list"), {"year": "2025"})
    assert redirect.status_code == 302 and redirect["Location"] == reverse("rounds:call", args=[published.pk])
    assert Client().get(reverse("rounds:public_list"), {"year": "2026"}).status_code == 404


def test_the_call_takes_its_numbers_from_the_parameters_and_the_round(make_user) -> None:
    officer = make_user(Role.BUREAU_OFFICER)
    round_ = make_round(officer, budget_7="800000", enquiries="Room 301")
    p = parameters_for(2025)
    body = text_of(Client().get(reverse("rounds:call", args=[round_.pk])).content.decode())
    for expected in (
        yuan(p.art5_sales_reward),
        yuan(p.art5_interest_cap),
        format_rate(p.art5_interest_rate),
        format_rate(p.art7_rate),
        yuan(p.art7_cap),
        yuan(p.art8_sales_threshold),
        yuan(p.art9_national_cap),
        yuan(p.art9_provincial_cap),
        f"{p.art10_parcel_threshold:,}",
        yuan(p.art10_per_parcel),
        *(yuan(tier.reward) for tier in p.art6_tiers),
        *(yuan(tier.lower) for tier in p.art6_tiers),
        "800,000.00",  # the round's own budget for Art. 7, not the measure's maximum
        round_.window_start.isoformat(),
        round_.window_end.isoformat(),
        "Room 301",
    ):
        assert expected in body, expected
    assert "不含本数" in body  # Art. 5 threshold exclusive by default
    # The round switches to the inclusive reading: the call follows.
    round_update(
        by=officer,
        round=round_,
        version=round_.version,
        interpretation={**round_.interpretation, "art5_threshold": "inclusive", "sales_basis": "total"},
    )
    body = text_of(Client().get(reverse("rounds:call", args=[round_.pk])).content.decode())
    assert f"达到 {yuan(p.art5_sales_threshold)} 元及以上（含本数" in body
    assert "（不含本数" not in body.split("第七条")[0]  # Art. 5 is now inclusive
    assert "增值税" in body  # "annual sales" read as total sales per the VAT returns


def test_the_call_lists_the_materials_per_line(make_user) -> None:
    officer = make_user(Role.BUREAU_OFFICER)
    round_ = make_round(officer)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = text_of(client.get(reverse("rounds:call", args=[round_.pk])).content.decode())
    for label in (
        "VAT returns",
        "Loan contract",
        "Forward-warehouse lease contract",
        "List of express tracking numbers",
    ):
        assert label in body
    # The English call has no Chinese interface text.
    assert not re.findall(r"[\u4e00-\u9fff]+", body.replace("简体中文", ""))


def test_closed_round_call_stays_public_and_says_closed(make_user) -> None:
    officer = make_user(Role.BUREAU_OFFICER)
    round_ = make_round(officer)
    round_transition(by=officer, round=round_, to=RoundStatus.CLOSED)
    response = Client().get(reverse("rounds:call", args=[round_.pk]))
    assert response.status_code == 200
    assert "本轮申报已关闭，不再受理申请。" in response.content.decode()


# -- engaging the third-party auditor (Art. 17(三), 18) ---------------------------------------------------


def test_the_bureau_engages_an_auditor_on_the_round_page(officer_client, make_user) -> None:
    from alarfund.audit.models import AuditEvent
    from alarfund.rounds.models import AuditorEngagement
    from alarfund.rounds.services import engaged_round_ids

    client, officer = officer_client
    round_ = make_round(officer)
    auditor = make_user(Role.AUDITOR, full_name="审计师甲", affiliation="阿拉尔天衡会计师事务所")
    make_user(Role.AUDITOR, is_active=False, full_name="停用审计师")
    page = client.get(reverse("rounds:edit", args=[round_.pk])).content.decode()
    assert "审计师甲（阿拉尔天衡会计师事务所）" in page and "停用审计师" not in page
    url = reverse("rounds:auditor_engage", args=[round_.pk])
    response = client.post(url, {"auditor": auditor.pk, "contract_reference": "师市商审〔2026〕18号"})
    assert response.status_code == 302 and response["Location"].endswith("#auditors")
    engagement = AuditorEngagement.objects.get(round=round_, auditor=auditor)
    assert engagement.engaged_by == officer and engagement.contract_reference == "师市商审〔2026〕18号"
    assert round_.pk in engaged_round_ids(auditor)
    assert AuditEvent.objects.filter(action="round.auditor_engage", object_id=str(round_.pk)).exists()
    page = client.get(reverse("rounds:edit", args=[round_.pk])).content.decode()
    assert "师市商审〔2026〕18号" in page
    # Engaged already: no longer offered; a forged post is refused, nothing added.
    again = client.post(url, {"auditor": auditor.pk, "contract_reference": "另一份"})
    assert again.status_code == 400
    assert AuditorEngagement.objects.filter(round=round_).count() == 1


def test_engaging_needs_a_contract_reference_and_an_auditor_account(officer_client, make_user) -> None:
    from alarfund.rounds.models import AuditorEngagement

    client, officer = officer_client
    round_ = make_round(officer)
    not_an_auditor = make_user(Role.ASSOCIATION_REVIEWER)
    auditor = make_user(Role.AUDITOR)
    url = reverse("rounds:auditor_engage", args=[round_.pk])
    assert client.post(url, {"auditor": auditor.pk, "contract_reference": " "}).status_code == 400
    assert client.post(url, {"auditor": not_an_auditor.pk, "contract_reference": "x"}).status_code == 400
    assert not AuditorEngagement.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.ASSOCIATION_REVIEWER, Role.AUDITOR, Role.APPLICANT, Role.FINANCE_OFFICER]
)
def test_only_the_bureau_engages_auditors(client_as, make_user, role) -> None:
    from alarfund.rounds.models import AuditorEngagement

    _officer_client, officer = client_as(Role.BUREAU_OFFICER)
    round_ = make_round(officer)
    auditor = make_user(Role.AUDITOR)
    client, _user = client_as(role)
    response = client.post(
        reverse("rounds:auditor_engage", args=[round_.pk]), {"auditor": auditor.pk, "contract_reference": "x"}
    )
    assert response.status_code == 403
    assert not AuditorEngagement.objects.exists()
