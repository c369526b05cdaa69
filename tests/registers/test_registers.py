"""The registers: entries with their source and author, corrections and withdrawals audited with
before/after, the eligibility gate fed from them (with the parameters' look-back and ban length), and the
reason the blocked applicant reads."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from alarfund.accounts.choices import Role
from alarfund.accounts.permissions import Refused
from alarfund.applications.selectors import application_estimate, application_facts, blocking_reasons
from alarfund.audit.models import AuditEvent
from alarfund.policy.parameters import parameters_for
from alarfund.registers import rules
from alarfund.registers.models import RegisterEntry
from alarfund.registers.rules import frame_for, years_after
from alarfund.registers.services import (
    register_entry_create,
    register_entry_update,
    register_entry_withdraw,
    register_export,
)
from alarfund.stale import StaleEdit
from tests.applications.helpers import make_round, pdf_bytes, started

pytestmark = pytest.mark.django_db

AS_OF_2025 = parameters_for(2025).default_as_of  # the round's reference date (end of the window)


def entry(officer, organisation, **data):
    values = {
        "register": "ban",
        "uscc": organisation.uscc,
        "name": organisation.name,
        "occurred_on": "2025-06-01",
        "source_reference": "师市商务局处理决定〔2025〕7号",
        **data,
    }
    return register_entry_create(by=officer, data=values)


@pytest.fixture
def application(make_user, officer):
    applicant = make_user(Role.APPLICANT)
    round_ = make_round(officer)
    return started(applicant, round_, online_sales="1500000")


def test_an_entry_keeps_its_source_and_author_and_is_audited(officer, make_org):
    organisation = make_org()
    created = entry(officer, organisation)
    assert created.entered_by == officer and created.source_reference.startswith("师市商务局")
    # Art. 20: the ban's end date defaults to the parameters' ban length from the finding.
    years = parameters_for(2025).art20_ban_years
    assert created.end_date == years_after(dt.date(2025, 6, 1), years) - dt.timedelta(days=1)
    event = AuditEvent.objects.get(action="register.create", object_id=str(created.pk))
    assert event.details["after"]["uscc"] == organisation.uscc and event.actor_id == officer.pk


def test_a_source_document_is_required_reference_or_file(officer, make_org):
    organisation = make_org()
    with pytest.raises(ValidationError) as caught:
        entry(officer, organisation, source_reference="")
    assert "source_reference" in caught.value.message_dict
    upload = SimpleUploadedFile("决定书.pdf", pdf_bytes(), content_type="application/pdf")
    created = register_entry_create(
        by=officer,
        data={
            "register": "ban",
            "uscc": organisation.uscc,
            "name": organisation.name,
            "occurred_on": "2025-06-01",
        },
        source_file=upload,
    )
    assert created.source_file is not None and created.source_file.sha256
    assert created.source_file.uploaded_by == officer


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"register": "nope"}, "register"),
        ({"uscc": "91659002MA0000001Y"}, "uscc"),
        ({"name": " "}, "name"),
        ({"occurred_on": "2025-02-30"}, "occurred_on"),
        ({"occurred_on": ""}, "occurred_on"),
        ({"end_date": "2025-01-01"}, "end_date"),  # before the finding
        ({"year": "2025"}, "year"),  # only rewards have a year
        ({"register": "credit_tax", "category": "fraud"}, "category"),
        ({"register": "credit_tax", "category": "dishonesty", "end_date": "2028-01-01"}, "end_date"),
        ({"register": "four_above", "occurred_on": ""}, "year"),
    ],
)
def test_bad_entries_are_refused_clearly(officer, make_org, data, field):
    with pytest.raises(ValidationError) as caught:
        entry(officer, make_org(), **data)
    assert field in caught.value.message_dict
    assert not RegisterEntry.objects.exists()


def test_correction_and_withdrawal_audited_with_before_and_after(officer, make_org, make_user):
    organisation = make_org()
    created = entry(officer, organisation)
    updated = register_entry_update(
        by=officer,
        entry=created,
        version=created.version,
        data={**_values(created), "end_date": "2027-12-31"},
    )
    event = AuditEvent.objects.get(action="register.update")
    assert event.details["before"] == {"end_date": created.end_date.isoformat()}
    assert event.details["after"] == {"end_date": "2027-12-31"}
    with pytest.raises(StaleEdit):
        register_entry_update(by=officer, entry=created, version=created.version, data=_values(created))
    with pytest.raises(ValidationError):
        register_entry_withdraw(by=officer, entry=updated, version=updated.version, reason="")
    withdrawn = register_entry_withdraw(by=officer, entry=updated, version=updated.version, reason="录入错误")
    assert withdrawn.withdrawn_at and RegisterEntry.objects.count() == 1  # kept on record
    with pytest.raises(Refused):
        entry(make_user(Role.ASSOCIATION_REVIEWER), organisation)
    with pytest.raises(Refused):
        entry(make_user(Role.APPLICANT), organisation)


def _values(created):
    return {
        "register": created.register,
        "category": created.category,
        "uscc": created.uscc,
        "name": created.name,
        "occurred_on": created.occurred_on,
        "end_date": created.end_date,
        "year": created.year,
        "source_reference": created.source_reference,
        "description": created.description,
    }


def test_a_banned_applicant_is_blocked_with_the_reason(officer, application):
    organisation = application.organisation
    assert application_estimate(application).eligible
    entry(officer, organisation, occurred_on="2025-06-01", end_date="2028-05-31")
    facts = application_facts(application)
    assert facts.banned_until == dt.date(2028, 5, 31)
    assert application.credit_or_tax_violation_3y is False  # the declaration stays the applicant's
    estimate = application_estimate(application)
    assert not estimate.eligible and any("BANNED" in reason for reason in estimate.reasons)
    reasons = blocking_reasons(application)
    assert len(reasons) == 1
    assert (
        "2028-05-31" in reasons[0]
        and "师市商务局处理决定〔2025〕7号" in reasons[0]
        and "Art. 20" in reasons[0]
    )
    with translation.override("zh-hans"):
        assert "第二十条" in blocking_reasons(application)[0]


def test_a_ban_that_ended_before_the_round_does_not_block(officer, application):
    entry(
        officer,
        application.organisation,
        occurred_on="2021-01-01",
        end_date=AS_OF_2025 - dt.timedelta(days=1),
    )
    assert blocking_reasons(application) == []
    assert application_estimate(application).eligible


def test_withdrawn_entries_stop_blocking(officer, application):
    created = entry(officer, application.organisation, end_date="2028-05-31")
    register_entry_withdraw(by=officer, entry=created, version=created.version, reason="决定已撤销")
    assert blocking_reasons(application) == []
    assert application_facts(application).banned_until is None


def test_the_look_back_comes_from_the_parameters(officer, application, monkeypatch):
    lookback = parameters_for(2025).art14_lookback_years
    frame = frame_for(2025)
    assert frame.lookback_from == rules.years_before(AS_OF_2025, lookback)
    inside = frame.lookback_from
    outside = frame.lookback_from - dt.timedelta(days=1)
    entry(
        officer,
        application.organisation,
        register="credit_tax",
        category="tax_violation",
        occurred_on=outside,
    )
    assert blocking_reasons(application) == []
    assert not application_facts(application).credit_or_tax_violation_3y
    entry(officer, application.organisation, register="false_material", occurred_on=inside)
    assert application_facts(application).false_material_3y
    assert "FALSE_MATERIAL_RECORD" in " ".join(application_estimate(application).reasons)
    # An amendment of the look-back in the parameters changes the window, with no code change.
    real = parameters_for(2025)
    monkeypatch.setattr(
        rules, "parameters_for", lambda year: dataclasses.replace(real, art14_lookback_years=lookback + 1)
    )
    assert application_facts(application).credit_or_tax_violation_3y


def test_major_incidents_count_in_the_sales_year_and_rewards_for_the_same_year(officer, application):
    entry(
        officer,
        application.organisation,
        register="major_incident",
        category="food_safety",
        occurred_on="2024-12-31",
    )
    assert blocking_reasons(application) == []
    entry(officer, application.organisation, register="four_above", year="2024", occurred_on="")
    assert blocking_reasons(application) == []
    entry(
        officer,
        application.organisation,
        register="major_incident",
        category="tax_evasion",
        occurred_on="2025-07-01",
    )
    entry(officer, application.organisation, register="four_above", year="2025", occurred_on="")
    facts = application_facts(application)
    assert facts.major_incident and facts.four_above_reward
    codes = " ".join(application_estimate(application).reasons)
    assert "MAJOR_INCIDENT" in codes and "FOUR_ABOVE_CONFLICT" in codes
    assert len(blocking_reasons(application)) == 2


def test_the_export_is_audited_and_safe_for_spreadsheets(officer, make_org, make_user):
    organisation = make_org(name="=HYPERLINK(1)")
    entry(officer, organisation, name="=HYPERLINK(1)", description="@SUM(A1)")
    body = register_export(by=officer).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body and "'@SUM(A1)" in body
    assert AuditEvent.objects.filter(action="register.export", result="success").exists()
    with pytest.raises(Refused):
        register_export(by=make_user(Role.AUDITOR))


def test_the_applicant_reads_the_reason_on_their_page(officer, application):
    from django.test import Client
    from django.urls import reverse

    from tests.conftest import sign_in

    entry(officer, application.organisation, end_date="2028-05-31")
    applicant = application.organisation.members.first()
    body = (
        sign_in(Client(), applicant)
        .get(reverse("applications:detail", args=[application.pk]))
        .content.decode()
    )
    assert "BANNED" in body  # the engine's gate on the applicant's own estimate (Chinese page by default)
    assert "第二十条" in body


def test_the_applicant_reads_the_register_reason_on_its_pages(officer, application, client):
    from django.urls import reverse

    from tests.conftest import sign_in

    entry(officer, application.organisation, occurred_on="2025-06-01", end_date="2028-05-31")
    user = application.organisation.members.first()
    sign_in(client, user)
    for url in (reverse("applications:mine"), reverse("applications:detail", args=[application.pk])):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "师市商务局处理决定〔2025〕7号" in page and "2028-05-31" in page, url
