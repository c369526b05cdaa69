"""What a file really is, judged by its content, and whether it is accepted.

Accepted: PDF, JPEG, PNG, XLSX and CSV. Refused whatever the name says: executables, web pages, SVG,
XML, PHP and other script or markup (also hidden inside another format: "polyglots"), the EICAR test
signature, zip bombs, and anything not recognised. See docs/adr/0007.

Every function here reads a seekable binary file and raises :class:`UploadRefused` with a message in
the active language; nothing is written anywhere.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from .exceptions import UploadRefused
from .kinds import CONTENT_TYPES, EXTENSIONS, FOREIGN_EXTENSIONS, IMAGE_KINDS, Kind, kind_of_extension

HEAD_BYTES = 64 * 1024
CHUNK = 64 * 1024

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc/.xls of Office 97-2003
EICAR_MARKER = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
_EXECUTABLE_MAGICS = (
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
# Markup or script that a browser (or a PHP interpreter) would act on. Each needs a delimiter after
# the tag name, so random bytes in compressed data match with negligible probability.
_ACTIVE_CONTENT = re.compile(
    rb"<(?:html|body|head|script|svg|iframe|object|embed|frameset)[\s>/]"
    rb"|<meta\s+http-equiv|<!doctype\s+(?:html|svg)|<\?php\s|javascript:",
    re.IGNORECASE,
)
_XML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:\?xml|!doctype|!entity|svg|html)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ZIP_COMPRESSIONS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
# Inside a workbook everything is XML, so "<?xml" is expected there; script and HTML are not.
_ACTIVE_IN_WORKBOOK = re.compile(rb"<(?:html|script|svg|iframe)[\s>/]|<\?php\s|javascript:", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_image_pixels: int = 50_000_000
    xlsx_max_entries: int = 2_000
    xlsx_max_uncompressed: int = 300 * 1024 * 1024
    xlsx_max_ratio: int = 200
    xlsx_ratio_floor: int = 1024 * 1024  # entries smaller than this may compress better


@dataclass(frozen=True)
class Sniffed:
    kind: str
    content_type: str
    extension: str  # for the display name


def _refuse(message: str, code: str, filename: str) -> UploadRefused:
    return UploadRefused(message, code=code, filename=filename)


def accepted_list(kinds: tuple[str, ...] | list[str]) -> str:
    return _(", ").join(str(Kind(kind).label) for kind in kinds)


def check_head(head: bytes, *, filename: str) -> None:
    """Refusals that do not depend on the type: programs, the EICAR signature, active content."""
    windows_program = head.startswith(b"MZ") and b"\x00" in head[:64]
    if windows_program or head.startswith(_EXECUTABLE_MAGICS):
        raise _refuse(_("programs and scripts are not accepted."), "executable", filename)
    if EICAR_MARKER in head:
        raise _refuse(
            _("the file contains a virus test signature (EICAR) and was refused."), "eicar", filename
        )
    if _ACTIVE_CONTENT.search(head) or _XML_START.match(head):
        raise _refuse(
            _(
                "the file contains web page, SVG, XML or script content, which is not accepted "
                "(also not inside a PDF or an image)."
            ),
            "active_content",
            filename,
        )


def detect(head: bytes, *, filename: str) -> str:
    """The kind of file by its first bytes (CSV is whatever is left and passes the text checks)."""
    if head.startswith(PDF_MAGIC):
        return Kind.PDF
    if head.startswith(JPEG_MAGIC):
        return Kind.JPEG
    if head.startswith(PNG_MAGIC):
        return Kind.PNG
    if head.startswith(ZIP_MAGIC):
        return Kind.XLSX
    if head.startswith(OLE2_MAGIC):
        raise _refuse(
            _("old Office files (.xls, .doc) are not accepted: save the file as XLSX or PDF."),
            "old_office",
            filename,
        )
    other_image = (
        head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc", b"ftypavif")
        or head.startswith((b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*"))
        or (head.startswith(b"BM") and head[6:10] == b"\x00\x00\x00\x00")
        or (head.startswith(b"RIFF") and head[8:12] == b"WEBP")
    )
    if other_image:
        raise _refuse(
            _("this image format is not accepted: save or export the picture as JPEG or PNG."),
            "image_format",
            filename,
        )
    return Kind.CSV


def check_extension(kind: str, extension: str, *, filename: str) -> str:
    """The extension for the display name, or a refusal when the name claims another type.

    A name whose extension belongs to another accepted type, or to a type never accepted, is refused
    (a PNG named ``.pdf`` is most likely the wrong file). JPEG and PNG may swap (many tools save one
    under the other's extension; images are re-encoded anyway). A name without a recognisable
    extension (``scan``, ``2024.03.15``) gets the detected one.
    """
    if extension in EXTENSIONS[kind]:
        return extension
    claimed = kind_of_extension(extension)
    if claimed in IMAGE_KINDS and kind in IMAGE_KINDS:
        return EXTENSIONS[kind][0]
    if claimed is not None or extension in FOREIGN_EXTENSIONS:
        raise _refuse(
            _(
                "the name ends in “.%(extension)s” but the content is of another type (%(kind)s). "
                "Choose the right file, or give it the right name."
            )
            % {"extension": extension, "kind": Kind(kind).label},
            "extension_mismatch",
            filename,
        )
    return EXTENSIONS[kind][0]


def check_pdf(fp: IO[bytes], size: int, *, filename: str) -> Sniffed:
    fp.seek(max(0, size - 1024))
    if b"%%EOF" not in fp.read(1024):
        raise _refuse(
            _("the PDF is incomplete or damaged (no end-of-file marker). Save or scan it again."),
            "pdf_damaged",
            filename,
        )
    return Sniffed(Kind.PDF, CONTENT_TYPES[Kind.PDF], "pdf")


def _damaged_workbook(filename: str) -> UploadRefused:
    return _refuse(
        _("the spreadsheet is damaged or not an Excel workbook (XLSX). Save it again from Excel or WPS."),
        "xlsx_damaged",
        filename,
    )


def _bomb(filename: str) -> UploadRefused:
    return _refuse(
        _(
            "the workbook unpacks to far more data than its size suggests (a “zip bomb”) and was "
            "refused. Save it again, or split it into smaller workbooks."
        ),
        "zip_bomb",
        filename,
    )


def check_xlsx(fp: IO[bytes], size: int, limits: Limits, *, filename: str) -> Sniffed:
    """An Office Open XML workbook: structure from the zip directory, then every entry inflated in
    chunks under a running cap (so a directory that lies about sizes is caught too)."""
    fp.seek(0)
    try:
        archive = zipfile.ZipFile(fp)  # reads only the central directory
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _damaged_workbook(filename) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.xlsx_max_entries:
            raise _bomb(filename)
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            if "word/document.xml" in names or "ppt/presentation.xml" in names:
                raise _refuse(
                    _("Word and PowerPoint files are not accepted: save the document as PDF."),
                    "not_workbook",
                    filename,
                )
            raise _damaged_workbook(filename)
        if "xl/vbaProject.bin" in names or any(
            n.lower().endswith(".bin") and "vba" in n.lower() for n in names
        ):
            raise _refuse(
                _("workbooks with macros are not accepted: save the workbook as XLSX without macros."),
                "macros",
                filename,
            )
        declared_total = 0
        for entry in entries:
            parts = entry.filename.replace("\\", "/").split("/")
            if entry.filename.startswith(("/", "\\")) or ".." in parts or entry.flag_bits & 0x1:
                raise _damaged_workbook(filename)
            if entry.compress_type not in _ZIP_COMPRESSIONS:
                raise _damaged_workbook(filename)
            declared_total += entry.file_size
            ratio = entry.file_size / max(entry.compress_size, 1)
            if entry.file_size > limits.xlsx_ratio_floor and ratio > limits.xlsx_max_ratio:
                raise _bomb(filename)
        if declared_total > limits.xlsx_max_uncompressed:
            raise _bomb(filename)
        if declared_total > limits.xlsx_ratio_floor and declared_total / max(size, 1) > limits.xlsx_max_ratio:
            raise _bomb(filename)
        _inflate_all(archive, entries, limits, filename=filename)
    return Sniffed(Kind.XLSX, CONTENT_TYPES[Kind.XLSX], "xlsx")


def _inflate_all(
    archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], limits: Limits, *, filename: str
) -> None:
    inflated = 0
    for entry in entries:
        if entry.is_dir():
            continue
        seen = 0
        try:
            with archive.open(entry) as member:
                head = b""
                while chunk := member.read(CHUNK):
                    seen += len(chunk)
                    inflated += len(chunk)
                    if seen > entry.file_size or inflated > limits.xlsx_max_uncompressed:
                        raise _bomb(filename)
                    if len(head) < HEAD_BYTES:
                        head += chunk[: HEAD_BYTES - len(head)]
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
            raise _damaged_workbook(filename) from None
        if EICAR_MARKER in head:
            raise _refuse(
                _("the file contains a virus test signature (EICAR) and was refused."), "eicar", filename
            )
        if _ACTIVE_IN_WORKBOOK.search(head):
            raise _refuse(
                _(
                    "the file contains web page, SVG, XML or script content, which is not accepted "
                    "(also not inside a PDF or an image)."
                ),
                "active_content",
                filename,
            )
        if entry.filename == "[Content_Types].xml" and b"macroenabled" in head.lower():
            raise _refuse(
                _("workbooks with macros are not accepted: save the workbook as XLSX without macros."),
                "macros",
                filename,
            )


def _not_text(filename: str) -> UploadRefused:
    return _refuse(
        _(
            "the file is not a recognised type. Accepted are PDF, JPEG and PNG images, Excel workbooks "
            "(XLSX) and CSV text files (UTF-8 or GB18030)."
        ),
        "unrecognised",
        filename,
    )


def _decodes(fp: IO[bytes], encoding: str, *, filename: str) -> bool:
    """Does the whole file decode as ``encoding`` into text without control characters?"""
    fp.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    previous_tail = b""
    first_text = ""
    while True:
        chunk = fp.read(CHUNK)
        final = not chunk
        if b"\x00" in chunk:
            raise _not_text(filename)
        window = previous_tail + chunk
        if EICAR_MARKER in window:
            raise _refuse(
                _("the file contains a virus test signature (EICAR) and was refused."), "eicar", filename
            )
        if _ACTIVE_CONTENT.search(window):
            raise _refuse(
                _(
                    "the file contains web page, SVG, XML or script content, which is not accepted "
                    "(also not inside a PDF or an image)."
                ),
                "active_content",
                filename,
            )
        previous_tail = window[-64:]
        try:
            text = decoder.decode(chunk, final=final)
        except UnicodeDecodeError:
            return False
        if _CONTROL.search(text):
            raise _not_text(filename)
        if len(first_text) < 256:
            first_text += text[:256]
        if final:
            break
    stripped = first_text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise _refuse(_("the file is empty."), "empty", filename)
    if stripped.startswith("<"):
        raise _refuse(
            _(
                "the file contains web page, SVG, XML or script content, which is not accepted "
                "(also not inside a PDF or an image)."
            ),
            "active_content",
            filename,
        )
    return True


def check_csv(fp: IO[bytes], *, filename: str) -> Sniffed:
    """Text in UTF-8 (with or without BOM) or GB18030, without NUL or control characters."""
    for encoding, charset in (("utf-8-sig", "utf-8"), ("gb18030", "gb18030")):
        if _decodes(fp, encoding, filename=filename):
            return Sniffed(Kind.CSV, f"{CONTENT_TYPES[Kind.CSV]}; charset={charset}", "csv")
    raise _not_text(filename)
