"""Helpers of the payment tests: an approved version, a released batch, a fresh step-up code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from alarfund.accounts.choices import Role
from alarfund.accounts.models import User
from alarfund.payments import services
from alarfund.payments.models import PaymentBatch
from alarfund.plans.models import PlanVersion, VersionStatus
from alarfund.plans.services import plan_freeze, plan_start
from tests.conftest import current_code, totp_device


def approved_version(officer: Any, round_: Any) -> PlanVersion:
    """Started and frozen through the services; the approval itself (tested by the plans app, and gated
    on the public notice by issue 7) is written directly here so that these tests pay from any
    approved version."""
    version = plan_start(by=officer, round=round_)
    version = plan_freeze(by=officer, version=version, lock=version.lock)
    PlanVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.APPROVED,
        approval_document_number="师市审〔2026〕1号",
        approval_date=dt.date(2026, 5, 1),
        approved_at=timezone.now(),
    )
    version.refresh_from_db()
    return version


_count = iter(range(1, 100_000))


def new_approver() -> User:
    n = next(_count)
    user = User(role=Role.BUREAU_APPROVER, username=f"pay-approver-{n}", full_name=f"审批人{n}")
    user.set_unusable_password()
    user.save()
    return user


def code_for(user: User) -> str:
    return current_code(totp_device(user))


def prepared(officer: Any, round_: Any) -> PaymentBatch:
    outcome = services.batch_prepare(by=officer, round=round_)
    return PaymentBatch.objects.get(pk=outcome.result["batch"])


def released(officer: Any, round_: Any, approver: User | None = None) -> PaymentBatch:
    batch = prepared(officer, round_)
    approver = approver or new_approver()
    services.batch_release(by=approver, batch=batch, code=code_for(approver), lock=batch.lock)
    batch.refresh_from_db()
    return batch
