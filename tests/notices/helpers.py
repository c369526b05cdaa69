"""A closed public notice for a frozen plan version, through the services with dates in the past.

The plan's approval requires it (Art. 17). The period is computed honestly with the calendar over
2025, which the built-in calendar and the seeded Xinjiang days cover: published from Monday
3 November 2025, five working days end on Friday 7 November, closed on Saturday 8 November.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from alarfund.notices.models import Notice, NoticeStatus
from alarfund.notices.services import notice_close, notice_publish
from alarfund.plans.models import PlanVersion, VersionStatus

PAST_START = dt.date(2025, 11, 3)


def closed_notice(version: PlanVersion, by: Any = None, *, starts_on: dt.date = PAST_START) -> Notice:
    by = by or version.frozen_by
    notice = notice_publish(by=by, version=version, starts_on=starts_on, today=starts_on)
    return notice_close(
        by=by, notice=notice, lock=notice.lock, today=notice.earliest_end + dt.timedelta(days=1)
    )


def ensure_closed_notice(version: PlanVersion, by: Any = None) -> None:
    """Before approving in a test: a frozen version gets its closed notice (once)."""
    version.refresh_from_db()
    if (
        version.status == VersionStatus.FROZEN
        and not version.notices.filter(status=NoticeStatus.CLOSED).exists()
    ):
        closed_notice(version, by)
