"""The bureau's review, the audit, the departments' opinions, the final figures and the plan."""

from __future__ import annotations

from decimal import Decimal

from alarfund.applications.models import ApplicationStatus
from alarfund.plans.models import PlanVersion, VersionStatus

from . import files
from .flow import (
    Flow,
    accept,
    open_from_queue,
    status,
)
from .pages import zh


def bureau_accepts_and_engages_auditor(flow: Flow) -> None:
    """Art. 17(3), 18: the bureau's second review, then it engages the third-party auditor on the round's
    page (the auditor sees the round's applications from then on)."""
    officer = flow.as_("officer")
    officer.follow(officer.link(zh("Second review"), within=officer.page.locator("nav.site-nav")))
    officer.shoot("second-review-queue")
    for key in ("tahe", "hongzao"):
        accept(officer, zh("Second review"), flow.enterprises[key])
        assert flow.application(key).status == ApplicationStatus.BUREAU_ACCEPTED
    officer.goto(f"/rounds/manage/{flow.round_id}/")
    section = officer.page.locator("#auditors")
    auditor = flow.staff["auditor"]
    section.get_by_label(zh("Third-party auditor")).select_option(str(auditor.pk))
    section.get_by_label(zh("Audit contract reference")).fill("师市商审〔2026〕18号")
    officer.submit(officer.button(zh("Engage the auditor"), within=section))
    officer.flash(zh("The auditor is engaged for this round."))
    officer.sees("师市商审〔2026〕18号")
    officer.shoot("auditor-engaged")


def auditor_audits(flow: Flow) -> None:
    """The engaged auditor records the audited figures and uploads the report."""
    auditor = flow.as_("auditor")
    for key, enterprise in flow.enterprises.items():
        open_from_queue(auditor, zh("Audit"), enterprise)
        page = auditor.page
        form = page.locator("form").filter(has=auditor.button(zh("Complete the audit")))
        form.get_by_label(zh("Online sales in the sales year (yuan)")).fill(enterprise.online_sales)
        form.get_by_label(zh("Total sales per the VAT returns (yuan)")).fill(enterprise.total_sales)
        if enterprise.claims_traffic:
            form.get_by_label(zh("Online promotion fees paid to platforms (yuan)")).fill(
                enterprise.promotion_fees
            )
        form.get_by_label(zh("Audit report"), exact=True).set_input_files(files.pdf("审计报告.pdf"))
        form.get_by_label(zh("Findings")).fill("经核对平台电子账单和银行进账单，申报数据属实。")
        if key == "tahe":
            auditor.shoot("audit-form")
        auditor.submit(auditor.button(zh("Complete the audit")))
        auditor.flash(zh("The audit is recorded; the departments are consulted next."))
        assert flow.application(key).status == ApplicationStatus.AUDITED


def departments_give_opinions(flow: Flow) -> None:
    """Art. 17(3): the statistics, tax and market regulation departments each give their opinion."""
    for role in ("statistics", "tax", "market"):
        officer = flow.as_(role)
        for key, enterprise in flow.enterprises.items():
            open_from_queue(officer, zh("Department opinions"), enterprise)
            officer.page.get_by_label(zh("No objection"), exact=True).check()
            if role == "tax" and key == "tahe":
                officer.shoot("department-opinion")
            officer.submit(officer.button(zh("Record the opinion")))
            officer.flash(zh("Your department's opinion is recorded."))
    assert all(flow.application(key).department_opinions.count() == 3 for key in flow.enterprises)


def bureau_finalises(flow: Flow) -> None:
    """The bureau takes the audited figures as final and marks both applications ready for the plan."""
    officer = flow.as_("officer")
    for key, enterprise in flow.enterprises.items():
        open_from_queue(officer, zh("Second review"), enterprise)
        officer.submit(officer.button(zh("Save the final figures")))
        officer.flash(zh("The final figures are saved."))
        if key == "tahe":
            officer.shoot("final-figures")
        officer.submit(officer.button(zh("Mark ready for the reward plan")))
        officer.flash(zh("The application is ready for the reward plan."))
        assert flow.application(key).status == ApplicationStatus.READY


def bureau_computes_and_freezes_plan(flow: Flow) -> None:
    """Art. 3, 5, 7: the plan computed from the final figures, then frozen for approval."""
    officer = flow.as_("officer")
    nav = officer.page.locator("nav.site-nav")
    officer.follow(officer.link(zh("Reward plan and public notice"), within=nav))
    officer.follow(officer.link(zh("Plan")))
    officer.submit(officer.button(zh("Compute the plan")))
    officer.heading(zh("Reward plan"))
    total = sum((e.expected_award for e in flow.enterprises.values()), Decimal("0"))
    officer.sees(f"{total:,.2f}", *(e.name for e in flow.enterprises.values()))
    officer.shoot("plan-computed")
    officer.submit(officer.button(zh("Freeze this version for approval")))
    officer.flash(zh("The version is frozen and waits for approval."))
    version = PlanVersion.objects.get(round_id=flow.round_id)
    assert version.status == VersionStatus.FROZEN
    assert version.total == total
    officer.sees(status(VersionStatus.FROZEN))
    officer.shoot("plan-frozen")


def approver_and_finance_read_the_plan(flow: Flow) -> None:
    """The approver finds the frozen version waiting; the finance officer reads the plan, read-only."""
    approver = flow.as_("approver")
    approver.follow(approver.link(zh("Plan approval"), within=approver.page.locator("nav.site-nav")))
    approver.heading(zh("Plan approval"))
    approver.sees(zh("Awaiting approval"))
    approver.shoot("approver-waiting")
    finance = flow.as_("finance")
    finance.shoot("dashboard-finance")
    finance.goto(f"/plans/rounds/{flow.round_id}/")
    finance.heading(zh("Reward plan"))
    finance.sees(*(e.name for e in flow.enterprises.values()))
    for action in ("Compute the plan", "Freeze this version for approval", "Approve"):
        assert finance.page.get_by_role("button", name=zh(action), exact=True).count() == 0, action
    finance.shoot("finance-plan")
