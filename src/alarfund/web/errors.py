"""Error pages: generic, translated, no stack traces. 403 says why and is audited."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.html import escape
from django.utils.translation import gettext as _

from alarfund.accounts.permissions import Refused
from alarfund.audit.models import AuditResult
from alarfund.audit.services import audit_from_request

logger = logging.getLogger("alarfund.errors")


def _audit_refusal(request: HttpRequest, details: dict[str, str]) -> None:
    try:
        audit_from_request(request, action="permission.refused", result=AuditResult.REFUSED, details=details)
    except Exception:  # the refusal page must still render
        logger.exception("could not audit a refusal")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, Refused):
        reason = exception.decision.reason
        details = {"path": request.path, "code": exception.decision.code}
        if exception.capability is not None:
            details["capability"] = str(exception.capability.value)
    else:
        reason = _("You do not have permission to open this page.")
        details = {"path": request.path, "code": "denied"}
    _audit_refusal(request, details)
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    _audit_refusal(request, {"path": request.path, "code": "csrf"})
    message = _("The form had expired or came from another site. Reload the page and try again.")
    return render(request, "errors/403.html", {"reason": message}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponse(loader.render_to_string("errors/400.html", {}), status=400)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """No request context: the page must render even when the database or sessions are down."""
    request_id = getattr(request, "request_id", "")
    logger.error("server error, request id %s", request_id)
    try:
        body = loader.render_to_string("errors/500.html", {"request_id": request_id})
    except Exception:  # e.g. static files not collected: fall back to plain HTML
        logger.exception("the error page itself failed")
        body = (
            f"<!doctype html><title>500</title><h1>{escape(_('Something went wrong'))}</h1>"
            f"<p>{escape(_('If you contact the Commerce Bureau about this error, give this reference:'))} "
            f"<code>{escape(request_id)}</code></p>"
        )
    return HttpResponse(body, status=500)
