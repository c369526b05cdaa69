"""Demo data of the public notice (called at the end of `alarfund demo`, after the plan demo).

The demo's frozen plan version was published two weeks ago (the services' `today` argument: the
demo replays the notice as it would have run), its period computed with the real calendar; one
objection was filed during the period and dismissed with a finding, and the notice was closed today,
after its last working day, so that the plan can go on to approval and payment (payments demo).
Idempotent: a version that already has a notice is left alone. If the current year's Xinjiang days are not confirmed, the demo administrator confirms them with
a source that says plainly it is demo data to be checked (docs/notices.md); a year the built-in
calendar does not cover is never confirmed here: the demo then reports what is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone, translation

from alarfund.accounts.models import User
from alarfund.plans.models import VersionStatus
from alarfund.plans.services import current_version
from alarfund.rounds.models import Round

from . import calendar, objections, services, workdays
from .models import CalendarYear, Notice, ObjectionStatus

DEMO_YEAR = 2025
#: The demo's notice started this many days ago (within the window; five working days have passed).
PUBLISHED_DAYS_AGO = 14
DEMO_SOURCE = "演示数据：本年度新疆少数民族习惯节日放假安排未经平台核实，正式使用前须由管理员按自治区人民政府办公厅通知录入并确认"


def _confirm_demo_year(admin: User, year: int, report: Callable[[str], None]) -> bool:
    if not workdays.library_covers(year):
        report(
            f"Notice demo: the national calendar of {year} is not built in; enter it on the calendar page."
        )
        return False
    row = CalendarYear.objects.filter(year=year).first()
    if row is None or not row.xinjiang_confirmed:
        calendar.calendar_year_set(
            by=admin, year=year, part="xinjiang", source=DEMO_SOURCE, lock=row.lock if row else None
        )
        report(
            f"Notice demo: Xinjiang days of {year} confirmed as DEMO data (check them on the calendar page)."
        )
    return True


def seed_notice_demo(*, report: Callable[[str], None] = lambda _line: None) -> Notice | None:
    round_ = Round.objects.filter(sales_year=DEMO_YEAR).first()
    officer = User.objects.filter(username="shangwu").first()
    admin = User.objects.filter(username="admin").first()
    if round_ is None or officer is None or admin is None:
        report("Notice demo skipped: run the round and plan demos first.")
        return None
    version = current_version(round_)
    existing = version.notices.order_by("-published_at").first() if version else None
    if existing is not None:
        report(f"Notice {existing.starts_on} – {existing.earliest_end} ({existing.status}) already seeded.")
        return existing
    if version is None or version.status != VersionStatus.FROZEN:
        report("Notice demo skipped: no frozen plan version to publish.")
        return None
    today = timezone.localdate()
    starts_on = today - dt.timedelta(days=PUBLISHED_DAYS_AGO)
    with translation.override("zh-hans"), transaction.atomic():
        for year in sorted({starts_on.year, today.year}):
            if not _confirm_demo_year(admin, year, report):
                return None
        try:
            notice = services.notice_publish(
                by=officer, version=version, starts_on=starts_on, today=starts_on
            )
        except workdays.CalendarMissing as exc:  # the period spills into a year not entered
            report(f"Notice demo skipped: {exc.en}")
            return None
        listed = notice.content
        last = listed[-1]["application"] if listed else ""
        dismissed = objections.objection_file(
            notice=notice,
            name="陈晓",
            contact="chenxiao@example.com",
            application_id=last,
            text="该企业注册地不在阿拉尔市，不应享受奖励。",
            client_address="192.0.2.11",
            today=starts_on + dt.timedelta(days=1),
        )
        objections.objection_decide(
            by=officer,
            objection=dismissed,
            outcome=ObjectionStatus.DISMISSED,
            finding="经核查，该企业营业执照登记住所位于阿拉尔市，符合第十四条申报条件，异议不成立。",
        )
        notice.refresh_from_db()
        notice = services.notice_close(by=officer, notice=notice, lock=notice.lock, today=today)
    report(
        f"Notice {notice.starts_on} – {notice.earliest_end} ({notice.working_days} working days), closed "
        f"{notice.closed_on}: {len(listed)} enterprises, 1 objection dismissed (公示 /notices/{notice.pk}/; "
        f"objection tracking code {dismissed.tracking_code})."
    )
    return notice
