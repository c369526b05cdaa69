"""Walking applications through the review: one helper per step, each through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from alarfund.accounts.models import User
from alarfund.applications.models import Application, FigureSource
from alarfund.applications.selectors import checklist_for
from alarfund.applications.services import application_submit
from alarfund.review.figures import relevant_fields
from alarfund.review.services import (
    audit_complete,
    final_figures_save,
    opinion_give,
    review_decide,
    review_mark_ready,
)
from tests.applications.helpers import pdf_bytes, started, upload_everything

DECLARED = {
    "online_sales": "1500000",
    "total_sales": "6200000",
    "promotion_fees": "80000",
    "parcels": "60000",
    "claimed_lines": ["7", "10"],
    "local_product_seller": True,
}


@dataclass
class Staff:
    officer: User
    association: User
    auditor: User
    statistics: User
    tax: User
    market: User
    approver: User
    finance: User
    admin: User

    @property
    def departments(self) -> list[User]:
        return [self.statistics, self.tax, self.market]


def submitted(applicant: User, round_: Any, **data: Any) -> Application:
    app = started(applicant, round_, **{**DECLARED, **data})
    upload_everything(app, applicant)
    return application_submit(
        by=applicant, application=app, version=app.version, pledge_name="王测试", pledge_accepted=True
    )


def resubmit(applicant: User, app: Application) -> Application:
    app.refresh_from_db()
    return application_submit(
        by=applicant, application=app, version=app.version, pledge_name="王测试", pledge_accepted=True
    )


def material_marks(app: Application, verdict: str = "accepted", **reasons: str) -> list[dict[str, str]]:
    """A mark for every material of the checklist; `reasons` marks those codes as needing a supplement."""
    marks = []
    for material in checklist_for(app):
        if material.code in reasons:
            marks.append(
                {
                    "kind": "material",
                    "code": material.code,
                    "verdict": "needs_supplement",
                    "reason": reasons[material.code],
                }
            )
        else:
            marks.append({"kind": "material", "code": material.code, "verdict": verdict, "reason": ""})
    return marks


def accept(reviewer: User, app: Application) -> Application:
    app.refresh_from_db()
    return review_decide(by=reviewer, application=app, decision="accept", marks=material_marks(app))


def return_with(reviewer: User, app: Application, **reasons: str) -> Application:
    app.refresh_from_db()
    figure_marks = [
        {"kind": "figure", "code": code[2:], "verdict": "needs_supplement", "reason": reason}
        for code, reason in reasons.items()
        if code.startswith("f_")
    ]
    materials = {code: reason for code, reason in reasons.items() if not code.startswith("f_")}
    return review_decide(
        by=reviewer, application=app, decision="return", marks=material_marks(app, **materials) + figure_marks
    )


def report() -> SimpleUploadedFile:
    return SimpleUploadedFile("审计报告.pdf", pdf_bytes(), content_type="application/pdf")


def declared_figures(app: Application) -> dict[str, Any]:
    figures = app.figure_sets.get(source=FigureSource.DECLARED)
    return {name: str(getattr(figures, name)) for name in relevant_fields(app)}


def audit(auditor: User, app: Application, **figures: Any) -> Application:
    app.refresh_from_db()
    return audit_complete(
        by=auditor,
        application=app,
        figures={**declared_figures(app), **figures},
        findings="核对无误",
        report_files=[report()],
    )


def consult(staff: Staff, app: Application, **verdicts: str) -> None:
    """Each department's opinion (no objection unless `verdicts` says e.g. tax="objection")."""
    for officer in staff.departments:
        verdict = verdicts.get(officer.department, "no_objection")
        opinion_give(
            by=officer,
            application=app,
            verdict=verdict,
            reason="税务登记异常" if verdict == "objection" else "",
        )


def finalise(officer: User, app: Application, reasons: dict[str, str] | None = None, **figures: Any) -> None:
    audited = app.figure_sets.get(source=FigureSource.AUDITED)
    values = {name: str(getattr(audited, name)) for name in relevant_fields(app)}
    final_figures_save(by=officer, application=app, figures={**values, **figures}, reasons=reasons or {})


def to_ready(staff: Staff, app: Application) -> Application:
    consult(staff, app)
    finalise(staff.officer, app)
    return review_mark_ready(by=staff.officer, application=app)


STEPS = ("submitted", "association_accepted", "bureau_accepted", "audited", "ready")


def walk(staff: Staff, applicant: User, round_: Any, to: str, **data: Any) -> Application:
    """A new application taken to status `to` along the procedure."""
    app = submitted(applicant, round_, **data)
    if to == "submitted":
        return app
    app = accept(staff.association, app)
    if to == "association_accepted":
        return app
    app = accept(staff.officer, app)
    if to == "bureau_accepted":
        return app
    app = audit(staff.auditor, app)
    if to == "audited":
        return app
    return to_ready(staff, app)


def money(value: str) -> Decimal:
    return Decimal(value)
