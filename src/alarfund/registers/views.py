"""The bureau's register pages (Capability.REGISTER_MANAGE): list, enter, correct, withdraw, import,
export, and the source documents. Thin views over `services`."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alarfund.accounts.decorators import capability_required
from alarfund.accounts.permissions import Capability
from alarfund.audit.services import AuditContext
from alarfund.evidence.filenames import content_disposition
from alarfund.stale import StaleEdit

from . import services
from .forms import EntryForm, FilterForm, ImportForm, WithdrawForm
from .models import CATEGORIES, RegisterEntry, RegisterFile
from .selectors import search

manage_required = capability_required(Capability.REGISTER_MANAGE)


def _apply(form: EntryForm | WithdrawForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, messages_ in exc.message_dict.items():
            target = name if name in form.fields else None
            for message in messages_:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@manage_required
@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    entries = search(
        register=data.get("register", ""),
        query=data.get("q", ""),
        include_withdrawn=bool(data.get("withdrawn")),
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registers/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "register": data.get("register", "")},
    )


def _categories_help() -> list[tuple[str, list[str]]]:
    from .models import Category, Register

    return [(str(Register(r).label), [str(Category(c).label) for c in cs]) for r, cs in CATEGORIES.items()]


@manage_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest) -> HttpResponse:
    form = EntryForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.register_entry_create(
                by=request.user,
                data=form.values(),
                source_file=form.cleaned_data.get("source_file"),
                context=AuditContext.of(request),
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("The entry was added to the register."))
            return redirect("registers:edit", entry_id=entry.pk)
    if request.method == "POST":
        status = 400
    return render(
        request, "registers/entry.html", {"form": form, "categories": _categories_help()}, status=status
    )


@manage_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, entry_id: uuid.UUID) -> HttpResponse:
    entry = get_object_or_404(RegisterEntry.objects.select_related("source_file", "entered_by"), pk=entry_id)
    form = EntryForm(request.POST or None, request.FILES or None, initial=EntryForm.initial_from(entry))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.register_entry_update(
                by=request.user,
                entry=entry,
                version=_version(request),
                data=form.values(),
                source_file=form.cleaned_data.get("source_file"),
                context=AuditContext.of(request),
            )
        except StaleEdit as exc:
            _apply(form, exc)
            status = 409
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("The entry was corrected."))
            return redirect("registers:edit", entry_id=entry.pk)
    if request.method == "POST" and status == 200:
        status = 400
    context = {
        "form": form,
        "entry": entry,
        "withdraw_form": WithdrawForm(),
        "categories": _categories_help(),
    }
    return render(request, "registers/entry.html", context, status=status)


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() else None


@manage_required
@require_POST
def entry_withdraw(request: HttpRequest, entry_id: uuid.UUID) -> HttpResponse:
    entry = get_object_or_404(RegisterEntry, pk=entry_id)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.register_entry_withdraw(
                by=request.user,
                entry=entry,
                version=_version(request),
                reason=form.cleaned_data["reason"],
                context=AuditContext.of(request),
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("The entry was withdrawn; it no longer counts."))
            return redirect("registers:list")
    context = {
        "form": EntryForm(initial=EntryForm.initial_from(entry)),
        "entry": entry,
        "withdraw_form": form,
        "categories": _categories_help(),
    }
    return render(request, "registers/entry.html", context, status=400)


@manage_required
@require_http_methods(["GET", "POST"])
def entry_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    refusal = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                batch = services.register_import(
                    by=request.user, upload=form.cleaned_data["spreadsheet"], context=AuditContext.of(request)
                )
            except services.ImportRefused as exc:
                refusal = exc
            else:
                messages.success(request, _("%(count)d entries were imported.") % {"count": batch.rows})
                return redirect("registers:list")
    context = {"form": form, "refusal": refusal, "columns": services.EXPORT_COLUMNS[:9]}
    return render(request, "registers/import.html", context, status=status)


@manage_required
@require_GET
def entry_export(request: HttpRequest) -> HttpResponse:
    register = request.GET.get("register", "")
    body = services.register_export(by=request.user, register=register, context=AuditContext.of(request))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(f"registers-{register or 'all'}.csv")
    response["Cache-Control"] = "no-store, private, max-age=0"
    return response


@manage_required
@require_GET
def file_download(request: HttpRequest, file_id: uuid.UUID) -> FileResponse:
    try:
        stored, handle = services.register_file_open(
            user=request.user, file_id=file_id, context=AuditContext.of(request)
        )
    except RegisterFile.DoesNotExist:
        raise Http404 from None
    response = FileResponse(handle, content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition(stored.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private, max-age=0"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
