"""After the freeze: public notice and objection, approval, payment, reconciliation, clawback."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from alarfund.notices import services as notice_services
from alarfund.notices import workdays
from alarfund.notices.models import Notice, NoticeStatus, Objection, ObjectionStatus
from alarfund.payments.models import FraudFinding, Payment, PaymentBatch
from alarfund.plans.models import VersionStatus
from alarfund.registers.models import RegisterEntry

from . import files
from .flow import (
    FINDING_TEXT,
    NOTICE_AGE_DAYS,
    OBJECTION_TEXT,
    SALES_YEAR,
    Flow,
)
from .pages import totp_code, zh


def administrator_confirms_working_days(flow: Flow) -> None:
    """The notice counts working days (Art. 17(3)): the administrator confirms the calendar of the years
    the notice runs in (the Xinjiang regional days always; the national days where the built-in calendar
    has none)."""
    admin = flow.as_("admin")
    today = timezone.localdate()
    years = sorted(
        {(today - dt.timedelta(days=NOTICE_AGE_DAYS)).year, today.year, (today + dt.timedelta(days=20)).year}
    )
    for year in years:
        parts = ["xinjiang"] + ([] if workdays.library_covers(year) else ["national"])
        for part in parts:
            admin.goto(f"/notices/calendar/?year={year}")
            admin.heading(zh("Working-day calendar"))
            form = admin.page.locator("form").filter(has=admin.button(zh("Save")))
            form.get_by_label(zh("Year"), exact=True).fill(str(year))
            form.get_by_label(zh("Which calendar is confirmed"), exact=True).select_option(part)
            form.get_by_label(zh("Source document")).fill(
                f"新疆维吾尔自治区人民政府办公厅关于{year}年部分节假日安排的通知"
            )
            admin.submit(admin.button(zh("Save"), within=form))
            admin.flash(zh("The year is marked complete for this part."))
    admin.shoot("working-day-calendar")


def bureau_publishes_notice(flow: Flow) -> None:
    """Art. 17(3): the frozen plan's list is published for at least 5 working days."""
    officer = flow.as_("officer")
    officer.goto(f"/plans/versions/{flow.version.pk}/")
    officer.follow(officer.link(zh("Publish the list for public notice")))
    officer.heading(zh("Publish the list for public notice"))
    officer.submit(officer.button(zh("Publish")))
    officer.flash(zh("The list is published for public notice."))
    assert flow.notice.status == NoticeStatus.PUBLISHED
    officer.shoot("notice-manage")


def public_files_objection(flow: Flow) -> None:
    """Anyone may object during the notice; the public page shows names and amounts only."""
    visitor = flow.person("群众")
    flow.people["public"] = visitor
    visitor.goto("/notices/")
    visitor.follow(visitor.page.locator("main").get_by_role("link").filter(has_text=str(SALES_YEAR)).first)
    hongzao = flow.enterprises["hongzao"]
    visitor.sees(hongzao.name, "50,000.00")
    page_text = visitor.page.locator("main").inner_text()
    assert hongzao.bank_account not in page_text and hongzao.phone not in page_text  # checklist 39
    visitor.shoot("notice-public")
    visitor.follow(visitor.link(zh("File an objection")))
    visitor.page.get_by_label(zh("Your name")).fill("王先生")
    visitor.page.get_by_label(zh("Phone or e-mail")).fill("13999700999")
    visitor.page.get_by_label(zh("Enterprise concerned")).select_option(label=hongzao.name)
    visitor.page.get_by_label(zh("Content of the objection"), exact=True).fill(OBJECTION_TEXT)
    visitor.submit(visitor.button(zh("Send the objection")))
    visitor.heading(zh("Objection received"))
    flow.objection_code = visitor.page.locator("code.secret").inner_text().strip()
    assert flow.objection_code
    visitor.shoot("objection-received")


def bureau_dismisses_objection(flow: Flow) -> None:
    """The bureau examines the objection and records its finding; the objector looks it up."""
    officer = flow.as_("officer")
    officer.goto(f"/notices/manage/{flow.notice.pk}/")
    officer.follow(officer.page.locator("main table").get_by_role("link").first)
    officer.sees(OBJECTION_TEXT)
    officer.page.get_by_label(zh("Dismissed"), exact=True).check()
    officer.page.get_by_label(zh("Reason (the objector reads it)")).fill(FINDING_TEXT)
    officer.shoot("objection-finding")
    officer.submit(officer.button(zh("Record the finding")))
    officer.flash(zh("The finding is recorded."))
    assert Objection.objects.get(notice__round_id=flow.round_id).status == ObjectionStatus.DISMISSED
    visitor = flow.people["public"]
    visitor.follow(visitor.link(zh("Look up an objection by its tracking code")))
    visitor.page.get_by_label(zh("Tracking code")).fill(flow.objection_code)
    visitor.submit(visitor.button(zh("Look up")))
    visitor.sees(FINDING_TEXT)


def notice_ends_and_is_closed(flow: Flow) -> None:
    """The period ends (the notice is moved back three weeks: the browser cannot wait 5 working days),
    then the bureau closes it."""
    notice = flow.notice
    period = notice_services.period_for(
        timezone.localdate() - dt.timedelta(days=NOTICE_AGE_DAYS), notice.working_days
    )
    Notice.objects.filter(pk=notice.pk).update(
        starts_on=period.starts_on,
        first_working_day=period.first_working_day,
        earliest_end=period.earliest_end,
    )
    officer = flow.as_("officer")
    officer.goto(f"/notices/manage/{notice.pk}/")
    officer.submit(officer.button(zh("Close the notice")))
    officer.flash(zh("The notice is closed. The plan can now be approved."))
    assert flow.notice.status == NoticeStatus.CLOSED


