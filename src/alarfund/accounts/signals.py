"""Audit receivers for sign-in, failed sign-in, lock-out and sign-out; session start time."""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from alarfund.audit.models import AuditResult
from alarfund.audit.services import Actor, AuditContext, audit_record

SESSION_LOGIN_AT = "alarfund_login_at"
SESSION_SEEN_AT = "alarfund_seen_at"


@receiver(user_logged_in, dispatch_uid="alarfund_audit_login")
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_LOGIN_AT] = now
        request.session[SESSION_SEEN_AT] = now
    audit_record(
        action="auth.login",
        actor=Actor.of(user),
        context=AuditContext.of(request) if request is not None else None,
        object_type="user",
        object_id=user.pk,
    )


@receiver(user_login_failed, dispatch_uid="alarfund_audit_login_failed")
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Only the user name that was typed; Django has already masked the password.
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        action="auth.login",
        result=AuditResult.FAILURE,
        actor=Actor(username=username, role="anonymous"),
        context=AuditContext.of(request) if request is not None else None,
    )


@receiver(user_locked_out, dispatch_uid="alarfund_audit_locked_out")
def on_locked_out(sender: Any, request: Any = None, username: str = "", **kwargs: Any) -> None:
    audit_record(
        action="auth.locked_out",
        result=AuditResult.REFUSED,
        actor=Actor(username=str(username or "")[:150], role="anonymous"),
        context=AuditContext.of(request) if request is not None else None,
    )


@receiver(user_logged_out, dispatch_uid="alarfund_audit_logout")
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    audit_record(
        action="auth.logout",
        actor=Actor.of(user),
        context=AuditContext.of(request) if request is not None else None,
        object_type="user",
        object_id=user.pk,
    )
