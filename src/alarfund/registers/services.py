"""Writes to the registers (Capability.REGISTER_MANAGE, the Commerce Bureau).

Each service checks permission, validates everything first (errors keyed by field, in the reader's
language), then writes the entry and its audit event (with before/after) in one transaction. An import
is all or nothing: any bad row refuses the whole file with a row-by-row report, and nothing is stored.
"""

from __future__ import annotations

import csv
import io
import logging
import uuid
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alarfund.accounts.permissions import Capability, require
from alarfund.audit.models import AuditResult
from alarfund.audit.services import Actor, AuditContext, audit_record
from alarfund.evidence import validation
from alarfund.evidence.exceptions import UploadRefused
from alarfund.evidence.models import StoredFile
from alarfund.evidence.services import discard_stored, documents_storage, store_checked
from alarfund.spreadsheets import safe_text
from alarfund.stale import check_version

from . import importing
from .entries import FIELDS, clean_entry, identity, snapshot
from .models import Category, Register, RegisterEntry, RegisterFile, RegisterImport
from .selectors import active_entries

logger = logging.getLogger("alarfund.registers")
SOURCE_MATERIAL = "register_source"
IMPORT_MATERIAL = "register_import"
IMPORT_KINDS = ("csv", "xlsx")


class _Stored:
    """Files written to storage during a write; removed again if the write does not complete."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def __enter__(self) -> _Stored:
        return self

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        if kind is None:
            return
        for name in self.names:
            discard_stored(name)

    def save(self, *, by: Any, prepared: validation.Prepared) -> RegisterFile:
        """Store a checked file under a generated name; the row references it."""
        name = store_checked(prepared)
        self.names.append(name)
        return RegisterFile.objects.create(
            **StoredFile.fields_of(prepared, name),
            uploaded_by=by,
        )


def _prepare_source(upload: Any) -> validation.Prepared:
    try:
        return validation.prepare(upload, material_code=SOURCE_MATERIAL)
    except UploadRefused as refusal:
        raise ValidationError({"source_file": [str(refusal.messages[0])]}) from None


def _require_source(clean: dict[str, Any], has_file: bool) -> None:
    if not clean["source_reference"] and not has_file:
        raise ValidationError(
            {"source_reference": [_("Give the source document: its reference, an uploaded file, or both.")]}
        )


def _duplicate_of(clean: dict[str, Any], exclude: uuid.UUID | None = None) -> RegisterEntry | None:
    same = active_entries().filter(
        register=clean["register"],
        category=clean["category"],
        uscc=clean["uscc"],
        occurred_on=clean["occurred_on"],
        year=clean["year"],
    )
    if exclude is not None:
        same = same.exclude(pk=exclude)
    return same.first()


def register_entry_create(
    *, by: Any, data: dict[str, Any], source_file: Any = None, context: AuditContext | None = None
) -> RegisterEntry:
    require(by, Capability.REGISTER_MANAGE)
    clean = clean_entry(data)
    _require_source(clean, source_file is not None)
    if _duplicate_of(clean) is not None:
        raise ValidationError(_("This entry is already in the register."))
    prepared = _prepare_source(source_file) if source_file is not None else None
    try:
        with _Stored() as files, transaction.atomic():
            stored = files.save(by=by, prepared=prepared) if prepared else None
            entry = RegisterEntry.objects.create(**clean, source_file=stored, entered_by=by)
            audit_record(
                action="register.create",
                actor=Actor.of(by),
                context=context,
                object_type="register_entry",
                object_id=entry.pk,
                details={"after": snapshot(entry)},
            )
    finally:
        if prepared:
            prepared.close()
    return entry


def register_entry_update(
    *,
    by: Any,
    entry: RegisterEntry,
    version: int | None,
    data: dict[str, Any],
    source_file: Any = None,
    context: AuditContext | None = None,
) -> RegisterEntry:
    """Correct an entry (a stale form is refused); the trail keeps the values before and after."""
    require(by, Capability.REGISTER_MANAGE)
    clean = clean_entry(data)
    prepared = _prepare_source(source_file) if source_file is not None else None
    try:
        with _Stored() as files, transaction.atomic():
            current = RegisterEntry.objects.select_for_update().get(pk=entry.pk)
            check_version(current.version, version)
            if current.withdrawn_at is not None:
                raise ValidationError(_("A withdrawn entry cannot be changed."))
            _require_source(clean, prepared is not None or current.source_file_id is not None)
            if _duplicate_of(clean, exclude=current.pk) is not None:
                raise ValidationError(_("This entry is already in the register."))
            before = snapshot(current)
            for name, value in clean.items():
                setattr(current, name, value)
            if prepared:
                current.source_file = files.save(by=by, prepared=prepared)
            current.updated_by = by
            current.version += 1
            current.save()
            after = snapshot(current)
            audit_record(
                action="register.update",
                actor=Actor.of(by),
                context=context,
                object_type="register_entry",
                object_id=current.pk,
                details={
                    "before": {k: v for k, v in before.items() if after[k] != v},
                    "after": {k: v for k, v in after.items() if before[k] != v},
                },
            )
    finally:
        if prepared:
            prepared.close()
    return current


def register_entry_withdraw(
    *, by: Any, entry: RegisterEntry, version: int | None, reason: str, context: AuditContext | None = None
) -> RegisterEntry:
    """Withdraw an entry entered in error (or annulled): it stops counting, and stays on record."""
    require(by, Capability.REGISTER_MANAGE)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason.")]})
    with transaction.atomic():
        current = RegisterEntry.objects.select_for_update().get(pk=entry.pk)
        check_version(current.version, version)
        if current.withdrawn_at is not None:
            raise ValidationError(_("This entry has already been withdrawn."))
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = by
        current.withdrawn_reason = reason[:2000]
        current.version += 1
        current.save()
        audit_record(
            action="register.withdraw",
            actor=Actor.of(by),
            context=context,
            object_type="register_entry",
            object_id=current.pk,
            details={"before": {"withdrawn": False}, "after": {"withdrawn": True}, "reason": reason},
        )
    return current


@dataclass(frozen=True)
class RowError:
    row: int
    messages: list[str]


class ImportRefused(ValidationError):
    """The file or some of its rows are not acceptable: nothing was imported."""

    def __init__(self, message: str, *, rows: list[RowError] | None = None, code: str = "invalid") -> None:
        super().__init__(message, code=code)
        self.rows = rows or []
        self.reason_code = code


def _field_label(field: str) -> str:
    labels = {
        "register": _("register"),
        "category": _("category"),
        "uscc": _("unified social credit code"),
        "name": _("enterprise name"),
        "occurred_on": _("date of the finding or record"),
        "end_date": _("ban ends on"),
        "year": _("reward year"),
        "source_reference": _("source document (reference)"),
        "description": _("description"),
        "__all__": _("row"),
    }
    return str(labels.get(field, field))


def _sheet_message(error: importing.SheetError) -> str:
    if error.code == "unknown_columns":
        return _("Unknown columns: %(columns)s. Use the columns of the template.") % {"columns": error.detail}
    if error.code == "missing_columns":
        return _("Missing columns: %(columns)s.") % {"columns": error.detail}
    if error.code == "too_many_rows":
        return _("At most %(count)s rows can be imported at once: split the list.") % {"count": error.detail}
    return _("The spreadsheet has no header row and no entries.")


def _read(prepared: validation.Prepared) -> list[tuple[int, dict[str, Any]]]:
    prepared.content.seek(0)
    try:
        return importing.read_rows(prepared.kind, prepared.content, prepared.content_type)
    except importing.SheetError as error:
        raise ImportRefused(_sheet_message(error), code=error.code) from None
    except (UnicodeDecodeError, csv.Error, ValueError, KeyError, OSError):
        raise ImportRefused(_("The spreadsheet could not be read."), code="unreadable") from None


def _validate_rows(rows: list[tuple[int, dict[str, Any]]]) -> tuple[list[dict[str, Any]], list[RowError]]:
    cleaned: list[dict[str, Any]] = []
    errors: list[RowError] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, values in rows:
        messages: list[str] = []
        if values.pop("__extra__", False):
            messages.append(_("row: values outside the named columns"))
        try:
            clean = clean_entry(values)
        except ValidationError as exc:
            for field, field_messages in exc.message_dict.items():
                messages += [f"{_field_label(field)}: {message}" for message in field_messages]
            errors.append(RowError(number, messages))
            continue
        if not clean["source_reference"]:
            messages.append(
                f"{_field_label('source_reference')}: "
                + _("each imported entry needs the reference of its source document.")
            )
        key = identity(clean)
        if key in seen:
            messages.append(_("the same entry as row %(row)s") % {"row": seen[key]})
        elif _duplicate_of(clean) is not None:
            messages.append(_("already in the register"))
        seen.setdefault(key, number)
        if messages:
            errors.append(RowError(number, messages))
        else:
            cleaned.append(clean)
    return cleaned, errors


def register_import(*, by: Any, upload: Any, context: AuditContext | None = None) -> RegisterImport:
    """Import a CSV or XLSX list of entries: every row valid, or nothing imported (row-by-row report)."""
    require(by, Capability.REGISTER_MANAGE)
    try:
        prepared = validation.prepare(upload, material_code=IMPORT_MATERIAL)
    except UploadRefused as refusal:
        _audit_import_refused(by, context, refusal.reason_code, 0)
        raise ImportRefused(str(refusal.messages[0]), code=refusal.reason_code) from None
    try:
        if prepared.kind not in IMPORT_KINDS:
            _audit_import_refused(by, context, "kind_not_allowed", 0)
            raise ImportRefused(
                _("Import a CSV or XLSX spreadsheet (this file is %(kind)s).") % {"kind": prepared.kind},
                code="kind_not_allowed",
            )
        try:
            rows = _read(prepared)
        except ImportRefused as refused:
            _audit_import_refused(by, context, refused.reason_code, 0)
            raise
        cleaned, errors = _validate_rows(rows)
        if not rows:
            _audit_import_refused(by, context, "empty", 0)
            raise ImportRefused(_("The spreadsheet has no entries."), code="empty")
        if errors:
            _audit_import_refused(by, context, "bad_rows", len(errors))
            raise ImportRefused(
                _(
                    "%(bad)s of %(total)s rows are not valid: nothing was imported. Correct them and import again."
                )
                % {"bad": len(errors), "total": len(rows)},
                rows=errors,
                code="bad_rows",
            )
        with _Stored() as files, transaction.atomic():
            stored = files.save(by=by, prepared=prepared)
            batch = RegisterImport.objects.create(file=stored, imported_by=by, rows=len(cleaned))
            created = RegisterEntry.objects.bulk_create(
                RegisterEntry(**clean, source_file=stored, import_batch=batch, entered_by=by)
                for clean in cleaned
            )
            audit_record(
                action="register.import",
                actor=Actor.of(by),
                context=context,
                object_type="register_import",
                object_id=batch.pk,
                details={
                    "file": stored.original_name,
                    "sha256": stored.sha256,
                    "rows": len(created),
                    "entries": [str(e.pk) for e in created],
                },
            )
    finally:
        prepared.close()
    return batch


def _audit_import_refused(by: Any, context: AuditContext | None, code: str, bad_rows: int) -> None:
    audit_record(
        action="register.import",
        result=AuditResult.REFUSED,
        actor=Actor.of(by),
        context=context,
        object_type="register_import",
        details={"code": code, "bad_rows": bad_rows},
    )


EXPORT_COLUMNS = (
    "register",
    "category",
    "uscc",
    "name",
    "occurred_on",
    "end_date",
    "year",
    "source_reference",
    "description",
    "entered_by",
    "entered_at",
)


def register_export(*, by: Any, register: str = "", context: AuditContext | None = None) -> bytes:
    """The active entries as CSV (UTF-8 with BOM, importable again); no cell can run as a formula."""
    require(by, Capability.REGISTER_MANAGE)
    entries = active_entries().select_related("entered_by").order_by("register", "uscc", "entered_at")
    if register in Register.values:
        entries = entries.filter(register=register)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for entry in entries:
        values = snapshot(entry)
        row = [values[name] if name in FIELDS else "" for name in EXPORT_COLUMNS[:9]]
        row += [entry.entered_by.get_username(), entry.entered_at.date().isoformat()]
        writer.writerow([safe_text("" if value is None else str(value)) for value in row])
        count += 1
    audit_record(
        action="register.export",
        actor=Actor.of(by),
        context=context,
        object_type="register",
        object_id=register or "all",
        details={"rows": count},
    )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def register_file_open(
    *, user: Any, file_id: uuid.UUID, context: AuditContext | None = None
) -> tuple[RegisterFile, IO[bytes]]:
    """Open a source document or imported spreadsheet (the bureau only); every access is audited."""
    require(user, Capability.REGISTER_MANAGE)
    stored = RegisterFile.objects.get(pk=file_id)
    handle = documents_storage().open(stored.stored_name, "rb")
    audit_record(
        action="register.file_view",
        actor=Actor.of(user),
        context=context,
        object_type="register_file",
        object_id=stored.pk,
        details={"sha256": stored.sha256},
    )
    return stored, handle


__all__ = [
    "Category",
    "ImportRefused",
    "Register",
    "RowError",
    "register_entry_create",
    "register_entry_update",
    "register_entry_withdraw",
    "register_export",
    "register_file_open",
    "register_import",
]
