"""The number of unread notifications, for the link in the page header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def unread(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from alarfund.accounts.middleware import needs_otp

    if needs_otp(user):
        return {}
    from .services import unread_count

    return {"notifications_unread": unread_count(user), "notifications_enabled": True}
