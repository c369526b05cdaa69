"""A seeded multi-round dataset: 2025 (approved plan, a binding Art. 10 budget, returns, commitments)
and 2026 (frozen plan), applicants across jurisdictions and entity types, a timeline with known dates.

Plans are computed, frozen and approved through the real plan services; the timeline rows get fixed
timestamps so processing times can be checked by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from alarfund.accounts.choices import Jurisdiction, Role
from alarfund.applications.models import Application, ApplicationStatus, StatusChange
from alarfund.plans.commitments import commitment_create, commitment_payment_add
from alarfund.plans.models import PlanVersion
from alarfund.plans.services import plan_approve, plan_freeze, plan_start
from alarfund.rounds.models import Round
from tests.plans.conftest import approver, make_plan_round, make_ready, officer, pdf_upload  # noqa: F401

S = ApplicationStatus
TZ = ZoneInfo("Asia/Shanghai")


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=TZ)


def timeline(application: Application, actor: Any, steps: list[tuple[str, str, str]]) -> None:
    """[(from, to, day)] as the application's timeline rows, at 10:00 local time of each day."""
    for from_status, to_status, day in steps:
        change = StatusChange.objects.create(
            application=application,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            actor_role=actor.role,
        )
        StatusChange.objects.filter(pk=change.pk).update(at=at(day))


FULL = [
    ("", S.SUBMITTED, "2026-03-02"),
    (S.SUBMITTED, S.ASSOCIATION_ACCEPTED, "2026-03-05"),
    (S.ASSOCIATION_ACCEPTED, S.BUREAU_ACCEPTED, "2026-03-10"),
    (S.BUREAU_ACCEPTED, S.AUDITED, "2026-03-20"),
    (S.AUDITED, S.READY, "2026-03-25"),
]


def closed_notice(version: PlanVersion, by: Any, *, objections: dict[str, int]) -> Any:
    """The public notice of `version`, closed after its period, with decided objections (Art. 17).

    Written directly (the notices app has its own tests of publishing and closing): the plan's
    approval requires a closed notice with no objection open.
    """
    from alarfund.notices.models import Notice, Objection

    notice = Notice.objects.create(
        round=version.round,
        plan_version=version,
        status="closed",
        starts_on=dt.date(2026, 4, 1),
        first_working_day=dt.date(2026, 4, 1),
        earliest_end=dt.date(2026, 4, 8),
        working_days=5,
        closed_on=dt.date(2026, 4, 9),
        closed_at=at("2026-04-09"),
        closed_by=by,
        total=version.total,
        published_by=by,
    )
    number = 0
    for status, count in objections.items():
        for _ in range(count):
            number += 1
            Objection.objects.create(
                notice=notice,
                tracking_code=f"T{version.round.sales_year}{number:04d}",
                status=status,
                name="异议人",
                contact="13900000000",
                text="异议内容",
                finding="" if status == "open" else "经核查",
                decided_at=None if status == "open" else at("2026-04-09"),
                decided_by=None if status == "open" else by,
            )
    return notice


@dataclass
class Dataset:
    r2025: Round
    r2026: Round
    v2025: PlanVersion
    v2026: PlanVersion
    apps: dict[str, Application] = field(default_factory=dict)
    officer: Any = None
    approver: Any = None


@pytest.fixture
def finance(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.FINANCE_OFFICER)


