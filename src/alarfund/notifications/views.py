"""The user's notifications: the inbox, opening one (marks it read), and the e-mail switch."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alarfund.accounts.decorators import signed_in
from alarfund.audit.services import AuditContext

from . import services
from .models import Notification
from .texts import render as render_text


@signed_in
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient_id=request.user.pk).select_related(
        "application__round", "application__organisation"
    )
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    items = [{"notification": n, "text": render_text(n)} for n in page.object_list]
    context = {
        "page": page,
        "items": items,
        "email_enabled": services.email_enabled(request.user),
        "has_email": bool(request.user.email),
    }
    return render(request, "notifications/inbox.html", context)


@signed_in
@require_POST
def open_notification(request: HttpRequest, notification_id: uuid.UUID) -> HttpResponse:
    try:
        notification = services.notification_open(by=request.user, notification_id=notification_id)
    except Notification.DoesNotExist:
        raise Http404 from None
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "notifications:inbox"
    return redirect(target)


@signed_in
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_read_all(by=request.user)
    return redirect("notifications:inbox")


@signed_in
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    enabled = request.POST.get("email_enabled") == "on"
    services.preference_set(by=request.user, email_enabled=enabled, context=AuditContext.of(request))
    messages.success(
        request,
        _("E-mail notifications are on.") if enabled else _("E-mail notifications are off."),
    )
    return redirect("notifications:inbox")
