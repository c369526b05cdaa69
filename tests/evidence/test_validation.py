"""Content checks: each accepted type passes, every hostile or unknown file is refused with a reason."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from django.test import override_settings
from django.utils import translation
from PIL import Image

from alarfund.evidence import validation
from alarfund.evidence.exceptions import UploadRefused
from alarfund.evidence.filenames import content_disposition, sanitise_filename

from .conftest import EICAR, jpeg_bytes, pdf_bytes, png_bytes, upload, xlsx_bytes, zip_with


def prepare(name: str, data: bytes, material: str = "business_licence") -> validation.Prepared:
    return validation.prepare(upload(name, data), material_code=material)


def refused(name: str, data: bytes, material: str = "business_licence") -> str:
    with pytest.raises(UploadRefused) as caught:
        prepare(name, data, material)
    return caught.value.reason_code


@pytest.mark.parametrize(
    ("name", "data", "kind", "content_type"),
    [
        ("营业执照.pdf", pdf_bytes(), "pdf", "application/pdf"),
        ("photo.jpg", jpeg_bytes(), "jpeg", "image/jpeg"),
        ("scan.PNG", png_bytes(), "png", "image/png"),
        (
            "单号.xlsx",
            xlsx_bytes(),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("单号.csv", "快递单号\nYT7000000001\n".encode(), "csv", "text/csv; charset=utf-8"),
        ("bom.csv", "\ufeff快递单号,日期\r\nYT1,2025-03-01\r\n".encode(), "csv", "text/csv; charset=utf-8"),
        ("gbk.csv", "快递单号,备注\nYT1,阿拉尔\n".encode("gb18030"), "csv", "text/csv; charset=gb18030"),
    ],
)
def test_each_accepted_type(name: str, data: bytes, kind: str, content_type: str) -> None:
    prepared = prepare(name, data)
    try:
        assert prepared.kind == kind
        assert prepared.content_type == content_type
        assert prepared.size == len(prepared.content.read())
    finally:
        prepared.close()


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
PHP = b"<?php system($_GET['c']); ?>"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("invoice.pdf", HTML, "active_content"),
        ("invoice.html", HTML, "active_content"),
        ("logo.svg", SVG, "active_content"),
        ("logo.png", SVG, "active_content"),
        (
            "bare-svg.pdf",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
            "active_content",
        ),
        ("shell.jpg", PHP, "active_content"),
        ("shell.pdf", PHP + b"\n%PDF-1.4\n%%EOF", "active_content"),
        ("feed.csv", b"<?xml version='1.0'?><rss></rss>", "active_content"),
        # Polyglots: a real PDF or JPEG with markup inside.
        ("polyglot.pdf", pdf_bytes(b"<html><script>alert(1)</script></html>"), "active_content"),
        ("polyglot2.pdf", pdf_bytes(b"%<svg/onload=alert(1)>"), "active_content"),
        ("polyglot.jpg", jpeg_bytes() + b"<script>alert(1)</script>", "active_content"),
        ("link.pdf", pdf_bytes(b"/URI (javascript:alert(1))"), "active_content"),
        ("eicar.pdf", EICAR, "eicar"),
        ("eicar.csv", EICAR + b"\r\n", "eicar"),
        ("eicar-inside.pdf", pdf_bytes(EICAR), "eicar"),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100, "executable"),
        ("a.out.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "executable"),
        ("run.csv", b"#!/bin/sh\nrm -rf /\n", "executable"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old_office"),
        ("pic.jpg", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image_format"),
        ("binary.csv", b"abc\x00def", "unrecognised"),
        ("latin1.csv", b"caf\xe9,\x80\x81\x82\xff\xfe", "unrecognised"),
        ("control.csv", b"YT1\x1b[31m\n", "unrecognised"),
        ("empty.pdf", b"", "empty"),
        ("truncated.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\n", "pdf_damaged"),
        ("broken.jpg", b"\xff\xd8\xff\xe0" + b"garbage" * 20, "image_damaged"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 50, "xlsx_damaged"),
    ],
)
def test_hostile_or_unknown_content_is_refused(name: str, data: bytes, code: str) -> None:
    assert refused(name, data) == code


def test_declared_extension_that_does_not_match_is_refused_except_between_images() -> None:
    assert refused("contract.pdf", png_bytes()) == "extension_mismatch"
    assert refused("numbers.xlsx", b"YT1\nYT2\n") == "extension_mismatch"
    assert refused("report.docx", pdf_bytes()) == "extension_mismatch"
    # JPEG named .png (common with phones and web tools): accepted by content, shown with .jpg.
    prepared = prepare("photo.png", jpeg_bytes())
    assert prepared.kind == "jpeg" and prepared.display_name == "photo.jpg"
    prepared.close()
    # No extension, or an extension that is not a type (a date): the detected one is added.
    prepared = prepare("mmexport1690000000000", pdf_bytes())
    assert prepared.display_name == "mmexport1690000000000.pdf"
    prepared.close()
    prepared = prepare("扫描件2024.03.15", pdf_bytes())
    assert prepared.display_name == "扫描件2024.03.15.pdf"
    prepared.close()


def test_material_limits_which_types() -> None:
    assert refused("photo.jpg", jpeg_bytes(), material="tracking_numbers") == "kind_not_allowed"
    assert refused("numbers.xlsx", xlsx_bytes(), material="id_card") == "kind_not_allowed"
    prepare("numbers.csv", b"YT1\n", material="tracking_numbers").close()


def test_refusal_messages_in_both_languages() -> None:
    for language, expected in (("zh-hans", "脚本"), ("en", "script")):
        with translation.override(language), pytest.raises(UploadRefused) as caught:
            prepare("invoice.pdf", HTML)
        message = caught.value.messages[0]
        assert expected in message and "invoice.pdf" in message


@override_settings(ALARFUND_UPLOAD_MAX_BYTES=2048)
def test_size_limit_from_settings_also_when_the_declared_size_lies() -> None:
    big = pdf_bytes(b"%" + b"x" * 4000)
    assert refused("big.pdf", big) == "too_large"
    lying = upload("big.pdf", big)
    lying.size = 10  # a client can claim anything; bytes are counted while copying
    with pytest.raises(UploadRefused) as caught:
        validation.prepare(lying, material_code="business_licence")
    assert caught.value.reason_code == "too_large"


@override_settings(
    ALARFUND_UPLOAD_MAX_BYTES=2048, ALARFUND_UPLOAD_MAX_BYTES_BY_MATERIAL={"tracking_numbers": 8192}
)
def test_per_material_size_limit() -> None:
    data = b"YT1234567890\n" * 400  # 5.2 KB
    assert refused("numbers.csv", data) == "too_large"
    prepare("numbers.csv", data, material="tracking_numbers").close()


def test_a_two_million_row_tracking_list_fits_the_upload_limits(tmp_path) -> None:
    """Issue 9 accepts 2,000,000 rows a file: the default limits of this material must let it in."""
    from django.core.files.uploadedfile import TemporaryUploadedFile

    rows = b"".join(
        b"YT%010d,\xe5\x9c\x86\xe9\x80\x9a,2025-03-01,\xe9\x98\xbf\xe6\x8b\x89\xe5\xb0\x94\n" % n
        for n in range(2_000_000)
    )
    body = "快递单号,快递公司,发货日期,收件城市\n".encode() + rows
    assert len(body) > 60 * 1024 * 1024  # the former limit
    handle = TemporaryUploadedFile("list.csv", "text/csv", len(body), None)
    handle.write(body)
    handle.seek(0)
    prepared = validation.prepare(handle, material_code="tracking_numbers")
    assert prepared.size == len(body) and prepared.kind == "csv"
    prepared.close()
    handle.close()
    # A sheet of that size inflates to ~400 MB of XML: allowed for this material only (read as a stream).
    assert validation.xlsx_max_uncompressed_for("tracking_numbers") >= 400 * 1024 * 1024
    assert validation.xlsx_max_uncompressed_for("business_licence") == 300 * 1024 * 1024


def test_xlsx_zip_bomb_refused_from_the_directory() -> None:
    bomb = zip_with(xlsx_bytes(), {"xl/worksheets/sheet2.xml": b"\x00" * (40 * 1024 * 1024)})
    assert len(bomb) < 200 * 1024
    assert refused("bomb.xlsx", bomb) == "zip_bomb"


@override_settings(ALARFUND_XLSX_MAX_ENTRIES=50)
def test_xlsx_with_too_many_entries_refused() -> None:
    many = zip_with(xlsx_bytes(), {f"xl/media/x{n}.xml": b"<a/>" for n in range(60)})
    assert refused("many.xlsx", many) == "zip_bomb"


@override_settings(ALARFUND_XLSX_MAX_UNCOMPRESSED=2 * 1024 * 1024)
def test_xlsx_total_uncompressed_size_is_capped() -> None:
    import os

    noise = os.urandom(3 * 1024 * 1024)  # incompressible: ratio 1, but too much in total
    assert refused("big.xlsx", zip_with(xlsx_bytes(), {"xl/media/noise.bin": noise})) == "zip_bomb"


def test_xlsx_whose_directory_lies_about_sizes_is_caught_while_inflating() -> None:
    """The central directory claims 1 KB; the entry inflates to 8 MB. The stream check stops it."""
    honest = zip_with(xlsx_bytes(), {"xl/worksheets/sheet9.xml": b"<row/>" * (8 * 1024 * 1024 // 6)})
    data = bytearray(honest)
    name = b"xl/worksheets/sheet9.xml"
    for signature, size_offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (index := data.find(signature, start)) != -1:
            name_offset = 46 if signature == b"PK\x01\x02" else 30
            if data[index + name_offset : index + name_offset + len(name)] == name:
                struct.pack_into("<I", data, index + size_offset, 1024)
            start = index + 4
    assert refused("liar.xlsx", bytes(data)) in {"xlsx_damaged", "zip_bomb"}


def test_xlsx_with_macros_or_script_or_word_is_refused() -> None:
    assert refused("macro.xlsx", zip_with(xlsx_bytes(), {"xl/vbaProject.bin": b"\x00" * 100})) == "macros"
    script = zip_with(xlsx_bytes(), {"xl/evil.xml": b"<html><script>alert(1)</script></html>"})
    assert refused("script.xlsx", script) == "active_content"
    assert refused("eicar.xlsx", zip_with(xlsx_bytes(), {"docProps/x.txt": EICAR})) == "eicar"
    word = io.BytesIO()
    with zipfile.ZipFile(word, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert refused("letter.xlsx", word.getvalue()) in {"not_workbook", "extension_mismatch"}
    traversal = zip_with(xlsx_bytes(), {"../../evil.xml": b"<a/>"})
    assert refused("traversal.xlsx", traversal) == "xlsx_damaged"


def test_jpeg_gps_and_all_metadata_removed_orientation_applied() -> None:
    original = jpeg_bytes(gps=True, orientation=6, size=(64, 48))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the GPS block is there
    prepared = prepare("IMG_0001.jpg", original)
    stored = prepared.content.read()
    prepared.close()
    assert prepared.metadata_removed
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert not image.getexif().get_ifd(0x8825)
    assert "exif" not in image.info and "comment" not in image.info and "icc_profile" not in image.info
    for marker in (b"Exif", b"TestCam", b"Model X", b"secret comment"):
        assert marker not in stored
    assert image.size == (48, 64)  # orientation 6 (rotate 90°) applied to the pixels


def test_png_text_chunks_removed() -> None:
    prepared = prepare("scan.png", png_bytes(text="GPS 40.55N 81.27E"))
    stored = prepared.content.read()
    prepared.close()
    assert b"GPS 40.55N" not in stored and b"tEXt" not in stored
    assert Image.open(io.BytesIO(stored)).mode == "RGBA"


@override_settings(ALARFUND_UPLOAD_MAX_IMAGE_PIXELS=1000)
def test_image_with_too_many_pixels_refused_before_decoding() -> None:
    assert refused("huge.jpg", jpeg_bytes(size=(100, 100))) == "image_too_large"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../x", "x"),
        ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
        ("/etc/passwd", "passwd"),
        ("a\r\nContent-Type: x\x00.pdf", "a Content-Type_ x.pdf"),
        ("dir/a\r\nb\x07c.pdf", "a b c.pdf"),
        ('say "hi".pdf', "say _hi_.pdf"),
        ("invoice\u202efdp.exe", "invoice fdp.exe"),
        ("...", "document"),
        ("", "document"),
        ("营业执照（副本）.PDF", "营业执照（副本）.pdf"),
    ],
)
def test_filename_sanitised(raw: str, expected: str) -> None:
    assert sanitise_filename(raw) == expected


def test_very_long_filename_capped_keeping_the_extension() -> None:
    name = sanitise_filename("长" * 2000 + ".pdf")
    assert len(name) <= 120 and name.endswith(".pdf")


def test_content_disposition_is_safe_and_rfc6266() -> None:
    header = content_disposition('营业执照"\r\nSet-Cookie: x=1.pdf')
    assert "\r" not in header and "\n" not in header
    assert header.startswith('attachment; filename="')
    ascii_part = header.split('filename="')[1].split('"')[0]
    assert ascii_part.isascii() and '"' not in ascii_part and ascii_part.endswith(".pdf")
    assert "filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7" in header
    assert header.count('"') == 2
