"""Applications: start inside the window, save drafts with exact figures, submit only when complete,
frozen afterwards, a return reopens only what was asked, every transition along the table."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from alarfund.accounts.choices import OrganisationType, Role
from alarfund.accounts.permissions import Refused
from alarfund.applications.models import Application, ApplicationStatus, FigureSource, StatusChange
from alarfund.applications.records import ApplicantFacts, compute, estimate, round_document
from alarfund.applications.selectors import application_estimate, application_facts
from alarfund.applications.services import (
    application_return_for_supplement,
    application_save,
    application_start,
    application_submit,
    application_transition,
    application_withdraw,
    missing_for_submission,
    reopened_items,
)
from alarfund.applications.transitions import TRANSITIONS
from alarfund.audit.models import AuditEvent
from alarfund.rounds.models import RoundStatus
from alarfund.rounds.services import round_create, round_transition
from alarfund.stale import StaleEdit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the product's default language is Chinese)."""
    with translation.override("en"):
        yield


TODAY = timezone.localdate()


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUREAU_OFFICER)


@pytest.fixture
def open_round(officer):
    """A published 2025 round whose window includes today (a supplementary window)."""
    round_ = round_create(
        by=officer,
        sales_year=2025,
        window_start=max(TODAY - dt.timedelta(days=5), dt.date(2026, 1, 1)),
        window_end=TODAY + dt.timedelta(days=5),
    )
    return round_transition(by=officer, round=round_, to=RoundStatus.PUBLISHED)


@pytest.fixture
def applicant(make_user):
    return make_user(Role.APPLICANT)


def start(applicant, round_):
    return application_start(by=applicant, round=round_)


def test_start_creates_a_draft_with_declared_figures(applicant, open_round):
    app = start(applicant, open_round)
    assert app.status == ApplicationStatus.DRAFT
    assert app.entity_type == "enterprise"
    assert app.figure_sets.get(source=FigureSource.DECLARED).online_sales == 0
    assert StatusChange.objects.filter(application=app, to_status=ApplicationStatus.DRAFT).count() == 1
    assert AuditEvent.objects.filter(object_id=str(app.pk), action="application.draft").exists()


def test_one_application_per_round(applicant, open_round):
    start(applicant, open_round)
    with pytest.raises(ValidationError) as caught:
        start(applicant, open_round)
    assert "already applied" in str(caught.value)
    assert Application.objects.count() == 1


def test_outside_the_window_the_dates_are_shown(applicant, officer):
    round_ = round_create(by=officer, sales_year=2026)  # window March 2027
    round_ = round_transition(by=officer, round=round_, to=RoundStatus.PUBLISHED)
    with pytest.raises(ValidationError) as caught:
        application_start(by=applicant, round=round_, today=dt.date(2027, 2, 28))
    assert "2027-03-01" in str(caught.value) and "2027-03-31" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        application_start(by=applicant, round=round_, today=dt.date(2027, 4, 1))
    assert "closed on 2027-03-31" in str(caught.value)
    assert application_start(by=applicant, round=round_, today=dt.date(2027, 3, 31)).status == "draft"


def test_unpublished_round_and_service_providers_are_refused(make_user, make_org, officer):
    round_ = round_create(by=officer, sales_year=2025)
    with pytest.raises(ValidationError):
        application_start(by=make_user(Role.APPLICANT), round=round_)
    provider = make_user(Role.APPLICANT, organisation=make_org(org_type=OrganisationType.SERVICE_PROVIDER))
    round_ = round_transition(by=officer, round=round_, to=RoundStatus.PUBLISHED)
    with pytest.raises(ValidationError) as caught:
        application_start(by=provider, round=round_, today=dt.date(2026, 3, 2))
    assert "Art. 12, 13" in str(caught.value)


def test_staff_cannot_apply(make_user, open_round):
    with pytest.raises(Refused):
        application_start(by=make_user(Role.BUREAU_OFFICER), round=open_round)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("online_sales", "-1"),
        ("online_sales", "abc"),
        ("promotion_fees", "12.345"),
        ("loan_interest_paid", "1000000000000.01"),
        ("parcels", "-5"),
        ("parcels", "1.5"),
        ("parcels", "many"),
    ],
)
def test_bad_figures_are_refused_and_nothing_is_stored(applicant, open_round, field, value):
    app = start(applicant, open_round)
    with pytest.raises(ValidationError) as caught:
        application_save(
            by=applicant, application=app, version=app.version, data={"online_sales": "2000000", field: value}
        )
    assert field in caught.value.message_dict
    app.refresh_from_db()
    assert app.version == 1
    assert app.figure_sets.get(source=FigureSource.DECLARED).online_sales == 0


