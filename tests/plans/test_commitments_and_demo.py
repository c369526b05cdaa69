"""Commitments: the articles' rules, the annual cap, payments; and the demo's plan."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from alarfund.accounts.choices import Role
from alarfund.accounts.permissions import Refused
from alarfund.plans.commitments import commitment_create, commitment_payment_add, commitment_update
from alarfund.plans.models import Commitment

pytestmark = pytest.mark.django_db


def test_commitments_alone_above_the_cap_are_refused(officer, make_plan_round) -> None:
    round_ = make_plan_round(budget_total="1000000")
    commitment_create(
        by=officer,
        round=round_,
        article="11",
        label="物流项目",
        amount="700000",
        document_number="财办建〔2022〕18号",
    )
    commitment_create(by=officer, round=round_, article="12", label="大数据", provider="甲", amount="120000")
    with pytest.raises(ValidationError) as refused:
        commitment_create(
            by=officer, round=round_, article="22", label="评审费", purpose="专家评审", amount="180000.01"
        )
    assert "annual fund" in str(refused.value.message_dict["amount"]) or "资金规模" in str(
        refused.value.message_dict["amount"]
    )
    # funded from another source: does not count toward the cap
    commitment_create(
        by=officer,
        round=round_,
        article="11",
        label="另一个项目",
        amount="900000",
        document_number="X",
        funded_elsewhere=True,
    )
    commitment_create(
        by=officer, round=round_, article="22", label="评审费", purpose="专家评审", amount="180000"
    )
    assert Commitment.objects.filter(round=round_).count() == 4


def test_article_rules(officer, make_plan_round) -> None:
    round_ = make_plan_round()
    cases = [
        ({"article": "12", "label": "x", "provider": "p", "amount": "100000"}, "amount"),  # fixed 120,000
        (
            {"article": "13", "label": "x", "provider": "p", "amount": "200000.01"},
            "amount",
        ),  # at most 200,000
        ({"article": "11", "label": "x", "amount": "1"}, "document_number"),
        ({"article": "22", "label": "x", "amount": "1"}, "purpose"),
        (
            {"article": "12", "label": "x", "provider": "p", "amount": "120000", "funded_elsewhere": True},
            "funded_elsewhere",
        ),
        ({"article": "22", "label": "x", "purpose": "p", "amount": "1.001"}, "amount"),
        ({"article": "22", "label": "x", "purpose": "p", "amount": "-5"}, "amount"),
    ]
    for values, field in cases:
        with pytest.raises(ValidationError) as refused:
            commitment_create(by=officer, round=round_, **values)
        assert field in refused.value.message_dict, values
    commitment_create(by=officer, round=round_, article="12", label="大数据", provider="p", amount="120000")
    with pytest.raises(ValidationError):  # one Art. 12 contract a year
        commitment_create(
            by=officer, round=round_, article="12", label="again", provider="p", amount="120000"
        )


def test_only_plan_preparers_record_commitments(make_user, make_plan_round) -> None:
    round_ = make_plan_round()
    with pytest.raises(Refused):
        commitment_create(
            by=make_user(Role.BUREAU_APPROVER), round=round_, article="22", label="x", purpose="p", amount="1"
        )


def test_update_is_stale_safe_and_payments_never_exceed(officer, make_plan_round) -> None:
    round_ = make_plan_round()
    c = commitment_create(
        by=officer, round=round_, article="13", label="协会服务", provider="协会", amount="200000"
    )
    c = commitment_update(
        by=officer,
        commitment=c,
        version=c.version,
        article="13",
        label="协会服务",
        provider="协会",
        amount="150000",
    )
    with pytest.raises(ValidationError):
        commitment_update(
            by=officer, commitment=c, version=1, article="13", label="y", provider="协会", amount="1000"
        )
    commitment_payment_add(
        by=officer, commitment=c, amount="100000", paid_on=dt.date(2026, 6, 1), reference="付-1"
    )
    with pytest.raises(ValidationError) as refused:
        commitment_payment_add(
            by=officer, commitment=c, amount="50000.01", paid_on=dt.date(2026, 7, 1), reference="付-2"
        )
    assert "amount" in refused.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_parallel_commitments_cannot_together_exceed_the_cap(officer, make_plan_round) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter (SQLite serialises writers)")
    round_ = make_plan_round(budget_total="300000")
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def add(n: int) -> None:
        try:
            barrier.wait()
            commitment_create(
                by=officer, round=round_, article="22", label=f"费用{n}", purpose="p", amount="100000"
            )
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "ok", "ok", "refused"]
    assert sum(c.amount for c in Commitment.objects.filter(round=round_)) == 300000


def test_demo_commitments_and_frozen_plan(make_user, make_plan_round, make_ready) -> None:
    """The plan demo on a round like the demo's (the round demo itself belongs to the applications app)."""
    from alarfund.plans.demo import seed_plan_demo
    from alarfund.plans.services import verify

    officer = make_user(Role.BUREAU_OFFICER, username="shangwu")
    round_ = make_plan_round()
    round_.created_by = officer
    make_ready(
        round_,
        lines=["6", "7", "10"],
        online_sales="23500000",
        promotion_fees="420000",
        parcels=186000,
        local_brand_seller=True,
        local_product_seller=True,
    )
    make_ready(round_, lines=["10"], parcels=92000, status="audited")
    version = seed_plan_demo()
    assert {c.article for c in round_.commitments.all()} == {"11", "12", "13"}
    assert version is not None and version.status == "frozen"
    assert version.commitments_total == 320000  # the Art. 11 project funded elsewhere is not counted
    assert version.total == 150000 + 50000 + 80000
    assert len(version.sources) == 1 and len(version.excluded) == 1
    assert verify(version).reproduced
    assert seed_plan_demo() == version  # idempotent
