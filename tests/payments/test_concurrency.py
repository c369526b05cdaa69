"""On PostgreSQL, with real threads each on its own connection: 20 identical confirmations record one
payment (one audit event, every reply the first result); parallel preparations never pay anyone twice
or more than the approved total; the budget of parallel allocations is never exceeded."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from alarfund import idempotency
from alarfund.audit.models import AuditEvent
from alarfund.payments import services
from alarfund.payments.models import Payment, PaymentBatch, PaymentStatus

from .helpers import code_for, new_approver, prepared, released

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
N = 20


@pytest.fixture(autouse=True)
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks and concurrent transactions are a PostgreSQL matter (SQLite serialises writers)"
        )


def in_parallel(call: Callable[[int], Any], n: int = N) -> list[Any]:
    barrier = threading.Barrier(n)
    outcomes: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            outcomes[i] = call(i)
        except ValidationError as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_twenty_identical_paid_confirmations_record_one(officer, approved) -> None:
    batch = released(officer, approved.round)
    payment = batch.payments.order_by("amount").first()
    assert payment is not None
    token = idempotency.issue(officer, "payment.result", payment.pk)
    outcomes = in_parallel(
        lambda i: services.payment_mark_paid(
            by=officer, payment=payment, voucher_number="PG-1", paid_on=timezone.localdate(), token=token
        )
    )
    assert all(isinstance(o, services.Outcome) for o in outcomes), outcomes
    assert sum(not o.replayed for o in outcomes) == 1
    assert all(o.result == outcomes[0].result for o in outcomes)
    assert Payment.objects.filter(status=PaymentStatus.PAID).count() == 1
    assert AuditEvent.objects.filter(action="payment.paid").count() == 1


def test_twenty_confirmations_from_different_forms_record_one(officer, approved) -> None:
    batch = released(officer, approved.round)
    payment = batch.payments.order_by("amount").first()
    assert payment is not None
    tokens = [idempotency.issue(officer, "payment.result", payment.pk) for _ in range(N)]
    outcomes = in_parallel(
        lambda i: services.payment_mark_paid(
            by=officer,
            payment=payment,
            voucher_number=f"PG-{i}",
            paid_on=timezone.localdate(),
            token=tokens[i],
        )
    )
    done = [o for o in outcomes if isinstance(o, services.Outcome)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(done) == 1 and len(refused) == N - 1
    assert all(getattr(o, "code", "") == "sequence" for o in refused)
    assert Payment.objects.filter(status=PaymentStatus.PAID).count() == 1
    assert AuditEvent.objects.filter(action="payment.paid").count() == 1


def test_twenty_identical_release_confirmations_release_once(officer, approved) -> None:
    batch = prepared(officer, approved.round)
    approver = new_approver()
    code = code_for(approver)
    token = idempotency.issue(approver, "payment_batch.release", batch.pk)
    outcomes = in_parallel(
        lambda i: services.batch_release(by=approver, batch=batch, code=code, lock=batch.lock, token=token)
    )
    assert all(isinstance(o, services.Outcome) for o in outcomes), outcomes
    assert sum(not o.replayed for o in outcomes) == 1
    assert AuditEvent.objects.filter(action="payment_batch.release", result="success").count() == 1
    batch.refresh_from_db()
    assert batch.status == "released" and batch.lock == 2


def test_parallel_preparations_pay_everyone_at_most_once(officer, approved) -> None:
    outcomes = in_parallel(lambda i: services.batch_prepare(by=officer, round=approved.round), n=8)
    done = [o for o in outcomes if isinstance(o, services.Outcome)]
    assert len(done) == 1 and PaymentBatch.objects.count() == 1
    assert all(getattr(o, "code", "") == "nothing_to_pay" for o in outcomes if o not in done)
    live = Payment.objects.filter(status__in=["pending", "paid"])
    assert live.count() == 3
    assert len(set(live.values_list("application_id", flat=True))) == 3
    assert sum(p.amount for p in live) == approved.total == Decimal("111000")


def test_parallel_allocations_never_exceed_the_budget(officer, make_plan_round) -> None:
    """Checklist 33: commitments of the round compete for the annual fund (Art. 3)."""
    from alarfund.plans.commitments import commitment_create
    from alarfund.plans.models import Commitment

    round_ = make_plan_round(budget_total="500000")
    outcomes = in_parallel(
        lambda i: commitment_create(
            by=officer, round=round_, article="22", label=f"费用{i}", purpose="p", amount="60000"
        ),
        n=10,
    )
    assert sum(1 for o in outcomes if isinstance(o, ValidationError)) == 2
    assert sum(c.amount for c in Commitment.objects.filter(round=round_)) == Decimal("480000")
