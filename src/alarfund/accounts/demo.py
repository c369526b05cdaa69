"""Demo accounts: one user per role and a few organisations. Idempotent; only ``alarfund demo`` runs it.

The demo passwords and TOTP secrets are printed, so a demo database must never become a production
one. A fresh install without the demo has no accounts at all.
"""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass
from typing import TextIO

from django.db import transaction
from django.utils import translation
from stdnum.cn import ric

from .choices import Department, Jurisdiction, OrganisationType, Role
from .models import Organisation, User
from .services import organisation_register, totp_device_issue, user_create, user_password_set
from .uscc import make_uscc

ALAR_REGION = "659002"  # administrative division code of 阿拉尔市


def demo_id_number(birth_date: str, sequence: str, *, region: str = ALAR_REGION) -> str:
    """A well-formed resident ID number for demo data (region, YYYYMMDD, 3-digit sequence, check)."""
    body = f"{region}{birth_date}{sequence}"
    return body + ric.calc_check_digit(body + "0")


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    uscc: str
    name: str
    org_type: str
    jurisdiction: str
    legal_representative: str
    representative_id_number: str
    contact_name: str
    contact_phone: str
    bank_name: str
    bank_account: str


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    organisation: str = ""  # DemoOrganisation.key
    department: str = ""
    affiliation: str = ""

    @property
    def password(self) -> str:
        return f"Demo-{self.username}-2025!"


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str
    where: str
    totp_secret: str = ""
    otpauth_uri: str = ""


ORGANISATIONS = (
    DemoOrganisation(
        "tahe",
        make_uscc(authority_and_type="91", region=ALAR_REGION, org_body="MA7K3Q2B"),
        "阿拉尔市塔河源果业电子商务有限公司",
        OrganisationType.ENTERPRISE,
        Jurisdiction.ALAR_CITY,
        "王建国",
        demo_id_number("19780315", "131"),
        "李娜",
        "13999700101",
        "中国农业银行阿拉尔分行",
        "6228480123456789012",
    ),
    DemoOrganisation(
        "shamo",
        make_uscc(authority_and_type="92", region=ALAR_REGION, org_body="L8H2N6P1"),
        "阿拉尔市沙漠绿洲干果商行",
        OrganisationType.INDIVIDUAL_BUSINESS,
        Jurisdiction.REGIMENT_10,
        "阿依古丽·买买提",
        demo_id_number("19850622", "244"),
        "阿依古丽·买买提",
        "13899700202",
        "新疆农村信用社阿拉尔市十团分社",
        "6230510987654321",
    ),
    DemoOrganisation(
        "silu",
        make_uscc(authority_and_type="91", region=ALAR_REGION, org_body="MA8D4R7C"),
        "新疆丝路通达供应链有限公司阿拉尔分公司",
        OrganisationType.BRANCH,
        Jurisdiction.REGIMENT_12,
        "张伟",
        demo_id_number("19800101", "357", region="652901"),
        "张伟",
        "0997-4612345",
        "中国建设银行阿拉尔分行",
        "65050170001234567890",
    ),
    DemoOrganisation(
        "yunshu",
        make_uscc(authority_and_type="91", region=ALAR_REGION, org_body="MA9F5T3D"),
        "阿拉尔市云数电子商务服务有限公司",
        OrganisationType.SERVICE_PROVIDER,
        Jurisdiction.ALAR_CITY,
        "陈静",
        demo_id_number("19900910", "468"),
        "刘晓燕",
        "18999700303",
        "中国工商银行阿拉尔支行",
        "3016002109200123456",
    ),
)

