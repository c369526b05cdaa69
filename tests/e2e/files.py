"""Small real files for the uploads: a one-page PDF and a PNG image, made in the test."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from playwright.sync_api import FilePayload


def pdf_bytes(title: str = "alarfund e2e") -> bytes:
    """A valid one-page PDF (correct cross-reference table) with one line of text."""
    text = title.encode("ascii", "replace")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def png_bytes(width: int = 320, height: int = 200) -> bytes:
    """A small PNG: a grey card with a frame, like a photographed ID card copy."""
    image = Image.new("RGB", (width, height), (236, 240, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, width - 9, height - 9), outline=(40, 70, 120), width=3)
    draw.rectangle((24, 40, 104, 150), fill=(180, 190, 205))
    image_bytes = io.BytesIO()
    image.save(image_bytes, format="PNG")
    return image_bytes.getvalue()


def payload(name: str, data: bytes, mime: str) -> FilePayload:
    """What Playwright's ``set_input_files`` takes for a file made in memory."""
    return FilePayload(name=name, mimeType=mime, buffer=data)


def pdf(name: str) -> FilePayload:
    return payload(name, pdf_bytes(), "application/pdf")


def png(name: str) -> FilePayload:
    return payload(name, png_bytes(), "image/png")
