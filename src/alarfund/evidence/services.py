"""Writes and audited reads of private documents.

``document_upload`` checks permission, checks every file by content (nothing is stored unless all
pass), stores the files under generated names, and records the version and its audit event in one
transaction; if the transaction fails, the stored files are removed again. ``document_file_open``
checks ``access.can_view``, audits the access (a "reveal" for sensitive documents) and opens the file.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from alarfund.accounts.models import Organisation
from alarfund.accounts.permissions import Capability, Refused, Scope, require
from alarfund.audit.models import AuditResult
from alarfund.audit.services import Actor, AuditContext, audit_record

from . import validation
from .access import HIDDEN_CODES, can_view
from .exceptions import UploadRefused
from .models import SUBJECT_ORGANISATION, Document, DocumentFile, DocumentVersion

__all__ = [
    "DocumentPurged",
    "UploadRefused",
    "document_file_open",
    "document_upload",
    "is_sensitive_material",
]

logger = logging.getLogger("alarfund.evidence")
STORAGE_ALIAS = "documents"
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def documents_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def is_sensitive_material(material_code: str) -> bool:
    from django.conf import settings

    return material_code in getattr(settings, "ALARFUND_SENSITIVE_MATERIALS", ())


def _generated_name() -> str:
    token = uuid.uuid4().hex
    return f"{token[:2]}/{token}"


def store_checked(prepared: validation.Prepared, *, folder: str = "") -> str:
    """Save a file that passed the checks in the private storage under a generated name (never the
    user's); returns the stored name for the caller's row. Call inside the caller's transaction and
    `discard_stored` the name if it fails."""
    prepared.content.seek(0)
    return documents_storage().save(f"{folder}{_generated_name()}", File(prepared.content))


def discard_stored(name: str) -> None:
    """Remove a stored file whose write failed (logged, never raised: the failure already is)."""
    try:
        documents_storage().delete(name)
    except Exception:
        logger.exception("could not remove a stored file after a failed write")


def _audit_refusal(
    *, actor: Any, organisation: Organisation, material_code: str, code: str, context: AuditContext | None
) -> None:
    logger.warning("upload refused: %s (organisation %s, material %s)", code, organisation.pk, material_code)
    audit_record(
        action="document.upload",
        result=AuditResult.REFUSED,
        actor=Actor.of(actor),
        context=context,
        object_type="organisation",
        object_id=organisation.pk,
        details={"material_code": material_code, "code": code},
    )


def document_upload(
    *,
    actor: Any,
    organisation: Organisation,
    material_code: str,
    files: Iterable[Any],
    subject_type: str = SUBJECT_ORGANISATION,
    subject_id: uuid.UUID | None = None,
    document: Document | None = None,
    sensitive: bool | None = None,
    context: AuditContext | None = None,
) -> DocumentVersion:
    """Add a version with ``files`` to the organisation's document for this material and subject.

    The document is created on first upload (one per organisation, subject and material); ``document``
    may be passed instead and must match. ``actor=None`` is a trusted command (the demo). Raises
    ``Refused`` if the actor may not prepare the organisation's applications, ``UploadRefused`` (a
    ``ValidationError`` with a translated message) if any file is not accepted; then nothing is stored.
    """
    if actor is not None:
        require(actor, Capability.APPLICATION_PREPARE, scope=Scope(organisation_id=organisation.pk))
    if not _CODE.match(material_code) or not _CODE.match(subject_type):
        raise ValueError("material_code and subject_type are lower-case codes")
    subject = subject_id if subject_id is not None else organisation.pk
    if subject_type == SUBJECT_ORGANISATION and subject != organisation.pk:
        raise ValueError("an organisation's own documents are attached to the organisation itself")
    if document is not None and (
        document.organisation_id != organisation.pk
        or document.material_code != material_code
        or document.subject_type != subject_type
        or document.subject_id != subject
    ):
        raise ValueError("the document belongs to another organisation, material or subject")
    uploads = list(files)
    try:
        if not uploads:
            raise UploadRefused(_("Choose at least one file."), code="no_files")
        if len(uploads) > validation.max_files():
            raise UploadRefused(
                _("At most %(count)d files can be uploaded at once.") % {"count": validation.max_files()},
                code="too_many_files",
            )
        prepared: list[validation.Prepared] = []
        try:
            for upload in uploads:
                prepared.append(validation.prepare(upload, material_code=material_code))
            return _store(
                actor=actor,
                organisation=organisation,
                material_code=material_code,
                subject_type=subject_type,
                subject_id=subject,
                sensitive=is_sensitive_material(material_code) if sensitive is None else sensitive,
                prepared=prepared,
                context=context,
            )
        finally:
            for item in prepared:
                item.close()
    except UploadRefused as refusal:
        _audit_refusal(
            actor=actor,
            organisation=organisation,
            material_code=material_code,
            code=refusal.reason_code,
            context=context,
        )
        raise


def _store(
    *,
    actor: Any,
    organisation: Organisation,
    material_code: str,
    subject_type: str,
    subject_id: uuid.UUID,
    sensitive: bool,
    prepared: list[validation.Prepared],
    context: AuditContext | None,
) -> DocumentVersion:
    storage = documents_storage()
    saved: list[str] = []
    user = actor if getattr(actor, "is_authenticated", False) else None
    try:
        for item in prepared:
            saved.append(storage.save(_generated_name(), File(item.content)))
        with transaction.atomic():
            document, _created = Document.objects.get_or_create(
                organisation=organisation,
                subject_type=subject_type,
                subject_id=subject_id,
                material_code=material_code,
                defaults={"sensitive": sensitive, "created_by": user},
            )
            document = Document.objects.select_for_update().get(pk=document.pk)
            if sensitive and not document.sensitive:
                document.sensitive = True  # never downgraded
                document.save(update_fields=["sensitive"])
            last = document.versions.aggregate(last=Max("number"))["last"] or 0
            version = DocumentVersion.objects.create(
                document=document, number=last + 1, uploaded_by=user, uploaded_at=timezone.now()
            )
            stored = DocumentFile.objects.bulk_create(
                DocumentFile(
                    version=version,
                    position=position,
                    stored_name=name,
                    original_name=item.display_name,
                    kind=item.kind,
                    content_type=item.content_type,
                    size=item.size,
                    sha256=item.sha256,
                    metadata_removed=item.metadata_removed,
                )
                for position, (item, name) in enumerate(zip(prepared, saved, strict=True), start=1)
            )
            audit_record(
                action="document.upload",
                actor=Actor.of(actor),
                context=context,
                object_type="document",
                object_id=document.pk,
                details={
                    "organisation": str(organisation.pk),
                    "material_code": material_code,
                    "subject_type": subject_type,
                    "subject_id": str(subject_id),
                    "version": version.number,
                    "sensitive": document.sensitive,
                    "files": [
                        {"id": str(f.pk), "kind": f.kind, "size": f.size, "sha256": f.sha256} for f in stored
                    ],
                },
            )
    except BaseException:
        for name in saved:
            try:
                storage.delete(name)
            except Exception:
                logger.exception("could not remove a stored file after a failed upload")
        raise
    return version


class DocumentHidden(Http404):
    """Not found, or someone else's: the same answer for both (and audited)."""


