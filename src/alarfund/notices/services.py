"""Publishing and closing the public notice (Art. 17(三)), and the approval gate it sets for the plan.

* Publish: only a FROZEN plan version, one live notice per version and per round; the period is
  `art17.notice_working_days` working days counted from the first working day on or after the chosen
  start, computed with the working-day calendar (an unknown year is a form error naming the year).
* Close: only from the day after the last working day of the period, re-checked against the calendar
  as it is on that day, and never while an objection is open.
* Withdraw: by the bureau with a reason, or when an objection is upheld (objections.py).

Each write checks permission, follows ``NOTICE_TRANSITIONS``, and is audited in one transaction; a step
out of sequence raises ``OutOfSequence`` (HTTP 409) and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alarfund.accounts.permissions import Capability, require
from alarfund.audit.services import Actor, AuditContext, audit_record
from alarfund.plans.models import PlanVersion, VersionStatus
from alarfund.plans.services import OutOfSequence
from alarfund.policy.parameters import parameters_for
from alarfund.stale import check_version

from . import content, workdays
from .models import NOTICE_TRANSITIONS, Notice, NoticeStatus, ObjectionStatus

__all__ = ["OutOfSequence", "notice_close", "notice_publish", "notice_withdraw"]


def working_days_required(sales_year: int) -> int:
    """Art. 17(三): 公示期不少于 5 个工作日 (the parameters file, dated)."""
    return parameters_for(sales_year).art17_notice_working_days


@dataclass(frozen=True)
class Period:
    starts_on: dt.date
    first_working_day: dt.date
    earliest_end: dt.date
    working_days: int

    @property
    def closable_from(self) -> dt.date:
        return self.earliest_end + dt.timedelta(days=1)


def period_for(starts_on: dt.date, working_days: int, calendar: workdays.Calendar | None = None) -> Period:
    """The period of a notice starting on ``starts_on`` (raises ``CalendarMissing``)."""
    calendar = calendar or workdays.current()
    first = calendar.first_working_day(starts_on)
    end = calendar.earliest_end(first, working_days)
    return Period(starts_on, first, end, working_days)


def effective_end(notice: Notice, calendar: workdays.Calendar | None = None) -> dt.date:
    """The stored end, or later if the calendar was corrected since publication (raises ``CalendarMissing``)."""
    recomputed = period_for(notice.starts_on, notice.working_days, calendar).earliest_end
    return max(notice.earliest_end, recomputed)


def _move(notice: Notice, to: str) -> None:
    if to not in NOTICE_TRANSITIONS[notice.status]:
        raise OutOfSequence(
            _("The notice is %(status)s: this step is not possible any more.")
            % {"status": notice.get_status_display()}
        )
    notice.status = to


def _audit(by: Any, action: str, notice: Notice, context: AuditContext | None, **details: Any) -> None:
    audit_record(
        action=action,
        actor=Actor.of(by),
        context=context,
        object_type="notice",
        object_id=notice.pk,
        details={
            "round": str(notice.round_id),
            "plan_version": str(notice.plan_version_id),
            "status": notice.status,
            **details,
        },
    )


def live_notice(version: PlanVersion) -> Notice | None:
    return version.notices.filter(status=NoticeStatus.PUBLISHED).first()


def pending_reissue(version: PlanVersion) -> Notice | None:
    """The round's withdrawn notice not yet published again (the next notice is its reissue)."""
    return (
        Notice.objects.filter(
            round_id=version.round_id, status=NoticeStatus.WITHDRAWN, reissued_by__isnull=True
        )
        .order_by("-published_at")
        .first()
    )


def notice_publish(
    *,
    by: Any,
    version: PlanVersion,
    starts_on: dt.date | None,
    today: dt.date | None = None,
    context: AuditContext | None = None,
) -> Notice:
    """Publish the frozen version's public list from ``starts_on`` (today or later)."""
    require(by, Capability.PLAN_PREPARE)
    today = today or timezone.localdate()
    if not isinstance(starts_on, dt.date):
        raise ValidationError({"starts_on": [_("Enter the first day of the notice.")]})
    if starts_on < today:
        raise ValidationError({"starts_on": [_("The notice cannot start in the past.")]})
    with transaction.atomic():
        current = PlanVersion.objects.select_for_update().select_related("round").get(pk=version.pk)
        if current.status != VersionStatus.FROZEN:
            raise OutOfSequence(
                _(
                    "Only a frozen plan version is published for public notice; version %(number)s is %(status)s."
                )
                % {"number": current.number, "status": current.get_status_display()}
            )
        if Notice.objects.filter(round_id=current.round_id, status=NoticeStatus.PUBLISHED).exists():
            raise OutOfSequence(_("A notice of this round is already running: close or withdraw it first."))
        n = working_days_required(current.round.sales_year)
        try:
            period = period_for(starts_on, n)
        except workdays.CalendarMissing as exc:
            raise ValidationError({"starts_on": [str(exc)]}, code="calendar_missing") from None
        rows, total = content.snapshot(current)
        if not rows:
            raise ValidationError(_("The plan rewards nobody: there is no list to publish."), code="empty")
        reissue_of = pending_reissue(current)
        try:
            with transaction.atomic():
                notice = Notice.objects.create(
                    round=current.round,
                    plan_version=current,
                    starts_on=period.starts_on,
                    first_working_day=period.first_working_day,
                    earliest_end=period.earliest_end,
                    working_days=n,
                    content=rows,
                    total=total,
                    published_by=by,
                    reissue_of=reissue_of,
                )
        except IntegrityError:
            raise OutOfSequence(
                _("Someone else published a notice of this round at the same time.")
            ) from None
        _audit(
            by,
            "notice.publish",
            notice,
            context,
            starts_on=period.starts_on.isoformat(),
            first_working_day=period.first_working_day.isoformat(),
            earliest_end=period.earliest_end.isoformat(),
            working_days=n,
            enterprises=len(rows),
            total=str(total),
            reissue_of=str(reissue_of.pk) if reissue_of else "",
        )
    return notice


