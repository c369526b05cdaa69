"""Fixtures of the review tests: every staff role, an engaged auditor, a published round, applicants."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from alarfund.accounts.choices import Department, Role
from alarfund.rounds.services import auditor_engage
from tests.applications.helpers import make_round

from .helpers import Staff


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def staff(make_user: Any) -> Staff:
    return Staff(
        officer=make_user(Role.BUREAU_OFFICER),
        association=make_user(Role.ASSOCIATION_REVIEWER),
        auditor=make_user(Role.AUDITOR),
        statistics=make_user(Role.DEPARTMENT_OFFICER, department=Department.STATISTICS),
        tax=make_user(Role.DEPARTMENT_OFFICER, department=Department.TAX),
        market=make_user(Role.DEPARTMENT_OFFICER, department=Department.MARKET_REGULATION),
        approver=make_user(Role.BUREAU_APPROVER),
        finance=make_user(Role.FINANCE_OFFICER),
        admin=make_user(Role.ADMINISTRATOR),
    )


@pytest.fixture
def round_(staff: Staff) -> Any:
    round_ = make_round(staff.officer)
    auditor_engage(by=staff.officer, round=round_, auditor=staff.auditor, contract_reference="审〔2026〕1号")
    return round_


@pytest.fixture
def applicant(make_user: Any) -> Any:
    return make_user(Role.APPLICANT)
