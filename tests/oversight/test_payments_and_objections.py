"""Figures that come from the notices and payments apps: objections, payments by status, paid dates in
the processing times, clawbacks and recoveries (Art. 17, 18, 20).

Rows are written directly with the models of those apps (their own tests cover how the rows come
about); the figures are checked against totals computed here.
"""

from __future__ import annotations

import datetime as dt
import statistics
from decimal import Decimal

import pytest
from django.utils import translation

from alarfund.oversight import figures, report

pytestmark = pytest.mark.django_db


def pay(dataset, key: str, amount: str, status: str, *, day: str = "", batch=None, reissue_of=None):
    from alarfund.payments.models import Payment, PaymentBatch

    if batch is None:
        batch = PaymentBatch.objects.create(
            plan_version=dataset.v2025,
            number=PaymentBatch.objects.filter(plan_version=dataset.v2025).count() + 1,
            status="released",
            prepared_by=dataset.officer,
            released_by=dataset.approver,
            released_at=dt.datetime(2026, 5, 1, tzinfo=dt.UTC),
        )
    number = Payment.objects.count() + 1
    application = dataset.apps[key]
    return Payment.objects.create(
        batch=batch,
        plan_version=dataset.v2025,
        application=application,
        organisation=application.organisation,
        amount=Decimal(amount),
        status=status,
        payee_name=application.organisation.name,
        bank_name="中国农业银行阿拉尔分行",
        bank_account="6228480123456789012",
        paid_on=dt.date.fromisoformat(day) if day else None,
        voucher_number=f"V{number:05d}" if status == "paid" else "",
        failure_reason="账户名不符" if status == "failed" else "",
        reissue_of=reissue_of,
    )


@pytest.fixture
def paid_round(dataset):
    pay(dataset, "A", "59000.00", "paid", day="2026-05-10")
    pay(dataset, "B", "18750.00", "paid", day="2026-05-12")
    failed = pay(dataset, "C", "31250.00", "failed")
    return dataset, failed


def test_objections_by_status(dataset) -> None:
    o = figures.objection_figures(dataset.r2025)
    assert o is not None and (o.filed, o.open, o.upheld, o.dismissed) == (3, 0, 1, 2)
    assert figures.objection_figures(dataset.r2026).filed == 0


def test_payments_by_status_and_a_reissue(paid_round) -> None:
    dataset, failed = paid_round
    p = figures.payment_figures(dataset.r2025)
    assert (p.paid, p.paid_count) == (Decimal("77750.00"), 2)
    assert (p.failed, p.failed_count) == (Decimal("31250.00"), 1)
    assert (p.pending, p.pending_count) == (0, 0)
    pay(dataset, "C", "31250.00", "pending", reissue_of=failed)
    p = figures.payment_figures(dataset.r2025)
    assert (p.pending, p.failed, p.failed_count) == (Decimal("31250.00"), 0, 0)
    assert p.paid + p.pending == dataset.v2025.total


def test_paid_dates_complete_the_processing_times(paid_round) -> None:
    dataset, _failed = paid_round
    steps = {(s.start, s.end): s for s in figures.processing_times(dataset.r2025)}
    approved_to_paid = [25, 27]  # 2026-04-15 → 05-10 (A), → 05-12 (B)
    submitted_to_paid = [69, 70]  # A submitted 03-02, B first submitted 03-03
    step = steps[("plan_approved", "paid")]
    assert sorted(step.days) == approved_to_paid and step.median == Decimal("26") and step.maximum == 27
    total = steps[("submitted", "paid")]
    assert sorted(total.days) == submitted_to_paid
    assert total.median == Decimal(str(statistics.median(submitted_to_paid))) == Decimal("69.5")


def test_clawbacks_and_recoveries(paid_round) -> None:
    from alarfund.payments.models import FraudFinding, Recovery

    dataset, _failed = paid_round
    b = dataset.apps["B"]
    finding = FraudFinding.objects.create(
        organisation=b.organisation,
        round=dataset.r2025,
        application=b,
        found_on=dt.date(2026, 6, 1),
        decision_number="师市商务罚〔2026〕1号",
        description="虚报快递单量",
        amount_paid=Decimal("18750.00"),
        amount_due=Decimal("18750.00"),
        recorded_by=dataset.officer,
    )
    for amount, ref in (("10000", "R1"), ("5000", "R2")):
        Recovery.objects.create(
            finding=finding,
            amount=Decimal(amount),
            received_on=dt.date(2026, 6, 20),
            reference=ref,
            recorded_by=dataset.officer,
        )
    c = figures.clawback_figures(dataset.r2025)
    assert (c.findings, c.settled, c.due, c.recovered, c.outstanding) == (
        1,
        0,
        Decimal("18750.00"),
        Decimal("15000"),
        Decimal("3750.00"),
    )
    year = {y.sales_year: y for y in figures.years_overview()}[2025]
    paid_out = Decimal("77750.00") + Decimal("60000")  # awards paid and the Art. 12 commitment payment
    assert year.paid == paid_out and year.recovered == Decimal("15000")
    assert year.execution_rate == (paid_out / Decimal("5000000")).quantize(Decimal("0.0001"))
    with translation.override("en"):
        built = {f.label: f for f in report.build(dataset.r2025).overview}
    net = built["Net expenditure (paid out less recovered)"]
    assert net.amount == paid_out - Decimal("15000")
    assert net.capital == "壹拾贰万贰仟柒佰伍拾元整"