@pytest.fixture
def dataset(officer, approver, make_org, make_plan_round, make_ready) -> Dataset:  # noqa: F811
    r2025 = make_plan_round(2025, budget_10="50000")
    r2026 = make_plan_round(2026, budget_total="3000000")
    city = Jurisdiction.ALAR_CITY
    first = Jurisdiction.REGIMENT_1
    twelfth = Jurisdiction.REGIMENT_12

    def app(key: str, round_: Round, jurisdiction: str, entity: str = "enterprise", **kw: Any) -> Application:
        application = make_ready(round_, org=make_org(jurisdiction=jurisdiction), **kw)
        if entity != "enterprise":
            Application.objects.filter(pk=application.pk).update(entity_type=entity)
        apps[key] = application
        return application

    apps: dict[str, Application] = {}
    # 2025: A 5.1 + 5.2 (59,000); B, C line 10 (30,000 + 50,000 entitled, budget 50,000: factor 5/8);
    # G ready but ineligible (false materials); D rejected; E still in review; F a draft.
    a = app("A", r2025, city, lines=["5.1", "5.2"], online_sales="1200000", loan_interest_paid="30000")
    b = app("B", r2025, first, "individual", lines=["10"], parcels=60000)
    c = app("C", r2025, first, lines=["10"], parcels=100000)
    g = app("G", r2025, twelfth, lines=["10"], parcels=60000)
    Application.objects.filter(pk=g.pk).update(false_material_3y=True)
    d = app("D", r2025, twelfth, "individual", lines=["10"], parcels=70000, status=S.REJECTED)
    e = app("E", r2025, city, lines=["10"], parcels=70000, status=S.AUDITED)
    app("F", r2025, city, lines=["10"], parcels=70000, status=S.DRAFT)
    # 2026: H, 5.1 only.
    app("H", r2026, twelfth, lines=["5.1"], online_sales="2000000")

    timeline(a, officer, FULL)
    timeline(
        b,
        officer,
        [
            ("", S.SUBMITTED, "2026-03-03"),
            (S.SUBMITTED, S.RETURNED, "2026-03-04"),
            (S.RETURNED, S.SUBMITTED, "2026-03-08"),
            (S.SUBMITTED, S.ASSOCIATION_ACCEPTED, "2026-03-09"),
            (S.ASSOCIATION_ACCEPTED, S.BUREAU_ACCEPTED, "2026-03-15"),
            (S.BUREAU_ACCEPTED, S.AUDITED, "2026-03-21"),
            (S.AUDITED, S.READY, "2026-03-30"),
        ],
    )
    timeline(
        c,
        officer,
        [
            ("", S.SUBMITTED, "2026-03-01"),
            (S.SUBMITTED, S.ASSOCIATION_ACCEPTED, "2026-03-02"),
            (S.ASSOCIATION_ACCEPTED, S.BUREAU_ACCEPTED, "2026-03-04"),
            (S.BUREAU_ACCEPTED, S.AUDITED, "2026-03-12"),
            (S.AUDITED, S.READY, "2026-03-13"),
        ],
    )
    timeline(
        d,
        officer,
        [
            ("", S.SUBMITTED, "2026-03-05"),
            (S.SUBMITTED, S.ASSOCIATION_ACCEPTED, "2026-03-06"),
            (S.ASSOCIATION_ACCEPTED, S.RETURNED, "2026-03-07"),
            (S.RETURNED, S.SUBMITTED, "2026-03-10"),
            (S.SUBMITTED, S.REJECTED, "2026-03-11"),
        ],
    )
    timeline(e, officer, FULL[:4])

    commitment_create(
        by=officer, round=r2025, article="12", label="大数据服务", provider="某数据公司", amount="120000"
    )
    commitment_create(
        by=officer, round=r2025, article="13", label="协会服务", provider="电子商务协会", amount="150000"
    )
    commitment_create(
        by=officer,
        round=r2025,
        article="11",
        label="团场物流配送中心",
        provider="供销物流",
        amount="850000",
        document_number="财办建〔2022〕18号",
        funded_elsewhere=True,
    )
    big_data = r2025.commitments.get(article="12")
    commitment_payment_add(
        by=officer, commitment=big_data, amount="60000", paid_on=dt.date(2026, 5, 1), reference="凭证-001"
    )
    commitment_create(
        by=officer, round=r2026, article="12", label="大数据服务", provider="某数据公司", amount="120000"
    )

    v2025 = plan_start(by=officer, round=r2025)
    v2025 = plan_freeze(by=officer, version=v2025, lock=v2025.lock)
    closed_notice(v2025, officer, objections={"upheld": 1, "dismissed": 2})
    v2025 = plan_approve(
        by=approver,
        version=v2025,
        document_number="师市审〔2026〕8号",
        approval_date=dt.date(2026, 4, 15),
        upload=pdf_upload(),
        lock=v2025.lock,
    )
    v2026 = plan_start(by=officer, round=r2026)
    v2026 = plan_freeze(by=officer, version=v2026, lock=v2026.lock)
    return Dataset(r2025, r2026, v2025, v2026, apps, officer, approver)


def D(value: str) -> Decimal:
    return Decimal(value)
