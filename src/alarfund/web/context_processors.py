"""What every page of the shell needs: the site name, languages and the signed-in user's menu."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from alarfund.accounts.middleware import needs_otp

from .workspaces import menu_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    fully_in = signed_in and not needs_otp(user) and not getattr(user, "must_change_password", False)
    return {
        "site_name": settings.ALARFUND_SITE_NAME,
        "shell_languages": settings.LANGUAGES,
        "shell_signed_in": signed_in,
        "shell_menu": menu_for(user) if fully_in else [],
    }
