"""The notice block of the plan version page: status, period, objections, and the next step."""

from __future__ import annotations

from typing import Any

from django import template

from alarfund.accounts.permissions import Capability, check
from alarfund.notices.models import NoticeStatus, ObjectionStatus
from alarfund.notices.objections import can_decide
from alarfund.notices.services import approval_problem, pending_reissue
from alarfund.plans.models import PlanVersion, VersionStatus

register = template.Library()


@register.inclusion_tag("notices/_version_notice.html", takes_context=True)
def notice_block(context: dict[str, Any], version: PlanVersion) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    notices = list(version.notices.order_by("-published_at"))
    live = next((n for n in notices if n.status == NoticeStatus.PUBLISHED), None)
    return {
        "version": version,
        "notices": notices,
        "live": live,
        "open_count": live.objections.filter(status=ObjectionStatus.OPEN).count() if live else 0,
        "can_publish": version.status == VersionStatus.FROZEN
        and live is None
        and check(user, Capability.PLAN_PREPARE).allowed,
        "can_manage": bool(can_decide(user)),
        "approval_problem": approval_problem(version) if version.status == VersionStatus.FROZEN else None,
        "reissue_of": pending_reissue(version) if version.status == VersionStatus.FROZEN else None,
    }
