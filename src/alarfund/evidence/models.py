"""Private documents: a document per material and subject, its versions, and the files of each version.

* ``Document``: one material (``material_code``, e.g. ``business_licence``) of one organisation for one
  subject (a generic reference, e.g. ``subject_type="application"`` and the application's UUID, so other
  apps attach documents without a foreign key). Sensitive documents (ID card images) are read by fewer
  roles, and every view is audited as a "reveal".
* ``DocumentVersion``: each upload adds a version (1, 2, 3 …); none is ever replaced or deleted here.
* ``DocumentFile``: the files of a version (an ID card has a front and a back), stored under a generated
  name in the private ``documents`` storage; the user's file name is kept, cleaned, for display only.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alarfund.accounts.models import Organisation

from .kinds import Kind

SUBJECT_ORGANISATION = "organisation"


class StoredFile(models.Model):
    """A checked file kept in the private documents storage under a generated name, with what is recorded
    about it: the base of the plan's, the registers', the clawbacks' and the bank results' file rows
    (store with `services.store_checked`, fill with `StoredFile.fields_of`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=150)
    kind = models.CharField(_("type"), max_length=8)
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    @staticmethod
    def fields_of(prepared: Any, stored_name: str) -> dict[str, Any]:
        """The recorded fields of a file `validation.prepare` checked and `store_checked` saved."""
        return {
            "stored_name": stored_name,
            "original_name": prepared.display_name[:150],
            "kind": prepared.kind,
            "content_type": prepared.content_type,
            "size": prepared.size,
            "sha256": prepared.sha256,
        }


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="documents"
    )
    material_code = models.CharField(_("material"), max_length=64)
    subject_type = models.CharField(_("attached to (type)"), max_length=32)
    subject_id = models.UUIDField(_("attached to (id)"))
    sensitive = models.BooleanField(_("sensitive personal information"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering: ClassVar[list[str]] = ["organisation", "material_code", "created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organisation", "subject_type", "subject_id", "material_code"],
                name="evidence_one_document_per_material_and_subject",
            ),
            models.CheckConstraint(name="evidence_material_code_not_empty", condition=~Q(material_code="")),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.material_code} ({self.organisation_id})"

    @property
    def latest_version(self) -> DocumentVersion | None:
        return self.versions.order_by("-number").first()


class DocumentVersion(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering: ClassVar[list[str]] = ["document", "number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["document", "number"], name="evidence_version_number_unique"),
            models.CheckConstraint(name="evidence_version_number_positive", condition=Q(number__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class DocumentFile(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(
        DocumentVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="files"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    # Generated (random UUID), never derived from the user's name or the file's id in URLs.
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=150)
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.BigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    metadata_removed = models.BooleanField(_("metadata removed"), default=False)
    #: Set when the retention job deleted the stored file (docs/retention.md); the row stays as a record.
    purged_at = models.DateTimeField(_("deleted under the retention rules"), null=True, blank=True)

    class Meta:
        verbose_name = _("document file")
        verbose_name_plural = _("document files")
        ordering: ClassVar[list[str]] = ["version", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["version", "position"], name="evidence_file_position_unique"),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["sha256"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def document(self) -> Document:
        return self.version.document