def save(applicant, app, **data):
    return application_save(by=applicant, application=app, version=app.version, data=data)


def test_save_draft_and_stale_edit(applicant, open_round):
    app = start(applicant, open_round)
    app = save(
        applicant,
        app,
        online_sales="1,200,000.50",
        parcels="60000",
        claimed_lines=["10", "7"],
        local_product_seller=True,
        promotion_fees="80000",
    )
    figures = app.figure_sets.get(source=FigureSource.DECLARED)
    assert figures.online_sales == Decimal("1200000.50") and figures.parcels == 60000
    assert app.claimed_lines == ["5.1", "7", "10"]
    with pytest.raises(StaleEdit):
        application_save(by=applicant, application=app, version=1, data={"parcels": "1"})


def test_another_organisation_cannot_touch_it(applicant, make_user, open_round):
    app = start(applicant, open_round)
    other = make_user(Role.APPLICANT)
    with pytest.raises(Refused):
        application_save(by=other, application=app, version=app.version, data={"parcels": "1"})
    with pytest.raises(Refused):
        application_submit(
            by=other, application=app, version=app.version, pledge_name="x", pledge_accepted=True
        )


def test_missing_items_block_submission(applicant, open_round):
    app = start(applicant, open_round)
    app = save(applicant, app, claimed_lines=["10", "8"], parcels="0")
    problems = missing_for_submission(app)
    assert any("online sales" in p for p in problems)
    assert any("Art. 10" in p for p in problems)
    assert any("Art. 8" in p for p in problems)
    assert any("List of express tracking numbers" in p for p in problems)
    with pytest.raises(ValidationError) as caught:
        application_submit(
            by=applicant, application=app, version=app.version, pledge_name="", pledge_accepted=False
        )
    messages = caught.value.messages
    assert any("authenticity pledge" in m for m in messages)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT


def test_the_estimate_equals_the_engine_over_a_round_of_one(applicant, open_round):
    app = start(applicant, open_round)
    app = save(
        applicant,
        app,
        online_sales="7000000",
        claimed_lines=["5.2", "6", "7", "10"],
        loan_interest_paid="30000.05",
        local_brand_seller=True,
        local_product_seller=True,
        promotion_fees="80000",
        parcels="60001",
    )
    shown = application_estimate(app)
    facts = application_facts(app)
    result = compute(
        round_document(sales_year=2025, applicants=[facts], interpretation=open_round.interpretation)
    )
    assert shown.total == int(result.totals[0])
    # Art. 19: 6 (50,000) vs 5.1 + 5.2 (50,000 + 9,000.02): Art. 5 wins; 7: 12,000; 10: 30,000.50
    assert shown.total == 50_000_00 + 9_000_02 + 12_000_00 + 30_000_50
    assert {line.article for line in shown.lines} == {"5.1", "5.2", "6", "7", "10"}


def test_unclaimed_lines_do_not_count(applicant, open_round):
    app = start(applicant, open_round)
    app = save(applicant, app, online_sales="1200000", parcels="60000", claimed_lines=[])
    assert application_estimate(app).total == 50_000_00  # 5.1 only: parcels not claimed


def complete(applicant, app, monkeypatch):
    """Make the application complete; materials are taken as uploaded (the evidence app tests uploads)."""
    from alarfund.applications import services

    monkeypatch.setattr(
        services,
        "documents_by_code",
        lambda application: {code: ["doc"] for code in services.checklist_codes(application)},
    )
    return save(applicant, app, online_sales="1200000", claimed_lines=["10"], parcels="60000")


def test_submit_freezes_the_application(applicant, open_round, monkeypatch):
    app = complete(applicant, start(applicant, open_round), monkeypatch)
    app = application_submit(
        by=applicant, application=app, version=app.version, pledge_name="王测试", pledge_accepted=True
    )
    assert app.status == ApplicationStatus.SUBMITTED and app.pledged_at and app.submitted_at
    with pytest.raises(ValidationError) as caught:
        save(applicant, app, parcels="70000")
    assert "frozen" in str(caught.value)
    assert reopened_items(app) == (set(), set())


