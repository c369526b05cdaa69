"""The file types the platform accepts, recognised by content (never by name)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from alarfund.config.choices import TextChoices


class Kind(TextChoices):
    PDF = "pdf", _("PDF document")
    JPEG = "jpeg", _("JPEG image")
    PNG = "png", _("PNG image")
    XLSX = "xlsx", _("Excel workbook (XLSX)")
    CSV = "csv", _("CSV text file")


CONTENT_TYPES: dict[str, str] = {
    Kind.PDF: "application/pdf",
    Kind.JPEG: "image/jpeg",
    Kind.PNG: "image/png",
    Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Kind.CSV: "text/csv",
}

#: File-name extensions that belong to each kind; the first is used when a name has none.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    Kind.PDF: ("pdf",),
    Kind.JPEG: ("jpg", "jpeg", "jpe", "jfif"),
    Kind.PNG: ("png",),
    Kind.XLSX: ("xlsx",),
    Kind.CSV: ("csv",),
}

#: Extensions of types that are never accepted: a file named so is refused whatever its content.
FOREIGN_EXTENSIONS = frozenset(
    {
        "htm", "html", "xhtml", "shtml", "svg", "svgz", "xml", "xsl", "php", "phtml", "php3", "php4",
        "php5", "phar", "asp", "aspx", "jsp", "js", "mjs", "css", "exe", "dll", "com", "scr", "msi",
        "bat", "cmd", "ps1", "vbs", "sh", "py", "pl", "rb", "jar", "apk", "elf", "bin", "so",
        "doc", "docx", "docm", "xls", "xlsm", "xlsb", "ppt", "pptx", "pptm", "odt", "ods", "rtf",
        "zip", "rar", "7z", "gz", "tar", "gif", "bmp", "tif", "tiff", "webp", "heic", "heif",
        "json", "swf", "hta", "lnk", "url", "eml", "mht", "mhtml",
    }
)  # fmt: skip

IMAGE_KINDS = frozenset({Kind.JPEG, Kind.PNG})
ALL_KINDS = tuple(Kind)


def kind_of_extension(extension: str) -> str | None:
    for kind, extensions in EXTENSIONS.items():
        if extension in extensions:
            return kind
    return None
