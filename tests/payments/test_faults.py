"""Security checklist 35: a fault injected in the middle of a batch leaves nothing behind, and the amounts
reconcile to the fen with the bank file."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest

from alarfund import idempotency
from alarfund.audit.models import AuditEvent
from alarfund.payments import exports, services
from alarfund.payments.models import Payment, PaymentBatch
from alarfund.payments.reconciliation import reconcile_version

pytestmark = pytest.mark.django_db


def test_a_fault_mid_batch_persists_nothing_and_the_form_can_be_sent_again(
    officer, approved, monkeypatch
) -> None:
    token = idempotency.issue(officer, "payment_batch.prepare", approved.round.pk)
    real = services._new_payment
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the database connection dropped")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_new_payment", failing)
    events = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        services.batch_prepare(by=officer, round=approved.round, token=token)
    assert calls["n"] == 2  # the first payment was written before the fault …
    assert not PaymentBatch.objects.exists() and not Payment.objects.exists()  # … and rolled back
    assert AuditEvent.objects.count() == events

    monkeypatch.setattr(services, "_new_payment", real)
    outcome = services.batch_prepare(by=officer, round=approved.round, token=token)
    assert not outcome.replayed
    batch = PaymentBatch.objects.get(pk=outcome.result["batch"])
    amounts = list(batch.payments.values_list("amount", flat=True))
    assert len(amounts) == 3 and batch.total == sum(amounts, Decimal(0))

    # The bank file says the same, to the fen, and so does the reconciliation.
    text = exports.transfer_list(by=officer, batch=batch, kind="csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    body = [r for r in rows if len(r) > 5 and r[4].isdigit()]
    assert sorted(Decimal(r[5]) for r in body) == sorted(amounts)
    assert Decimal(rows[-1][5]) == batch.total == approved.total
    figures = reconcile_version(approved)
    assert figures.balanced and figures.pending == approved.total and figures.paid == 0
