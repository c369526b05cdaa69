"""The payment demo: on an approved plan, a released batch with a paid, a failed and re-issued and a
pending payment, a finding with a partial recovery and its ban; idempotent; balanced to the fen. Before
approval (the notice gate), it changes nothing and says why."""

from __future__ import annotations

import pytest

from alarfund.accounts.choices import Role
from alarfund.payments.demo import seed_payment_demo
from alarfund.payments.models import FindingStatus, FraudFinding, Payment, PaymentBatch
from alarfund.payments.reconciliation import reconcile_round
from alarfund.plans.services import plan_freeze, plan_start
from tests.conftest import totp_device

from .helpers import approved_version

pytestmark = pytest.mark.django_db


def _demo_users(make_user):
    officer = make_user(Role.BUREAU_OFFICER, username="shangwu")
    approver = make_user(Role.BUREAU_APPROVER, username="shenpi")
    totp_device(approver)
    return officer, approver


def _round(make_plan_round, make_ready):
    round_ = make_plan_round()
    for parcels in (60000, 70000, 92000):
        make_ready(round_, lines=["10"], parcels=parcels)
    return round_


def test_the_payment_demo(make_user, make_plan_round, make_ready) -> None:
    officer, _approver = _demo_users(make_user)
    round_ = _round(make_plan_round, make_ready)
    approved_version(officer, round_)
    lines: list[str] = []
    batch = seed_payment_demo(report=lines.append)
    assert batch is not None and batch.status == "released"
    statuses = sorted(Payment.objects.values_list("status", flat=True))
    assert statuses == ["failed", "paid", "pending", "pending"]  # the re-issue is pending in batch 2
    assert Payment.objects.filter(reissue_of__isnull=False).count() == 1
    finding = FraudFinding.objects.get()
    assert finding.status == FindingStatus.OPEN and finding.recoveries.count() == 1
    assert finding.ban_entry is not None
    assert reconcile_round(round_).balanced
    assert seed_payment_demo() == batch and PaymentBatch.objects.count() == 2  # idempotent


def test_the_demo_waits_for_the_approval(make_user, make_plan_round, make_ready) -> None:
    officer, _approver = _demo_users(make_user)
    round_ = _round(make_plan_round, make_ready)
    version = plan_start(by=officer, round=round_)
    plan_freeze(by=officer, version=version, lock=version.lock)
    lines: list[str] = []
    assert seed_payment_demo(report=lines.append) is None
    assert lines and "skipped" in lines[0]
    assert not PaymentBatch.objects.exists()
