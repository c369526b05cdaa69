"""Sign-in, sign-out, lock-out, password change and the staff two-factor (TOTP) step."""

from __future__ import annotations

from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from alarfund.audit.services import AuditContext

from . import services
from .forms import LoginForm, PasswordChangeWithRulesForm, TokenForm, password_help


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only. Flushes the session server-side: the old cookie is worthless afterwards."""


def locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes lock-out: the same page and message whether or not the user name exists."""
    form = LoginForm(request)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        "form": form,
        "locked_message": _(
            "Too many failed sign-in attempts. Sign-in is locked for %(minutes)d minutes; try again later."
        )
        % {"minutes": minutes},
    }
    return render(request, "accounts/login.html", context, status=429)


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


@sensitive_post_parameters()
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PasswordChangeWithRulesForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=user,
                new_password=form.cleaned_data["new_password1"],
                context=AuditContext.of(request),
            )
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            update_session_auth_hash(request, user)  # keeps this session, ends the others
            messages.success(request, _("Your password has been changed."))
            return HttpResponseRedirect(_safe_next(request, "web:dashboard"))
    context = {
        "form": form,
        "forced": getattr(user, "must_change_password", False),
        "password_help": password_help(),
    }
    return render(request, "accounts/password_change.html", context)


def _finish_otp(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    otp_login(request, device)
    request.session.cycle_key()  # a new session id for the elevated session
    return HttpResponseRedirect(_safe_next(request, "web:dashboard"))


@sensitive_post_parameters("token")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The two-factor step for staff who have a confirmed authenticator."""
    user: Any = request.user
    if not getattr(user, "is_staff_role", False) or user.is_verified():
        return redirect("web:dashboard")
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(reverse("accounts:otp_setup") + _next_query(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.totp_verify(
            user=user, token=form.cleaned_data["token"].strip(), context=AuditContext.of(request)
        )
        if device is not None:
            return _finish_otp(request, device)
        form.add_error(
            "token", _("This code is not valid, or it has already been used. Wait for the next code.")
        )
    return render(request, "accounts/otp_verify.html", {"form": form})


@sensitive_post_parameters("token")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in of a staff member: scan the QR code, then confirm with a first code."""
    user: Any = request.user
    if not getattr(user, "is_staff_role", False) or user.is_verified():
        return redirect("web:dashboard")
    try:
        device = services.totp_enrol_start(user=user)
    except ValidationError:
        return redirect(reverse("accounts:otp_verify") + _next_query(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = services.totp_enrol_confirm(
            user=user, token=form.cleaned_data["token"].strip(), context=AuditContext.of(request)
        )
        if confirmed is not None:
            messages.success(request, _("Two-factor authentication is set up."))
            return _finish_otp(request, confirmed)
        form.add_error("token", _("This code is not valid. Check the time on your phone and try again."))
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": _base32(device),
    }
    return render(request, "accounts/otp_setup.html", context)


def _next_query(request: HttpRequest) -> str:
    target = request.GET.get("next")
    return f"?next={target}" if target and target.startswith("/") and not target.startswith("//") else ""


def _base32(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode("ascii")


def _qr_svg(data: str) -> str:
    """An inline SVG QR code (no image request, no inline script or style: CSP-clean)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    return mark_safe(svg)  # noqa: S308 - generated by qrcode from our own URL, no user markup
