"""Demo data of the review (idempotent): the steps of the procedure done through the real services,
register entries, and the departments' opinions on the audited demo application.

`demo_step` is what the round demo uses to move an application one step: the audit and the move to
"ready" cannot be a bare status change (their guards want the audited figures and report, the three
opinions and the final figures), so they are done as the auditor, the departments and the bureau would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation

from alarfund.accounts.models import User
from alarfund.accounts.uscc import make_uscc
from alarfund.applications.models import Application, ApplicationStatus, FigureSource
from alarfund.applications.services import FIGURE_FIELDS, application_transition

from .figures import relevant_fields
from .models import DepartmentOpinion, OpinionVerdict
from .services import audit_complete, final_figures_save, opinion_give, review_mark_ready

S = ApplicationStatus
DEPARTMENT_USERS = ("tongji", "shuiwu", "shichang")
ALAR_REGION = "659002"
REPORT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n0\n%%EOF\n"
)


def _report() -> SimpleUploadedFile:
    return SimpleUploadedFile("审计报告.pdf", REPORT_PDF, content_type="application/pdf")


def _declared(application: Application) -> dict[str, Any]:
    figures = application.figure_sets.get(source=FigureSource.DECLARED)
    return {name: getattr(figures, name) for name in FIGURE_FIELDS}


def _audit(auditor: User, application: Application, note: str) -> Application:
    """The auditor confirms the declared figures, except that promotion fees without an invoice are
    taken out (5% less), to show a difference between the declared and the audited figure."""
    figures = {
        name: value for name, value in _declared(application).items() if name in relevant_fields(application)
    }
    if "promotion_fees" in figures:
        figures["promotion_fees"] = (Decimal(figures["promotion_fees"]) * Decimal("0.95")).quantize(
            Decimal("0.01")
        )
    return audit_complete(
        by=auditor, application=application, figures=figures, findings=note, report_files=[_report()]
    )


def _ready(officer: User, application: Application, note: str) -> Application:
    for username in DEPARTMENT_USERS:
        opinion_give(
            by=User.objects.get(username=username),
            application=application,
            verdict=OpinionVerdict.NO_OBJECTION,
        )
    audited = application.figure_sets.get(source=FigureSource.AUDITED)
    final_figures_save(
        by=officer,
        application=application,
        figures={name: getattr(audited, name) for name in relevant_fields(application)},
        reasons={},
    )
    return review_mark_ready(by=officer, application=application, note=note)


def demo_step(actor: User, application: Application, to: str, note: str, officer: User) -> Application:
    """Move a demo application one step along the procedure, as the role of that step would."""
    if to == S.AUDITED:
        return _audit(actor, application, note)
    if to == S.READY:
        return _ready(officer, application, note)
    return application_transition(by=actor, application=application, to=to, note=note)


# -- registers and opinions ------------------------------------------------------------------------
#: A company that does not apply in the demo, banned after fraud (Art. 20).
BANNED_COMPANY = ("阿拉尔市示范虚构商贸有限公司（演示）", "MA9DEMX1")


def _registers(officer: User, today: dt.date) -> int:
    from alarfund.registers.models import Register, RegisterEntry
    from alarfund.registers.services import register_entry_create

    created = 0
    banned_uscc = make_uscc(authority_and_type="91", region=ALAR_REGION, org_body=BANNED_COMPANY[1])
    if not RegisterEntry.objects.filter(register=Register.BAN, uscc=banned_uscc).exists():
        register_entry_create(
            by=officer,
            data={
                "register": Register.BAN,
                "uscc": banned_uscc,
                "name": BANNED_COMPANY[0],
                "occurred_on": today - dt.timedelta(days=200),
                "source_reference": "师市商务局处理决定〔2026〕3号（演示）",
                "description": "以虚假快递单号明细套取快递补贴，收回资金（第二十条第一项）。",
            },
        )
        created += 1
    four_above = User.objects.filter(username="qiye08").select_related("organisation").first()
    application = (
        Application.objects.filter(organisation_id=four_above.organisation_id).select_related("round").first()
        if four_above is not None
        else None
    )
    if four_above is not None and four_above.organisation is not None and application is not None:
        uscc = four_above.organisation.uscc
        if not RegisterEntry.objects.filter(register=Register.FOUR_ABOVE, uscc=uscc).exists():
            register_entry_create(
                by=officer,
                data={
                    "register": Register.FOUR_ABOVE,
                    "uscc": uscc,
                    "name": four_above.organisation.name,
                    "year": application.round.sales_year,
                    "source_reference": "师市办发〔2024〕9号 2025年度兑现名单（演示）",
                },
            )
            created += 1
    return created


def _opinions_on_audited() -> int:
    """Two of the three departments answer on the audited demo applications; the third is still awaited,
    so its officer finds the application in the queue."""
    given = 0
    for application in Application.objects.filter(status=S.AUDITED):
        for username in DEPARTMENT_USERS[:2]:
            officer = User.objects.get(username=username)
            if not DepartmentOpinion.objects.filter(
                application=application, department=officer.department
            ).exists():
                opinion_give(by=officer, application=application, verdict=OpinionVerdict.NO_OBJECTION)
                given += 1
    return given


def seed_review_demo(
    today: dt.date | None = None, *, report: Callable[[str], None] = lambda _line: None
) -> None:
    """Register entries and opinions of the demo (idempotent); notifications follow from the services."""
    today = today or timezone.localdate()
    officer = User.objects.get(username="shangwu")
    with translation.override("zh-hans"), transaction.atomic():
        entries = _registers(officer, today)
        opinions = _opinions_on_audited()
    report(
        f"Review demo: {entries} register entries and {opinions} department opinions added "
        "(the market-regulation opinion on the audited application is still awaited)."
    )
