"""Demo round and applications: sales year 2025 with a dozen applications at every stage. Idempotent.

Everything is written through the services (permissions, timeline, audit trail), with small but real
files for the materials. The demo's 2025 round keeps a supplementary application window open around the
day the demo is seeded, so that a visitor can start and submit an application.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation

from alarfund.accounts.choices import Jurisdiction, OrganisationType
from alarfund.accounts.demo import ALAR_REGION, demo_id_number
from alarfund.accounts.models import User
from alarfund.accounts.services import organisation_register
from alarfund.accounts.uscc import make_uscc
from alarfund.review.demo import demo_step, seed_review_demo
from alarfund.rounds.models import AuditorEngagement, Round, RoundStatus
from alarfund.rounds.services import auditor_engage, round_create, round_transition

from .models import Application, ApplicationStatus
from .selectors import checklist_for
from .services import (
    application_material_upload,
    application_return_for_supplement,
    application_save,
    application_start,
    application_submit,
    application_withdraw,
)

S = ApplicationStatus
DEMO_YEAR = 2025
PASSWORD_PATTERN = "Demo-{username}-2025!"  # noqa: S105 - demo database only, printed by `alarfund demo`


@dataclass(frozen=True)
class DemoApplicant:
    username: str
    name: str
    org_type: str
    jurisdiction: str
    person: str
    stage: str
    figures: dict[str, Any] = field(default_factory=dict)


MORE_APPLICANTS = (
    DemoApplicant(
        "qiye01",
        "阿拉尔市红枣之乡电子商务有限公司",
        OrganisationType.ENTERPRISE,
        Jurisdiction.REGIMENT_1,
        "马红梅",
        S.READY,
        {
            "online_sales": "23500000",
            "claimed_lines": ["6", "7", "10"],
            "local_brand_seller": True,
            "local_product_seller": True,
            "promotion_fees": "420000",
            "parcels": "186000",
        },
    ),
    DemoApplicant(
        "qiye02",
        "阿拉尔市塔里木鲜果供应链有限公司",
        OrganisationType.ENTERPRISE,
        Jurisdiction.REGIMENT_2,
        "杨志强",
        S.READY,
        {
            "online_sales": "6200000",
            "claimed_lines": ["5.2", "8", "10"],
            "loan_interest_paid": "48000",
            "inland_warehouse_rent": "150000",
            "warehouse_province": "zhejiang",
            "parcels": "92000",
        },
    ),
    DemoApplicant(
        "qiye03",
        "阿拉尔市胡杨林直播电商有限公司",
        OrganisationType.ENTERPRISE,
        Jurisdiction.ALAR_CITY,
        "古丽娜尔",
        S.AUDITED,
        {
            "online_sales": "12800000",
            "claimed_lines": ["6", "9", "7"],
            "local_brand_seller": True,
            "local_product_seller": True,
            "promotion_fees": "260000",
            "demonstrations": [
                {"level": "provincial", "title": "兵团直播电商创新应用优秀案例", "selected_on": "2025-09-18"}
            ],
        },
    ),
    DemoApplicant(
        "qiye04",
        "阿拉尔市棉乡优品网络科技有限公司",
        OrganisationType.ENTERPRISE,
        Jurisdiction.REGIMENT_4,
        "李建华",
        S.BUREAU_ACCEPTED,
        {
            "online_sales": "1800000",
            "claimed_lines": ["5.2", "10"],
            "loan_interest_paid": "21000",
            "parcels": "54000",
        },
    ),
    DemoApplicant(
        "qiye05",
        "阿拉尔市沙海甜瓜电子商务有限公司",
        OrganisationType.ENTERPRISE,
        Jurisdiction.REGIMENT_6,
        "王晓东",
        S.ASSOCIATION_ACCEPTED,
        {
            "online_sales": "3400000",
            "claimed_lines": ["7"],
            "local_product_seller": True,
            "promotion_fees": "90000",
        },
    ),
    DemoApplicant(
        "qiye06",
        "阿拉尔市天山雪菊商贸有限公司",
        OrganisationType.ENTERPRISE,
        Jurisdiction.REGIMENT_7,
        "赵丽",
        S.ASSOCIATION_ACCEPTED,
        {"online_sales": "1000000", "claimed_lines": ["10"], "parcels": "50000"},
    ),
    DemoApplicant(
        "qiye07",
        "阿拉尔市多浪河农产品电商合作社",
        OrganisationType.ENTERPRISE,
        Jurisdiction.REGIMENT_8,
        "艾买提·吐尔逊",
        S.SUBMITTED,
        {
            "online_sales": "2600000",
            "claimed_lines": ["7", "10"],
            "local_product_seller": True,
            "promotion_fees": "52000",
            "parcels": "71000",
        },
    ),
    DemoApplicant(
        "qiye08",
        "阿拉尔市金沙滩核桃电子商务有限公司",
        OrganisationType.ENTERPRISE,
        Jurisdiction.REGIMENT_11,
        "孙海涛",
        S.REJECTED,
        {"online_sales": "1500000", "claimed_lines": [], "four_above_reward": True},
    ),
    DemoApplicant(
        "qiye09",
        "阿拉尔市绿洲蜂业网络销售部",
        OrganisationType.INDIVIDUAL_BUSINESS,
        Jurisdiction.REGIMENT_13,
        "周春燕",
        S.WITHDRAWN,
        {"online_sales": "400000", "claimed_lines": []},
    ),
)

#: The foundation demo's own applicant organisations, and where their applications stand.
FOUNDATION_APPLICANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "tahe": (
        S.RETURNED,
        {
            "online_sales": "8600000",
            "claimed_lines": ["5.2", "6", "10"],
            "loan_interest_paid": "36000",
            "local_brand_seller": True,
            "parcels": "164000",
        },
    ),
    "shamo": (S.DRAFT, {"online_sales": "1350000", "claimed_lines": ["10"], "parcels": "61000"}),
    "silu": (
        S.SUBMITTED,
        {
            "online_sales": "5600000",
            "claimed_lines": ["8"],
            "inland_warehouse_rent": "240000",
            "warehouse_province": "guangdong",
        },
    ),
}

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n0\n%%EOF\n"
)


def _tracking_csv(start: int, count: int = 20) -> bytes:
    """A short list of tracking numbers starting at `start` (each applicant its own range)."""
    rows = ["快递单号,快递公司,发货日期"]
    rows += [f"SF{1400000000000 + start + n},顺丰速运,2025-{(n % 12) + 1:02d}-15" for n in range(count)]
    return ("\n".join(rows) + "\n").encode("utf-8")


#: The demo's lists do not overlap, except qiye07's, which repeats two of qiye01's numbers: the
#: cross-applicant duplicate check has something real to find.
TRACKING_START = {"qiye07": 52_000 + 18}  # qiye01 starts at 52,000


def _file_for(code: str, username: str = "") -> SimpleUploadedFile:
    if code == "tracking_numbers":
        start = TRACKING_START.get(username, sum(map(ord, username)) % 97 * 1000)
        return SimpleUploadedFile("快递单号明细.csv", _tracking_csv(start), content_type="text/csv")
    return SimpleUploadedFile(f"{code}.pdf", PDF, content_type="application/pdf")


@dataclass
class Staff:
    officer: User
    association: User
    auditor: User
    approver: User


def _staff() -> Staff:
    return Staff(
        officer=User.objects.get(username="shangwu"),
        association=User.objects.get(username="xiehui"),
        auditor=User.objects.get(username="shenji"),
        approver=User.objects.get(username="shenpi"),
    )


def _round(staff: Staff, today: dt.date) -> Round:
    existing = Round.objects.filter(sales_year=DEMO_YEAR).first()
    if existing is not None:
        return existing
    round_ = round_create(
        by=staff.officer,
        sales_year=DEMO_YEAR,
        window_start=max(dt.date(DEMO_YEAR + 1, 1, 1), today - dt.timedelta(days=20)),
        window_end=today + dt.timedelta(days=40),
        enquiries="师市商务局电子商务科 0997-4600000（工作日 10:00–19:30）；师市电子商务协会 0997-4611111",
    )
    return round_transition(by=staff.officer, round=round_, to=RoundStatus.PUBLISHED)


def _organisation(spec: DemoApplicant, number: int) -> User:
    user = User.objects.filter(username=spec.username).first()
    if user is not None:
        return user
    registration = organisation_register(
        uscc=make_uscc(
            authority_and_type="92" if spec.org_type == OrganisationType.INDIVIDUAL_BUSINESS else "91",
            region=ALAR_REGION,
            org_body=f"MA{number:02d}QK7{number % 10}",
        ),
        name=spec.name,
        org_type=spec.org_type,
        jurisdiction=spec.jurisdiction,
        legal_representative=spec.person,
        representative_id_number=demo_id_number(
            f"1985{(number % 12) + 1:02d}1{number % 10}", f"{300 + number}"
        ),
        contact_name=spec.person,
        contact_phone=f"1399970{number:04d}",
        bank_name="中国农业银行阿拉尔分行",
        bank_account=f"62284801234{number:08d}",
        username=spec.username,
        full_name=spec.person,
        password=PASSWORD_PATTERN.format(username=spec.username),
    )
    return registration.user


def _apply(
    user: User, round_: Round, staff: Staff, stage: str, figures: dict[str, Any], today: dt.date
) -> Application:
    app = application_start(by=user, round=round_, today=today)
    app = application_save(by=user, application=app, version=app.version, data=figures)
    if stage == S.DRAFT:
        return app
    if stage == S.WITHDRAWN:
        return application_withdraw(by=user, application=app)
    for material in checklist_for(app):
        application_material_upload(
            by=user,
            application=app,
            material_code=material.code,
            files=[_file_for(material.code, user.username)],
        )
    app = application_submit(
        by=user,
        application=app,
        version=app.version,
        pledge_name=user.full_name,
        pledge_accepted=True,
        today=today,
    )
    steps: dict[str, list[tuple[User, str, str]]] = {
        S.SUBMITTED: [],
        S.RETURNED: [],
        S.REJECTED: [(staff.association, S.REJECTED, "同一年度已享受“四上企业”奖励（第十九条），不予受理")],
        S.ASSOCIATION_ACCEPTED: [(staff.association, S.ASSOCIATION_ACCEPTED, "材料齐全")],
        S.BUREAU_ACCEPTED: [
            (staff.association, S.ASSOCIATION_ACCEPTED, "材料齐全"),
            (staff.officer, S.BUREAU_ACCEPTED, "复审通过"),
        ],
        S.AUDITED: [
            (staff.association, S.ASSOCIATION_ACCEPTED, "材料齐全"),
            (staff.officer, S.BUREAU_ACCEPTED, "复审通过"),
            (staff.auditor, S.AUDITED, "审计无异议"),
        ],
        S.READY: [
            (staff.association, S.ASSOCIATION_ACCEPTED, "材料齐全"),
            (staff.officer, S.BUREAU_ACCEPTED, "复审通过"),
            (staff.auditor, S.AUDITED, "审计无异议"),
            (staff.officer, S.READY, "统计、税务、市场监管部门均无异议"),
        ],
    }
    for actor, to, note in steps[stage]:
        # The audit and the move to "ready" are done as the auditor, departments and bureau would.
        app = demo_step(actor, app, to, note, staff.officer)
    if stage == S.RETURNED:
        application_return_for_supplement(
            by=staff.association,
            application=app,
            items=[
                {
                    "kind": "figure",
                    "field": "parcels",
                    "reason": "申报快递单量与快递单号明细条数不一致，请核对后重新填报",
                },
                {"kind": "material", "code": "tracking_numbers", "reason": "快递单号明细缺少 12 月份数据"},
            ],
        )
    return app


def seed_round_demo(
    today: dt.date | None = None, *, report: Callable[[str], None] = lambda _line: None
) -> Round:
    """Create the demo round and its applications where missing (existing ones are left as they are)."""
    today = today or timezone.localdate()
    staff = _staff()
    with translation.override("zh-hans"), transaction.atomic():
        round_ = _round(staff, today)
        if not AuditorEngagement.objects.filter(round=round_, auditor=staff.auditor).exists():
            auditor_engage(
                by=staff.officer,
                round=round_,
                auditor=staff.auditor,
                contract_reference="师市商务审〔2026〕1号",
            )
        for key, (stage, figures) in FOUNDATION_APPLICANTS.items():
            user = User.objects.get(username=key)
            if not Application.objects.filter(round=round_, organisation=user.organisation).exists():
                _apply(user, round_, staff, stage, figures, today)
        for number, spec in enumerate(MORE_APPLICANTS, start=1):
            user = _organisation(spec, number)
            if not Application.objects.filter(round=round_, organisation=user.organisation).exists():
                _apply(user, round_, staff, spec.stage, spec.figures, today)
    seed_review_demo(today, report=report)
    count = Application.objects.filter(round=round_).count()
    report(
        f"Round {round_.sales_year}: window {round_.window_start} – {round_.window_end}, {count} applications "
        f"(演示申报窗口覆盖今天 / the demo keeps the window open around today)."
    )
    report(
        "More enterprise logins: "
        + ", ".join(f"{s.username} / {PASSWORD_PATTERN.format(username=s.username)}" for s in MORE_APPLICANTS)
    )
    return round_
