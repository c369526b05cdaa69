"""Session lifetime and the gates every signed-in request passes.

* Idle timeout (30 min) and absolute lifetime (12 h): past either, the user is signed out and sent to
  the sign-in page.
* A user who must change the password (bootstrap accounts) reaches only the password page.
* Staff signed in with a password only reach nothing but the two-factor step (TOTP) and sign-out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .signals import SESSION_LOGIN_AT, SESSION_SEEN_AT

#: Reachable whatever the state of the sign-in.
ALWAYS_OPEN = frozenset({"accounts:logout", "set_language", "web:healthz"})
#: Reachable while a password change is pending.
PASSWORD_PENDING_OPEN = ALWAYS_OPEN | {"accounts:password_change"}
#: Reachable by staff who have not passed the two-factor step yet.
OTP_PENDING_OPEN = ALWAYS_OPEN | {"accounts:otp_verify", "accounts:otp_setup"}


def _redirect(name: str, request: HttpRequest) -> HttpResponseRedirect:
    target = reverse(name)
    if request.method == "GET" and request.get_full_path() != target:
        target += "?" + urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(target)


def needs_otp(user: Any) -> bool:
    """A staff member who has not passed the two-factor step in this session."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_staff_role", False)
        and not (hasattr(user, "is_verified") and user.is_verified())
    )


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = float(session.get(SESSION_LOGIN_AT, now))
            seen_at = float(session.get(SESSION_SEEN_AT, now))
            idle = now - seen_at > settings.ALARFUND_SESSION_IDLE_SECONDS
            too_old = now - login_at > settings.ALARFUND_SESSION_ABSOLUTE_SECONDS
            if idle or too_old:
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
                return _redirect("accounts:login", request)
            session.setdefault(SESSION_LOGIN_AT, login_at)
            session[SESSION_SEEN_AT] = now
        return self.get_response(request)


class AccountGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        if getattr(user, "must_change_password", False):
            return None if name in PASSWORD_PENDING_OPEN else _redirect("accounts:password_change", request)
        if needs_otp(user) and name not in OTP_PENDING_OPEN:
            return _redirect("accounts:otp_verify", request)
        return None
