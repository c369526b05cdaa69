"""Demo data of the plan (the lead wires `seed_plan_demo` into `alarfund demo`): the 2025 round's
commitments and a computed, frozen plan version over its READY applications."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import translation

from alarfund.accounts.models import User
from alarfund.applications.models import ApplicationStatus
from alarfund.rounds.models import Round

from .commitments import commitment_create
from .models import PlanVersion, VersionStatus
from .services import current_version, plan_freeze, plan_start

DEMO_YEAR = 2025
COMMITMENTS: tuple[dict[str, Any], ...] = (
    {
        "article": "12",
        "label": "电子商务大数据监测服务（2025 年度）",
        "provider": "新疆丝路云数据科技有限公司",
        "amount": Decimal("120000"),
        "document_number": "师市商务采〔2025〕3号",
    },
    {
        "article": "13",
        "label": "电子商务协会申报组织与初审服务（2025 年度）",
        "provider": "第一师阿拉尔市电子商务协会",
        "amount": Decimal("200000"),
        "document_number": "师市商务采〔2025〕4号",
    },
    {
        "article": "11",
        "label": "团场三级物流配送体系建设项目（十二团、十四团）",
        "provider": "阿拉尔市供销物流有限公司",
        "amount": Decimal("850000"),
        "document_number": "财办建〔2022〕18号",
        "funded_elsewhere": True,
        "purpose": "县域商业体系建设资金支持，不占用本办法年度资金",
    },
)


def seed_plan_demo(*, report: Callable[[str], None] = lambda _line: None) -> PlanVersion | None:
    """Commitments (where missing) and, if any application is READY, a frozen plan version."""
    round_ = Round.objects.filter(sales_year=DEMO_YEAR).first()
    officer = User.objects.filter(username="shangwu").first()
    if round_ is None or officer is None:
        report("Plan demo skipped: run the round demo first.")
        return None
    with translation.override("zh-hans"), transaction.atomic():
        existing = set(round_.commitments.values_list("label", flat=True))
        for spec in COMMITMENTS:
            if spec["label"] not in existing:
                commitment_create(by=officer, round=round_, **spec)
        version = current_version(round_)
        if version is None and round_.applications.filter(status=ApplicationStatus.READY).exists():
            version = plan_start(by=officer, round=round_)
        if version is not None and version.status == VersionStatus.DRAFT:
            version = plan_freeze(by=officer, version=version, lock=version.lock)
    if version is None:
        report("Plan demo: commitments recorded; no application is READY, so no plan version yet.")
    else:
        report(
            f"Plan {round_.sales_year} v{version.number} ({version.status}): awards {version.total}, "
            f"commitments {version.commitments_total} (审批人 shenpi 可登记师市审定)."
        )
    return version
