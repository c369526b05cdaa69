"""View guards: sign-in, the staff two-factor step, and a capability from the permission table."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from .middleware import _redirect, needs_otp
from .permissions import Capability, require

View = Callable[..., HttpResponse]


def signed_in(view: View) -> View:
    """Signed in, and (for staff) past the two-factor step. Defence in depth behind the middleware."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if needs_otp(request.user):
            return _redirect("accounts:otp_verify", request)
        return view(request, *args, **kwargs)

    return wrapped


def capability_required(capability: Capability) -> Callable[[View], View]:
    """Signed in and holding ``capability`` (a refusal is a 403 page that says why, and is audited)."""

    def decorator(view: View) -> View:
        @signed_in
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require(request.user, capability)
            return view(request, *args, **kwargs)

        wrapped.capability = capability  # type: ignore[attr-defined]
        return wrapped

    return decorator
