"""One uploaded file → a checked, cleaned copy ready to store (or :class:`UploadRefused`).

The upload is copied once into a private spooled temporary file (in memory up to 1 MB, then on local
disk, removed when closed) while counting bytes, so the size limit holds whatever the client declared.
All checks run on that copy; images are re-encoded without metadata. Nothing touches the document
storage or the database here.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import sniffing
from .exceptions import UploadRefused
from .filenames import sanitise_filename, split_extension, with_extension
from .images import reencode_without_metadata
from .kinds import ALL_KINDS, IMAGE_KINDS, Kind, kind_of_extension

SPOOL_IN_MEMORY = 1024 * 1024


def max_bytes_for(material_code: str) -> int:
    per_material: dict[str, int] = getattr(settings, "ALARFUND_UPLOAD_MAX_BYTES_BY_MATERIAL", {})
    return int(per_material.get(material_code, settings.ALARFUND_UPLOAD_MAX_BYTES))


def kinds_for(material_code: str) -> tuple[str, ...]:
    per_material: dict[str, list[str]] = getattr(settings, "ALARFUND_UPLOAD_KINDS_BY_MATERIAL", {})
    return tuple(Kind(kind) for kind in per_material.get(material_code, ALL_KINDS))


def max_files() -> int:
    return int(getattr(settings, "ALARFUND_UPLOAD_MAX_FILES", 10))


def xlsx_max_uncompressed_for(material_code: str) -> int:
    per_material: dict[str, int] = getattr(settings, "ALARFUND_XLSX_MAX_UNCOMPRESSED_BY_MATERIAL", {})
    default = int(getattr(settings, "ALARFUND_XLSX_MAX_UNCOMPRESSED", 300 * 1024 * 1024))
    return int(per_material.get(material_code, default))


def limits_for(material_code: str) -> sniffing.Limits:
    return sniffing.Limits(
        max_bytes=max_bytes_for(material_code),
        max_image_pixels=int(getattr(settings, "ALARFUND_UPLOAD_MAX_IMAGE_PIXELS", 50_000_000)),
        xlsx_max_entries=int(getattr(settings, "ALARFUND_XLSX_MAX_ENTRIES", 2_000)),
        xlsx_max_uncompressed=xlsx_max_uncompressed_for(material_code),
        xlsx_max_ratio=int(getattr(settings, "ALARFUND_XLSX_MAX_RATIO", 200)),
    )


@dataclass
class Prepared:
    """A file that passed every check: what will be stored, and what is recorded about it."""

    display_name: str
    kind: str
    content_type: str
    size: int
    sha256: str
    metadata_removed: bool
    content: IO[bytes]
    _closers: list[Any] = field(default_factory=list, repr=False)

    def close(self) -> None:
        for item in self._closers:
            item.close()


def _too_large(filename: str, limit: int) -> UploadRefused:
    return UploadRefused(
        _("the file is larger than %(limit)s, the most accepted for this material.")
        % {"limit": filesizeformat(limit)},
        code="too_large",
        filename=filename,
    )


def _spool(upload: Any, *, limit: int, filename: str) -> IO[bytes]:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+b")
    copied = 0
    try:
        if hasattr(upload, "seek"):
            upload.seek(0)
        chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(64 * 1024), b"")
        for chunk in chunks:
            copied += len(chunk)
            if copied > limit:
                raise _too_large(filename, limit)
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def prepare(upload: Any, *, material_code: str) -> Prepared:
    """Check one uploaded file (a Django ``UploadedFile`` or any object with ``name`` and ``read``)."""
    filename = sanitise_filename(getattr(upload, "name", "") or "")
    limits = limits_for(material_code)
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limits.max_bytes:
        raise _too_large(filename, limits.max_bytes)
    spool = _spool(upload, limit=limits.max_bytes, filename=filename)
    try:
        return _check(spool, filename=filename, material_code=material_code, limits=limits)
    except BaseException:
        spool.close()
        raise


def _check(spool: IO[bytes], *, filename: str, material_code: str, limits: sniffing.Limits) -> Prepared:
    size = spool.seek(0, io.SEEK_END)
    if size == 0:
        raise UploadRefused(_("the file is empty."), code="empty", filename=filename)
    spool.seek(0)
    head = spool.read(sniffing.HEAD_BYTES)
    sniffing.check_head(head, filename=filename)
    kind = sniffing.detect(head, filename=filename)
    allowed = kinds_for(material_code)
    _stem, extension = split_extension(filename)
    if kind == Kind.PDF:
        sniffed = sniffing.check_pdf(spool, size, filename=filename)
    elif kind in IMAGE_KINDS:
        sniffed = sniffing.Sniffed(kind, sniffing.CONTENT_TYPES[kind], "")
    elif kind == Kind.XLSX:
        sniffed = sniffing.check_xlsx(spool, size, limits, filename=filename)
    else:
        sniffed = sniffing.check_csv(spool, filename=filename)
    if sniffed.kind not in allowed:
        raise UploadRefused(
            _("files of this type (%(kind)s) are not accepted for this material. Accepted: %(accepted)s.")
            % {"kind": Kind(sniffed.kind).label, "accepted": sniffing.accepted_list(allowed)},
            code="kind_not_allowed",
            filename=filename,
        )
    display_extension = sniffing.check_extension(sniffed.kind, extension, filename=filename)
    display_name = with_extension(
        filename, display_extension, replace=kind_of_extension(extension) is not None
    )
    closers: list[Any] = [spool]
    content: IO[bytes] = spool
    if sniffed.kind in IMAGE_KINDS:
        cleaned = reencode_without_metadata(
            spool, sniffed.kind, max_pixels=limits.max_image_pixels, filename=filename
        )
        if len(cleaned) > limits.max_bytes:
            raise _too_large(filename, limits.max_bytes)
        content = io.BytesIO(cleaned)
        closers.append(content)
    digest = hashlib.sha256()
    content.seek(0)
    stored_size = 0
    while chunk := content.read(sniffing.CHUNK):
        digest.update(chunk)
        stored_size += len(chunk)
    content.seek(0)
    return Prepared(
        display_name=display_name,
        kind=sniffed.kind,
        content_type=sniffed.content_type,
        size=stored_size,
        sha256=digest.hexdigest(),
        metadata_removed=sniffed.kind in IMAGE_KINDS,
        content=content,
        _closers=closers,
    )