def notice_close(
    *,
    by: Any,
    notice: Notice,
    lock: int | None,
    today: dt.date | None = None,
    context: AuditContext | None = None,
) -> Notice:
    """End the notice: from the day after its last working day, with no objection open."""
    require(by, Capability.PLAN_PREPARE)
    today = today or timezone.localdate()
    with transaction.atomic():
        current = Notice.objects.select_for_update().select_related("plan_version").get(pk=notice.pk)
        if current.status != NoticeStatus.PUBLISHED:
            raise OutOfSequence(
                _("The notice is %(status)s: it cannot be closed.") % {"status": current.get_status_display()}
            )
        check_version(current.lock, lock)
        if current.plan_version.status != VersionStatus.FROZEN:
            raise OutOfSequence(
                _("The plan version of this notice is no longer frozen: withdraw the notice instead.")
            )
        open_count = current.objections.filter(status=ObjectionStatus.OPEN).count()
        if open_count:
            raise OutOfSequence(
                _(
                    "%(count)s objection(s) are still open: record a finding on each before closing the notice."
                )
                % {"count": open_count}
            )
        try:
            end = effective_end(current)
        except workdays.CalendarMissing as exc:
            raise ValidationError(str(exc), code="calendar_missing") from None
        if today <= end:
            raise OutOfSequence(
                _(
                    "The notice period runs until the end of %(end)s (%(days)s working days, Art. 17). "
                    "It can be closed from %(from)s."
                )
                % {
                    "end": end.isoformat(),
                    "days": current.working_days,
                    "from": (end + dt.timedelta(days=1)).isoformat(),
                }
            )
        _move(current, NoticeStatus.CLOSED)
        current.closed_on = today
        current.closed_by = by
        current.closed_at = timezone.now()
        current.lock += 1
        current.save()
        _audit(
            by, "notice.close", current, context, closed_on=today.isoformat(), earliest_end=end.isoformat()
        )
    return current


def withdraw(current: Notice, *, by: Any, reason: str) -> None:
    """Withdraw a locked, live notice (inside the caller's transaction)."""
    _move(current, NoticeStatus.WITHDRAWN)
    current.withdrawn_by = by
    current.withdrawn_at = timezone.now()
    current.withdrawal_reason = reason
    current.lock += 1
    current.save()


def notice_withdraw(
    *, by: Any, notice: Notice, reason: str, lock: int | None, context: AuditContext | None = None
) -> Notice:
    """Take a running notice down (e.g. the plan must change); the next notice of the round reissues it."""
    require(by, Capability.PLAN_PREPARE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the notice is withdrawn.")]})
    with transaction.atomic():
        current = Notice.objects.select_for_update().get(pk=notice.pk)
        if current.status != NoticeStatus.PUBLISHED:
            raise OutOfSequence(
                _("The notice is %(status)s: it cannot be withdrawn.")
                % {"status": current.get_status_display()}
            )
        check_version(current.lock, lock)
        withdraw(current, by=by, reason=reason)
        _audit(by, "notice.withdraw", current, context, reason=reason)
    return current


# -- the plan's approval gate -----------------------------------------------------------------------


def approval_problem(version: PlanVersion) -> str | None:
    """Why ``version`` cannot be approved yet (None: its notice is closed with no objection open)."""
    closed = version.notices.filter(status=NoticeStatus.CLOSED).order_by("-closed_at").first()
    if closed is None:
        return _(
            "The public notice must be closed first: publish the list for at least %(days)s working days "
            "(Art. 17) and close the notice after its period."
        ) % {"days": working_days_required(version.round.sales_year)}
    if closed.objections.filter(status=ObjectionStatus.OPEN).exists():
        return _("An objection to the public notice is still open: the plan cannot be approved.")
    return None
