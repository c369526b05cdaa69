"""The public pages of the notice (no sign-in): the notices, one notice, printable lists, exports,
the objection form and the lookup by tracking code. Only public fields are shown (PIPL Art. 25); the
list itself is shown only while the notice runs (security checklist 39)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from alarfund.audit.services import AuditContext
from alarfund.evidence.filenames import content_disposition
from alarfund.plans.services import OutOfSequence
from alarfund.web.net import client_ip

from . import content, exports, objections
from .forms import LookupForm, ObjectionForm
from .models import Notice, NoticeStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _notice(notice_id: uuid.UUID) -> Notice:
    return get_object_or_404(Notice.objects.select_related("round", "reissue_of"), pk=notice_id)


def _live(notice_id: uuid.UUID) -> Notice:
    notice = _notice(notice_id)
    if notice.status != NoticeStatus.PUBLISHED:
        raise Http404
    return notice


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    notices = Notice.objects.select_related("round").order_by("-published_at")
    return render(
        request,
        "notices/public_list.html",
        {
            "live": [n for n in notices if n.status == NoticeStatus.PUBLISHED],
            "past": [n for n in notices if n.status != NoticeStatus.PUBLISHED],
        },
    )


@require_GET
def public_detail(request: HttpRequest, notice_id: uuid.UUID) -> HttpResponse:
    notice = _notice(notice_id)
    live = notice.status == NoticeStatus.PUBLISHED
    accepting, why = objections.accepting(notice)
    context = {
        "notice": notice,
        "live": live,
        "rows": content.rows(notice.content) if live else [],
        "jurisdictions": content.jurisdictions(notice.content) if live else [],
        "accepting": accepting,
        "why_not": why,
        "title": exports.title(notice),
        "today": timezone.localdate(),
    }
    return render(request, "notices/public_detail.html", context)


@require_GET
def printable(request: HttpRequest, notice_id: uuid.UUID) -> HttpResponse:
    """The whole list, or `?jurisdiction=` one 团场/镇's part, to post in that jurisdiction (Art. 17)."""
    notice = _live(notice_id)
    code = request.GET.get("jurisdiction", "")
    present = dict(content.jurisdictions(notice.content))
    if code and code not in present:
        raise Http404
    rows = content.rows(notice.content, jurisdiction=code)
    context = {
        "notice": notice,
        "rows": rows,
        "jurisdiction": present.get(code, ""),
        "title": exports.title(notice),
        "total": sum((r.total for r in rows), Decimal(0)),
    }
    return render(request, "notices/print.html", context)


@require_GET
def export(request: HttpRequest, notice_id: uuid.UUID, kind: str) -> HttpResponse:
    notice = _live(notice_id)
    stem = f"notice-{notice.round.sales_year}-{notice.starts_on:%Y%m%d}"
    if kind == "xlsx":
        data, content_type, name = exports.notice_xlsx(notice), XLSX, f"{stem}.xlsx"
    elif kind == "csv":
        data, content_type, name = exports.notice_csv(notice), "text/csv; charset=utf-8", f"{stem}.csv"
    else:
        raise Http404
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for errors in exc.message_dict.values() for m in errors]
    return [str(m) for m in exc.messages]


@require_http_methods(["GET", "POST"])
def object_new(request: HttpRequest, notice_id: uuid.UUID) -> HttpResponse:
    notice = _notice(notice_id)
    accepting, why = objections.accepting(notice)
    if request.method == "GET":
        form = ObjectionForm(notice=notice)
        context = {"notice": notice, "form": form, "accepting": accepting, "why_not": why}
        return render(request, "notices/objection_form.html", context)
    form = ObjectionForm(request.POST, request.FILES, notice=notice)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    status = 400
    errors: list[str] = []
    try:
        objection = objections.objection_file(
            notice=notice,
            name=request.POST.get("name", ""),
            contact=request.POST.get("contact", ""),
            application_id=request.POST.get("application", ""),
            text=request.POST.get("text", ""),
            upload=data.get("attachment") or request.FILES.get("attachment"),
            client_address=client_ip(request),
            context=AuditContext.of(request),
        )
    except objections.Throttled:
        context = {"notice": notice}
        return render(request, "notices/throttled.html", context, status=429)
    except OutOfSequence as exc:
        status, errors = 409, _messages(exc)
    except ValidationError as exc:
        errors = _messages(exc)
        if hasattr(exc, "error_dict"):
            for field, messages in exc.message_dict.items():
                if field in form.fields:
                    for message in messages:
                        if message not in form.errors.get(field, []):
                            form.add_error(field, message)
    else:
        # The tracking code is shown once, on this page (never in a URL).
        context = {"notice": notice, "code": objections.display_code(objection.tracking_code)}
        return render(request, "notices/objection_filed.html", context)
    context = {"notice": notice, "form": form, "accepting": accepting, "why_not": why, "errors": errors}
    return render(request, "notices/objection_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """The objector's status and the bureau's finding, by tracking code (POST: the code stays out of URLs)."""
    if request.method == "GET":
        return render(request, "notices/lookup.html", {"form": LookupForm()})
    form = LookupForm(request.POST)
    found = objections.objection_lookup(form.data.get("code", "")) if form.is_valid() else None
    context = {"form": form, "searched": True, "objection": found}
    return render(request, "notices/lookup.html", context, status=200 if found else 404)
