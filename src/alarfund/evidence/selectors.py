"""Reads reused by pages: a subject's documents with their versions and files."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Prefetch, QuerySet

from .access import can_view
from .models import Document, DocumentFile, DocumentVersion


def documents_for_subject(subject_type: str, subject_id: uuid.UUID) -> QuerySet[Document]:
    """Documents attached to a subject, versions newest first, files in order."""
    versions = DocumentVersion.objects.select_related("uploaded_by").order_by("-number")
    files = DocumentFile.objects.order_by("position")
    return (
        Document.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .prefetch_related(
            Prefetch("versions", queryset=versions), Prefetch("versions__files", queryset=files)
        )
        .order_by("material_code")
    )


def document_for(
    *, organisation_id: uuid.UUID, subject_type: str, subject_id: uuid.UUID, material_code: str
) -> Document | None:
    return Document.objects.filter(
        organisation_id=organisation_id,
        subject_type=subject_type,
        subject_id=subject_id,
        material_code=material_code,
    ).first()


def visible_documents(user: Any, documents: Any) -> list[Document]:
    """Only the documents ``user`` may open (for lists shown to several roles)."""
    return [document for document in documents if can_view(user, document)]