class DocumentPurged(Exception):
    """The file was deleted under the retention rules; its record (name, size, hash, date) remains."""

    def __init__(self, document_file: DocumentFile) -> None:
        super().__init__(str(document_file.pk))
        self.document_file = document_file


def document_file_open(
    *, user: Any, document_file_id: uuid.UUID, context: AuditContext | None = None
) -> tuple[DocumentFile, IO[bytes]]:
    """Check, audit and open one stored file for reading.

    Raises :class:`DocumentHidden` (404) when the file does not exist or belongs to another
    organisation, ``Refused`` (403 with the reason) when the user's role may not read it. Every
    refusal and every successful access is audited; access to a sensitive document is a "reveal".
    """
    document_file = (
        DocumentFile.objects.select_related("version__document").filter(pk=document_file_id).first()
    )
    if document_file is None:
        decision_code = "not_found"
        document = None
    else:
        document = document_file.version.document
        decision = can_view(user, document)
        decision_code = decision.code
        if not decision and decision.code not in HIDDEN_CODES:
            raise Refused(decision)  # the 403 page says why and audits the refusal
    if document is None or decision_code in HIDDEN_CODES:
        audit_record(
            action="document.view",
            result=AuditResult.REFUSED,
            actor=Actor.of(user),
            context=context,
            object_type="document_file",
            object_id=document_file_id,
            details={"code": decision_code},
        )
        raise DocumentHidden()
    if document_file.purged_at is not None:
        raise DocumentPurged(document_file)
    handle = documents_storage().open(document_file.stored_name, "rb")
    try:
        _audit_access(user=user, document_file=document_file, document=document, context=context)
    except BaseException:
        handle.close()
        raise
    return document_file, handle


def _audit_access(
    *, user: Any, document_file: DocumentFile, document: Document, context: AuditContext | None
) -> None:
    audit_record(
        action="document.reveal" if document.sensitive else "document.view",
        actor=Actor.of(user),
        context=context,
        object_type="document_file",
        object_id=document_file.pk,
        details={
            "document": str(document.pk),
            "organisation": str(document.organisation_id),
            "material_code": document.material_code,
            "version": document_file.version.number,
        },
    )