def approver_approves_plan(flow: Flow) -> None:
    """Art. 17: after the notice, the plan approved by the Division and city is recorded."""
    approver = flow.as_("approver")
    approver.goto(f"/plans/versions/{flow.version.pk}/")
    page = approver.page
    page.get_by_label(zh("Approval document number")).fill("师市办函〔2026〕36号")
    page.get_by_label(zh("Approval date")).fill(timezone.localdate().isoformat())
    page.get_by_label(zh("Approval document (PDF or scan)")).set_input_files(files.pdf("审定批复.pdf"))
    approver.submit(approver.button(zh("Approve")))
    approver.flash(zh("The approval of the Division and city is recorded."))
    assert flow.version.status == VersionStatus.APPROVED
    approver.shoot("plan-approved")


def payments_are_made(flow: Flow) -> None:
    """The officer prepares the batch, the approver releases it with a fresh TOTP code (maker-checker,
    step-up), the officer records the bank's vouchers."""
    officer = flow.as_("officer")
    officer.follow(officer.link(zh("Payments"), within=officer.page.locator("nav.site-nav")))
    officer.goto(f"/payments/rounds/{flow.round_id}/")
    officer.submit(officer.button(zh("Prepare a batch of these payments")))
    batch = PaymentBatch.objects.get(plan_version__round_id=flow.round_id)
    assert batch.status == "prepared" and batch.payments.count() == len(flow.enterprises)
    officer.shoot("payment-batch-prepared")
    approver = flow.as_("approver")
    approver.goto(f"/payments/batches/{batch.pk}/")
    approver.page.get_by_label(zh("Code from your authenticator app")).fill(totp_code(flow.staff["approver"]))
    approver.submit(approver.button(zh("Release this batch")))
    batch.refresh_from_db()
    assert batch.status == "released", approver.problems()
    officer.goto(f"/payments/batches/{batch.pk}/")
    for number, enterprise in enumerate(flow.enterprises.values(), start=1):
        article = officer.page.locator("article.payment").filter(has_text=enterprise.name)
        article.get_by_label(zh("Bank voucher number")).fill(f"ABC2026120{number}")
        article.get_by_label(zh("Paid on")).fill(timezone.localdate().isoformat())
        officer.submit(officer.button(zh("Record as paid"), within=article))
    assert set(Payment.objects.filter(batch=batch).values_list("status", flat=True)) == {"paid"}
    officer.shoot("payments-paid")


def payments_are_reconciled(flow: Flow) -> None:
    """Approved = paid, to the fen; the Finance Bureau reads the reconciliation."""
    finance = flow.as_("finance")
    finance.goto(f"/payments/rounds/{flow.round_id}/reconciliation/")
    finance.heading(zh("Reconciliation"))
    finance.sees(zh("Balanced: every fen is accounted for."), f"{flow.total:,.2f}")
    finance.shoot("reconciliation")


def clawback_bans_enterprise(flow: Flow) -> None:
    """Art. 20: fraud found later: what was paid is to be recovered and the enterprise is banned."""
    officer = flow.as_("officer")
    hongzao = flow.enterprises["hongzao"]
    officer.goto("/payments/findings/")
    officer.heading(zh("Fraud findings, recoveries and bans (Art. 20)"))
    officer.follow(officer.page.locator("main ul").get_by_role("link").filter(has_text=str(SALES_YEAR)).first)
    page = officer.page
    page.get_by_label(zh("Unified social credit code")).fill(hongzao.uscc)
    page.get_by_label(zh("Date of the finding")).fill(timezone.localdate().isoformat())
    page.get_by_label(zh("Decision document number")).fill("师市商发〔2026〕52号")
    page.get_by_label(zh("Facts found")).fill(
        "经市场监管部门查实，该网店以虚构交易方式虚增2025年线上销售额。"
    )
    page.get_by_label(zh("Decision document"), exact=True).set_input_files(files.pdf("处理决定.pdf"))
    officer.submit(officer.button(zh("Record the finding and the ban")))
    finding = FraudFinding.objects.get(organisation__uscc=hongzao.uscc)
    assert finding.amount_due == hongzao.expected_award
    assert finding.ban_entry is not None
    assert RegisterEntry.objects.filter(pk=finding.ban_entry.pk).exists()
    officer.sees(hongzao.name)
    officer.shoot("clawback-ban")


#: The whole round, in order.


def banned_enterprise_sees_why(flow: Flow) -> None:
    """The ban is shown to the enterprise itself, with the decision that made it (Art. 20)."""
    hongzao = flow.enterprises["hongzao"]
    person = hongzao.person
    assert person is not None
    person.goto(f"/applications/{hongzao.application_id}/")
    person.sees(zh("The Commerce Bureau's registers exclude this application:"), "师市商发〔2026〕52号")
    person.shoot("applicant-banned")


def finance_oversees_the_round(flow: Flow) -> None:
    """The Finance Bureau's dashboards and performance report show the round's money, to the fen."""
    from alarfund.applications.pdf import capital_rmb

    finance = flow.as_("finance")
    finance.goto("/oversight/")
    finance.sees(str(SALES_YEAR), f"{flow.total:,.2f}")
    finance.shoot("oversight-years")
    finance.goto(f"/oversight/rounds/{flow.round_id}/")
    finance.sees(f"{flow.total:,.2f}")
    assert finance.page.locator("svg[role=img]").count() > 0
    finance.shoot("oversight-round")
    finance.goto(f"/oversight/report/{flow.round_id}/")
    finance.sees(capital_rmb(flow.total))
    finance.shoot("performance-report")