def test_return_reopens_only_what_was_asked(applicant, open_round, make_user, monkeypatch):
    app = complete(applicant, start(applicant, open_round), monkeypatch)
    app = application_submit(
        by=applicant, application=app, version=app.version, pledge_name="王测试", pledge_accepted=True
    )
    reviewer = make_user(Role.ASSOCIATION_REVIEWER)
    with pytest.raises(ValidationError):  # a reason per item is required
        application_return_for_supplement(
            by=reviewer, application=app, items=[{"kind": "figure", "field": "parcels"}]
        )
    application_return_for_supplement(
        by=reviewer,
        application=app,
        items=[
            {"kind": "figure", "field": "parcels", "reason": "与快递单号明细不符"},
            {"kind": "material", "code": "tracking_numbers", "reason": "缺少 12 月数据"},
        ],
    )
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RETURNED
    assert reopened_items(app) == ({"parcels"}, {"tracking_numbers"})
    with pytest.raises(ValidationError) as caught:
        save(applicant, app, online_sales="9000000")
    assert "online_sales" in str(caught.value)
    app = save(applicant, app, parcels="58000")
    assert app.figure_sets.get(source=FigureSource.DECLARED).parcels == 58000
    # resubmission after the window is allowed: it answers the return
    app = application_submit(
        by=applicant,
        application=app,
        version=app.version,
        pledge_name="王测试",
        pledge_accepted=True,
        today=dt.date(2027, 1, 1),
    )
    assert app.status == ApplicationStatus.SUBMITTED
    assert reopened_items(app) == (set(), set())
    assert [c.to_status for c in app.timeline.all()] == ["draft", "submitted", "returned", "submitted"]


def test_first_submission_outside_the_window_is_refused(applicant, open_round, monkeypatch):
    app = complete(applicant, start(applicant, open_round), monkeypatch)
    with pytest.raises(ValidationError) as caught:
        application_submit(
            by=applicant,
            application=app,
            version=app.version,
            pledge_name="王测试",
            pledge_accepted=True,
            today=open_round.window_end + dt.timedelta(days=1),
        )
    assert "closed" in str(caught.value)


def test_every_disallowed_transition_is_refused(applicant, open_round, make_user):
    """For each status, every target not in the table is refused and the status is unchanged."""
    app = start(applicant, open_round)
    reviewer = make_user(Role.BUREAU_OFFICER)
    for current in ApplicationStatus.values:
        for target in ApplicationStatus.values:
            if (current, target) in TRANSITIONS:
                continue
            Application.objects.filter(pk=app.pk).update(status=current)
            with pytest.raises((ValidationError, Refused)):
                application_transition(by=reviewer, application=app, to=target, note="理由")
            app.refresh_from_db()
            assert app.status == current


def test_a_transition_needs_the_role_the_table_names(applicant, open_round, make_user):
    app = start(applicant, open_round)
    Application.objects.filter(pk=app.pk).update(status=ApplicationStatus.SUBMITTED)
    with pytest.raises(Refused):  # the bureau cannot do the association's first review
        application_transition(
            by=make_user(Role.BUREAU_OFFICER), application=app, to=ApplicationStatus.ASSOCIATION_ACCEPTED
        )
    with pytest.raises(ValidationError):  # a rejection needs its reason
        application_transition(
            by=make_user(Role.ASSOCIATION_REVIEWER), application=app, to=ApplicationStatus.REJECTED
        )
    app = application_transition(
        by=make_user(Role.ASSOCIATION_REVIEWER), application=app, to=ApplicationStatus.ASSOCIATION_ACCEPTED
    )
    assert app.status == ApplicationStatus.ASSOCIATION_ACCEPTED


def test_withdraw_only_a_draft(applicant, open_round):
    app = start(applicant, open_round)
    app = application_withdraw(by=applicant, application=app)
    assert app.status == ApplicationStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        application_withdraw(by=applicant, application=app)
    # a withdrawn draft does not block a fresh start in the same round
    again = start(applicant, open_round)
    assert again.status == ApplicationStatus.DRAFT and again.pk != app.pk
    with pytest.raises(ValidationError):
        start(applicant, open_round)


def test_calculator_and_plan_give_the_same_amount():
    """The calculator's estimate and the engine over a round (the plan's path) agree for the same figures."""
    facts = ApplicantFacts(
        id="calc",
        name="x",
        entity_type="individual",
        claimed_lines=frozenset({"5.1", "5.2", "8", "9", "10"}),
        online_sales=Decimal("6000000"),
        loan_interest_paid=Decimal("100000"),
        inland_warehouse_rent=Decimal("150000.01"),
        parcels=200000,
    )
    shown = estimate(facts, sales_year=2025)
    planned = compute(round_document(sales_year=2025, applicants=[facts]))
    assert shown.total == int(planned.totals[0]) == 50_000_00 + 20_000_00 + 45_000_00 + 80_000_00
