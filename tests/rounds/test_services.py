"""Rounds: defaults from the measure, legal maxima, windows, switches, transitions, stale edits."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from alarfund.accounts.choices import Role
from alarfund.accounts.permissions import Refused
from alarfund.audit.models import AuditEvent
from alarfund.rounds.models import Round, RoundStatus
from alarfund.rounds.services import (
    extra_material_add,
    round_create,
    round_defaults,
    round_transition,
    round_update,
    window_state,
)
from alarfund.stale import StaleEdit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the product's default language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUREAU_OFFICER)


def test_defaults_come_from_the_measure(officer):
    round_ = round_create(by=officer, sales_year=2025)
    assert (round_.window_start, round_.window_end) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert round_.budget_total == Decimal("5000000.00")
    assert (round_.budget_7, round_.budget_8, round_.budget_10) == (
        Decimal("1000000.00"),
        Decimal("600000.00"),
        Decimal("1600000.00"),
    )
    assert round_.interpretation == {
        "art5_threshold": "exclusive",
        "art7_threshold": "exclusive",
        "art19_scope": "article",
        "proration": "scale_awards",
        "rounding_unit": "0.01",
        "sales_basis": "online",
        "annual_cap": "scale_unbudgeted",
    }
    assert AuditEvent.objects.filter(action="round.create", object_id=str(round_.pk)).exists()


@pytest.mark.parametrize("year", [2024, 2028])
def test_only_the_policy_period(officer, year):
    with pytest.raises(ValidationError) as caught:
        round_create(by=officer, sales_year=year)
    assert "sales_year" in caught.value.message_dict
    assert not Round.objects.exists()


def test_one_round_per_year(officer):
    round_create(by=officer, sales_year=2025)
    with pytest.raises(ValidationError):
        round_create(by=officer, sales_year=2025)
    assert Round.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("budget_total", "5000000.01"),  # Art. 3: at most 5,000,000
        ("budget_7", "1000001"),  # Art. 7: at most 1,000,000
        ("budget_8", "-1"),
        ("budget_10", "12.345"),
        ("budget_10", "abc"),
    ],
)
def test_budgets_are_exact_and_within_the_measure(officer, field, value):
    with pytest.raises(ValidationError) as caught:
        round_create(by=officer, sales_year=2025, **{field: value})
    assert field in caught.value.message_dict
    assert not Round.objects.exists()


def test_a_lower_budget_is_allowed(officer):
    round_ = round_create(by=officer, sales_year=2026, budget_7="800000")
    assert round_.budget_7 == Decimal("800000")


def test_window_rules(officer):
    with pytest.raises(ValidationError) as caught:
        round_create(
            by=officer, sales_year=2025, window_start=dt.date(2025, 12, 1), window_end=dt.date(2026, 1, 5)
        )
    assert "window_start" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        round_create(
            by=officer, sales_year=2025, window_start=dt.date(2026, 3, 10), window_end=dt.date(2026, 3, 1)
        )
    assert "window_end" in caught.value.message_dict


def test_switches_are_validated(officer):
    with pytest.raises(ValidationError):
        round_create(by=officer, sales_year=2025, interpretation={"proration": "both"})
    with pytest.raises(ValidationError):
        round_create(by=officer, sales_year=2025, interpretation={"unknown": "x"})
    round_ = round_create(by=officer, sales_year=2025, interpretation={"proration": "scale_rate"})
    assert round_.interpretation["proration"] == "scale_rate"
    assert round_.interpretation["art5_threshold"] == "exclusive"


@pytest.mark.parametrize("role", [r for r in Role if r != Role.BUREAU_OFFICER])
def test_only_the_bureau_officer_manages_rounds(make_user, role):
    with pytest.raises(Refused) as caught:
        round_create(by=make_user(role), sales_year=2025)
    assert str(caught.value.decision.reason)


def test_stale_edit_is_refused(officer):
    round_ = round_create(by=officer, sales_year=2025)
    round_update(by=officer, round=round_, version=1, enquiries="商务局 0997-0000000")
    with pytest.raises(StaleEdit):
        round_update(by=officer, round=round_, version=1, budget_7="900000")
    round_.refresh_from_db()
    assert round_.budget_7 == Decimal("1000000.00") and round_.version == 2


def test_transitions_follow_the_table(officer):
    round_ = round_create(by=officer, sales_year=2025)
    with pytest.raises(ValidationError):
        round_transition(by=officer, round=round_, to=RoundStatus.CLOSED)
    round_transition(by=officer, round=round_, to=RoundStatus.PUBLISHED)
    with pytest.raises(ValidationError):
        round_transition(by=officer, round=round_, to=RoundStatus.DRAFT)
    round_ = round_transition(by=officer, round=round_, to=RoundStatus.CLOSED)
    assert round_.status == RoundStatus.CLOSED and round_.published_at is not None
    with pytest.raises(ValidationError):
        round_update(by=officer, round=round_, version=round_.version, enquiries="x")


def test_extra_materials(officer):
    round_ = round_create(by=officer, sales_year=2025)
    extra_material_add(
        by=officer,
        round=round_,
        code="export_licence",
        label_zh="出口许可",
        label_en="Export licence",
        required=True,
        applies_to="10",
    )
    with pytest.raises(ValidationError):  # the same code twice
        extra_material_add(
            by=officer, round=round_, code="export_licence", label_zh="x", label_en="x", required=False
        )
    with pytest.raises(ValidationError):  # a built-in code
        extra_material_add(
            by=officer, round=round_, code="vat_return", label_zh="x", label_en="x", required=False
        )
    with pytest.raises(ValidationError):  # an unknown line
        extra_material_add(
            by=officer, round=round_, code="x_y", label_zh="x", label_en="x", required=False, applies_to="11"
        )
    assert round_.extra_materials.count() == 1


def test_window_state():
    round_ = Round(window_start=dt.date(2026, 3, 1), window_end=dt.date(2026, 3, 31))
    assert window_state(round_, dt.date(2026, 2, 28)) == "before"
    assert window_state(round_, dt.date(2026, 3, 1)) == "open"
    assert window_state(round_, dt.date(2026, 3, 31)) == "open"
    assert window_state(round_, dt.date(2026, 4, 1)) == "after"


def test_round_defaults_outside_the_period():
    with pytest.raises(ValidationError):
        round_defaults(2030)


def test_engaging_an_auditor_scopes_the_auditor_to_the_round(officer, make_user):
    from alarfund.accounts.permissions import Capability, Scope, check
    from alarfund.rounds.services import auditor_engage

    round_2025 = round_create(by=officer, sales_year=2025)
    round_2026 = round_create(by=officer, sales_year=2026)
    auditor = make_user(Role.AUDITOR)
    assert not check(auditor, Capability.AUDIT_WORK, scope=Scope(round_id=round_2025.pk))
    with pytest.raises(Refused):  # the association does not engage auditors (Art. 18: the bureau does)
        auditor_engage(
            by=make_user(Role.ASSOCIATION_REVIEWER), round=round_2025, auditor=auditor, contract_reference="x"
        )
    with pytest.raises(ValidationError):  # only an auditor account can be engaged
        auditor_engage(by=officer, round=round_2025, auditor=officer, contract_reference="审计合同 2026-01")
    auditor_engage(by=officer, round=round_2025, auditor=auditor, contract_reference="审计合同 2026-01")
    assert check(auditor, Capability.AUDIT_WORK, scope=Scope(round_id=round_2025.pk))
    assert not check(auditor, Capability.AUDIT_WORK, scope=Scope(round_id=round_2026.pk))
    with pytest.raises(ValidationError):
        auditor_engage(by=officer, round=round_2025, auditor=auditor, contract_reference="again")
