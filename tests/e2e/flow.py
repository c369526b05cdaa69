"""The state the steps of the round share: the two applicants, the round, the people signed in, and
two navigation helpers of the review queues."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from alarfund.accounts.models import User
from alarfund.accounts.uscc import make_uscc
from alarfund.applications.models import Application
from alarfund.notices.models import Notice
from alarfund.plans.models import PlanVersion
from alarfund.rounds.models import Round

from .pages import Person, zh, zh_of

SALES_YEAR = 2025


@dataclass
class Enterprise:
    """An applicant as it registers itself: its organisation and its first user."""

    key: str
    name: str
    uscc: str
    org_type: str  # OrganisationType code
    entity: str  # the checklist's entity type
    representative: str
    birth_date: str  # of the representative (the ID number is made from it)
    phone: str
    bank_account: str
    username: str
    full_name: str
    password: str
    online_sales: str
    total_sales: str
    promotion_fees: str = ""  # claims Art. 7 when set
    expected_award: Decimal = Decimal("0")
    person: Person | None = None
    application_id: str = ""

    @property
    def claims_traffic(self) -> bool:
        return bool(self.promotion_fees)


ENTERPRISES = (
    Enterprise(
        key="tahe",
        name="阿拉尔市塔河果韵电子商务有限公司",
        uscc=make_uscc(authority_and_type="91", region="659002", org_body="MAE2E0A1"),
        org_type="enterprise",
        entity="enterprise",
        representative="马建军",
        birth_date="19790623",
        phone="13999700231",
        bank_account="6228480123456789031",
        username="taheguoyun",
        full_name="陈晓梅",
        password="Tarim-Apples-2026!",
        online_sales="1,500,000",
        total_sales="6,200,000",
        promotion_fees="80,000",
        expected_award=Decimal("62000.00"),  # Art. 5(1) 50,000 + Art. 7 15 % of 80,000
    ),
    Enterprise(
        key="hongzao",
        name="阿拉尔市十团红枣网店",
        uscc=make_uscc(authority_and_type="92", region="659002", org_body="MAE2E0B2"),
        org_type="individual_business",
        entity="individual",
        representative="阿依古丽·买买提",
        birth_date="19880912",
        phone="13899700452",
        bank_account="6217003060012345452",
        username="shituan-hongzao",
        full_name="阿依古丽",
        password="Red-Dates-Shop-2026!",
        online_sales="1,280,000",
        total_sales="1,350,000",
        expected_award=Decimal("50000.00"),  # Art. 5(1)
    ),
)
RETURN_REASON = "营业执照扫描件不清晰，请上传加盖公章的清晰彩色扫描件。"
OBJECTION_TEXT = "据了解，该网店2025年的部分线上销售额来自关联企业之间的刷单，请核查。"
FINDING_TEXT = "经核对平台后台交易明细和银行流水，未发现刷单情形，异议不成立。"
#: The notice is moved back by this many days to stand for the 5 working days the browser cannot wait.
NOTICE_AGE_DAYS = 21


@dataclass
class Flow:
    """The round under test and the people working on it (each signed in once, in their own context)."""

    person: Callable[[str], Person]
    staff: dict[str, User]
    password: str
    round_id: str = ""
    people: dict[str, Person] = field(default_factory=dict)
    enterprises: dict[str, Enterprise] = field(default_factory=dict)
    objection_code: str = ""

    def as_(self, role: str) -> Person:
        """The staff member of ``role``, signed in through the password and TOTP pages the first time."""
        if role not in self.people:
            user = self.staff[role]
            self.people[role] = self.person(user.full_name)
            self.people[role].sign_in(user, self.password)
        return self.people[role]

    @property
    def round(self) -> Round:
        return Round.objects.get(pk=self.round_id)

    def application(self, key: str) -> Application:
        return Application.objects.get(pk=self.enterprises[key].application_id)

    @property
    def version(self) -> PlanVersion:
        return PlanVersion.objects.get(round_id=self.round_id)

    @property
    def notice(self) -> Notice:
        return Notice.objects.get(round_id=self.round_id)

    @property
    def total(self) -> Decimal:
        return sum((e.expected_award for e in self.enterprises.values()), Decimal("0"))


def status(choice: Any) -> str:
    return zh_of(choice.label)


def open_from_queue(person: Person, queue: str, enterprise: Enterprise) -> None:
    person.follow(person.link(queue, within=person.page.locator("nav.site-nav")))
    person.follow(person.link(enterprise.name))
    person.heading(enterprise.name)


def accept(person: Person, queue: str, enterprise: Enterprise) -> None:
    open_from_queue(person, queue, enterprise)
    for radio in person.page.get_by_role("radio", name=zh("Accepted"), exact=True).all():
        radio.check()
    person.submit(person.button(zh("Accept")))
    person.flash(zh("The application was accepted."))
