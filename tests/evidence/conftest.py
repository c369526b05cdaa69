"""Real files of every accepted type, hostile files, and a private documents folder per test."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import ExifTags, Image

# Built from two halves so that this source file itself is not the EICAR test file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-" + b"TEST-FILE!$H+H*"
GPS = {1: "N", 2: (40.0, 33.0, 12.5), 3: "E", 4: (81.0, 16.0, 3.0)}


def pdf_bytes(body: bytes = b"") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        + body
        + b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def jpeg_bytes(
    *, gps: bool = False, orientation: int | None = None, size: tuple[int, int] = (64, 48)
) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    if gps:
        exif[0x010F] = "TestCam"
        exif[0x0110] = "Model X"
        exif[ExifTags.IFD.GPSInfo] = GPS
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"secret comment")
    return out.getvalue()


def png_bytes(*, text: str = "") -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    if text:
        info.add_text("Comment", text)
    out = io.BytesIO()
    Image.new("RGBA", (20, 10), (0, 128, 0, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def xlsx_bytes(rows: int = 5) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["快递单号", "日期"])
    for n in range(rows):
        sheet.append([f"YT{7_000_000_000 + n}", "2025-03-01"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_with(base: bytes, extra: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """``base`` (an xlsx) with extra entries added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", compression) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        for name, data in extra.items():
            target.writestr(name, data)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def documents_dir(tmp_path: Path, settings: Any) -> Path:
    """A fresh private documents folder for each test."""
    folder = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": str(folder),
                "base_url": None,
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        },
    }
    return folder


@pytest.fixture
def stored_files(documents_dir: Path) -> Callable[[], list[Path]]:
    def files() -> list[Path]:
        return sorted(p for p in documents_dir.rglob("*") if p.is_file()) if documents_dir.exists() else []

    return files