USERS = (
    DemoUser("tahe", "李娜", Role.APPLICANT, organisation="tahe"),
    DemoUser("shamo", "阿依古丽·买买提", Role.APPLICANT, organisation="shamo"),
    DemoUser("silu", "张伟", Role.APPLICANT, organisation="silu"),
    DemoUser("yunshu", "刘晓燕", Role.APPLICANT, organisation="yunshu"),
    DemoUser("xiehui", "周敏", Role.ASSOCIATION_REVIEWER, affiliation="师市电子商务协会"),
    DemoUser("shangwu", "刘洋", Role.BUREAU_OFFICER, affiliation="师市商务局"),
    DemoUser("shenpi", "赵刚", Role.BUREAU_APPROVER, affiliation="师市商务局"),
    DemoUser("shenji", "孙丽", Role.AUDITOR, affiliation="阿拉尔天衡会计师事务所（演示）"),
    DemoUser(
        "tongji", "马强", Role.DEPARTMENT_OFFICER, department=Department.STATISTICS, affiliation="师市统计局"
    ),
    DemoUser("shuiwu", "何平", Role.DEPARTMENT_OFFICER, department=Department.TAX, affiliation="师市税务局"),
    DemoUser(
        "shichang",
        "吴燕",
        Role.DEPARTMENT_OFFICER,
        department=Department.MARKET_REGULATION,
        affiliation="师市市场监督管理局",
    ),
    DemoUser("caizheng", "郑涛", Role.FINANCE_OFFICER, affiliation="师市财政局"),
    DemoUser("admin", "黄磊", Role.ADMINISTRATOR, affiliation="师市商务局"),
)

DEMO_USERNAMES = frozenset(u.username for u in USERS)


def _organisation(spec: DemoOrganisation, first_user: DemoUser) -> Organisation:
    existing = Organisation.objects.filter(uscc=spec.uscc).first()
    if existing is not None:
        return existing
    return organisation_register(
        uscc=spec.uscc,
        name=spec.name,
        org_type=spec.org_type,
        jurisdiction=spec.jurisdiction,
        legal_representative=spec.legal_representative,
        representative_id_number=spec.representative_id_number,
        contact_name=spec.contact_name,
        contact_phone=spec.contact_phone,
        bank_name=spec.bank_name,
        bank_account=spec.bank_account,
        username=first_user.username,
        full_name=first_user.full_name,
        password=first_user.password,
    ).organisation


def _user(spec: DemoUser, organisations: dict[str, Organisation]) -> User:
    user = User.objects.filter(username=spec.username).first()
    if user is None:
        return user_create(
            by=None,
            username=spec.username,
            full_name=spec.full_name,
            role=spec.role,
            organisation=organisations.get(spec.organisation),
            department=spec.department,
            affiliation=spec.affiliation,
            password=spec.password,
            must_change_password=False,
        )
    if not user.check_password(spec.password) or user.must_change_password:
        user_password_set(by=None, user=user, password=spec.password, must_change_password=False)
    return user


def _labels(role: str, department: str = "") -> str:
    def label(language: str) -> str:
        with translation.override(language):
            text = str(Role(role).label)
            return f"{text} ({Department(department).label})" if department else text

    return f"{label('zh-hans')} / {label('en')}"


@transaction.atomic
def seed_accounts() -> list[Login]:
    """Create what is missing, reset the demo passwords; returns the logins to print."""
    first_users = {u.organisation: u for u in USERS if u.organisation}
    organisations = {o.key: _organisation(o, first_users[o.key]) for o in ORGANISATIONS}
    logins = []
    for spec in USERS:
        user = _user(spec, organisations)
        where = organisations[spec.organisation].name if spec.organisation else spec.affiliation
        secret = uri = ""
        if user.is_staff_role:
            device = totp_device_issue(user=user)
            secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
            uri = device.config_url
        logins.append(
            Login(spec.username, spec.password, _labels(spec.role, spec.department), where, secret, uri)
        )
    return logins


def print_logins(logins: list[Login], out: TextIO) -> None:
    out.write(
        "\nalarfund demo: sign in at http://127.0.0.1:8000/accounts/login/\n"
        "演示账户（仅演示数据库；切勿用于生产）/ Demo accounts (demo database only; never in production)\n\n"
    )
    width = max(len(login.username) for login in logins)
    for login in logins:
        out.write(f"  {login.username:<{width}}  {login.password:<24}  {login.role}  ·  {login.where}\n")
    out.write(
        "\nStaff sign in with a TOTP code after the password (员工登录需动态口令). Either add the secret "
        "to an authenticator app, or print the current code with:\n"
        "    alarfund manage demo_totp <username>\n"
        "A code works once: to sign in again within the same 30 seconds, wait for the next code.\n\n"
    )
    for login in logins:
        if login.totp_secret:
            out.write(f"  {login.username:<{width}}  {login.totp_secret}\n      {login.otpauth_uri}\n")
    out.write("\n")
