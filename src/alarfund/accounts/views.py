"""Organisation registration, the organisation page, the staff lists and user administration."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from alarfund.audit.services import AuditContext

from . import services
from .decorators import capability_required, signed_in
from .forms import RegistrationForm, UserCreateForm, password_help
from .models import Organisation, User
from .permissions import Capability
from .reveal import revealable_fields
from .uscc import MESSAGES, normalise, problem


def _apply_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@sensitive_post_parameters("password", "password_again", "bank_account", "representative_id_number")
@never_cache  # a refused form shows the numbers typed back to their owner: never keep it in a cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Public: an enterprise or individual business registers itself and its first user."""
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("password_again")
        try:
            registration = services.organisation_register(**data, context=AuditContext.of(request))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            login(request, registration.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your organisation is registered and you are signed in."))
            return redirect("web:dashboard")
    return render(request, "accounts/register.html", {"form": form, "password_help": password_help()})


@require_POST
def uscc_check(request: HttpRequest) -> HttpResponse:
    """htmx: checks the code's shape and check digit as it is typed (says nothing about who exists)."""
    code = normalise(request.POST.get("uscc", ""))
    reason = problem(code) if code else None
    context = {"code": code, "message": MESSAGES[reason] if reason else "", "ok": bool(code) and not reason}
    return render(request, "accounts/_uscc_feedback.html", context)


def _organisation_page(
    request: HttpRequest, organisation: Organisation, *, own: bool, revealed: dict[str, str] | None = None
) -> HttpResponse:
    context = {
        "organisation": organisation,
        "members": organisation.members.order_by("username"),
        "own": own,
        "can_reveal": revealable_fields(request.user, organisation),
        "revealed": revealed or {},
    }
    response = render(request, "accounts/organisation.html", context)
    if revealed:
        response["Cache-Control"] = "no-store, private, max-age=0"
    return response


@capability_required(Capability.ORGANISATION_VIEW_OWN)
def organisation_own(request: HttpRequest) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=request.user.organisation_id)
    return _organisation_page(request, organisation, own=True)


@capability_required(Capability.ORGANISATION_VIEW_ALL)
def organisation_detail(request: HttpRequest, organisation_id: Any) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    return _organisation_page(request, organisation, own=False)


@signed_in
@require_POST
def organisation_reveal(request: HttpRequest, organisation_id: Any) -> HttpResponse:
    """Show one masked number in full (audited). htmx swaps in the value; otherwise the whole page."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    field = request.POST.get("field", "")
    if organisation is None:
        raise Http404
    value = services.organisation_reveal(
        by=request.user, organisation=organisation, field=field, context=AuditContext.of(request)
    )
    if getattr(request, "htmx", False):
        response = render(request, "accounts/_revealed.html", {"value": value})
        response["Cache-Control"] = "no-store, private, max-age=0"
        return response
    own = organisation.pk == getattr(request.user, "organisation_id", None)
    return _organisation_page(request, organisation, own=own, revealed={field: value})


@capability_required(Capability.ORGANISATION_VIEW_ALL)
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.annotate(member_count=Count("members")).order_by("name")
    return render(request, "accounts/organisation_list.html", {"organisations": organisations})


@capability_required(Capability.USER_MANAGE)
@require_http_methods(["GET", "POST"])
def user_list(request: HttpRequest) -> HttpResponse:
    """Administrators: all accounts, a form for a new one (with a one-time temporary password)."""
    form = UserCreateForm(request.POST or None)
    created: dict[str, str] | None = None
    if request.method == "POST" and form.is_valid():
        temporary = _temporary_password()
        data = form.cleaned_data
        try:
            user = services.user_create(
                by=request.user,
                username=data["username"],
                full_name=data["full_name"],
                role=data["role"],
                department=data["department"] or "",
                organisation=data["organisation"],
                affiliation=data["affiliation"],
                email=data["email"],
                phone=data["phone"],
                password=temporary,
                must_change_password=True,
                context=AuditContext.of(request),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            # Shown once on this page, never stored in a message cookie or logged.
            created = {"username": user.username, "password": temporary}
            form = UserCreateForm()
    users = User.objects.select_related("organisation").order_by("role", "username")
    return render(request, "accounts/user_list.html", {"form": form, "users": users, "created": created})


@capability_required(Capability.USER_MANAGE)
@require_POST
def user_set_active(request: HttpRequest, user_id: Any) -> HttpResponse:
    target = get_object_or_404(User, pk=user_id)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(
            by=request.user, user=target, active=active, context=AuditContext.of(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if active:
            messages.success(
                request, _("The account %(username)s is enabled.") % {"username": target.username}
            )
        else:
            messages.success(
                request, _("The account %(username)s is disabled.") % {"username": target.username}
            )
    return HttpResponseRedirect(reverse("accounts:users"))


def _temporary_password() -> str:
    """A temporary password that satisfies every validator (the user changes it at first sign-in)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    body = "".join(secrets.choice(alphabet) for _ in range(14))
    return f"{body[:7]}-{body[7:]}7a"
