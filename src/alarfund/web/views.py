"""Public pages, the dashboard and the work-area placeholders."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from alarfund.accounts.choices import Role
from alarfund.accounts.decorators import capability_required, signed_in
from alarfund.accounts.permissions import Capability, engaged_round_ids

from .workspaces import BY_SLUG, ROLE_INTRO, menu_for


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: the app answers and the database responds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@signed_in
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    role = getattr(user, "role", Role.APPLICANT)
    context = {
        "role_label": Role(role).label,
        "role_intro": ROLE_INTRO.get(role, ""),
        "workspaces": menu_for(user),
    }
    return render(request, "web/dashboard.html", context)


def workspace_view(slug: str) -> Callable[[HttpRequest], HttpResponse]:
    """A work area that is not built yet: says what the role will do there."""
    workspace = BY_SLUG[slug]

    @capability_required(workspace.capability)
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        context: dict[str, object] = {"workspace": workspace}
        if workspace.capability == Capability.AUDIT_WORK:
            context["engaged_rounds"] = len(engaged_round_ids(request.user))
        return render(request, "web/workspace.html", context)

    view.__name__ = f"workspace_{slug}"
    return view
