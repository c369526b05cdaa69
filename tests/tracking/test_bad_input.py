"""Bad input: refused or reported with a clear message, memory bounded, nothing half-stored.

The upload check (evidence) already refuses most of these; here the stored file skips that check
(``store_raw``), because the importer must be safe on its own.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from alarfund.evidence.exceptions import UploadRefused
from alarfund.tracking import flags as F
from alarfund.tracking.messages import failure_message
from alarfund.tracking.models import ImportJob, ImportStatus, TrackingNumber
from alarfund.tracking.normalise import RowChecker
from alarfund.tracking.report import csv_chunks

from .conftest import csv_bytes, import_list, import_raw, sf, upload_list, xlsx_bytes
from .test_readers import workbook


def failed(job: ImportJob, code: str) -> None:
    assert job.status == ImportStatus.FAILED, job.status
    assert job.error_code == code, (job.error_code, job.error_params)
    assert not job.is_current
    assert not TrackingNumber.objects.filter(job_id=job.pk).exists()


def test_not_a_spreadsheet(world: Any) -> None:
    pdf = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
    failed(import_raw(world.app_a, "list.xlsx", pdf, kind="pdf"), "not_spreadsheet")
    failed(import_raw(world.app_a, "list.csv", bytes(range(256)) * 64), "not_spreadsheet")
    word = io.BytesIO()
    with zipfile.ZipFile(word, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    failed(import_raw(world.app_a, "list.xlsx", word.getvalue(), kind="xlsx"), "not_spreadsheet")
    with translation.override("zh-hans"):
        assert "不是电子表格" in failure_message("not_spreadsheet")
    with translation.override("en"):
        assert "not a spreadsheet" in failure_message("not_spreadsheet")


def test_no_tracking_number_column(world: Any) -> None:
    data = csv_bytes([["P001", "张三", "上海"]], header=["订单号", "收件人", "城市"])
    job = import_list(world.app_a, world.alice, "orders.csv", data)
    failed(job, "no_number_column")
    with translation.override("en"):
        assert "快递单号" in failure_message(job.error_code) and "tracking number" in failure_message(
            job.error_code
        )


def _bomb() -> bytes:
    """A real workbook whose sheet inflates from ~300 KB to 300 MB of blank rows."""
    out = io.BytesIO()
    base = xlsx_bytes([[sf(1), "顺丰", "2025-03-01", ""]])
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with target.open(item.filename, "w", force_zip64=True) as sheet:
                    sheet.write(
                        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                    )
                    block = b" " * (1024 * 1024)
                    for _ in range(300):
                        sheet.write(block)
                    sheet.write(b"</sheetData></worksheet>")
            else:
                target.writestr(item, source.read(item.filename))
    return out.getvalue()


def test_a_zip_bomb_disguised_as_xlsx(world: Any) -> None:
    bomb = _bomb()
    assert len(bomb) < 2 * 1024 * 1024
    with pytest.raises(UploadRefused) as refused:  # refused at upload …
        upload_list(world.app_a, world.alice, [("list.xlsx", bomb)])
    assert refused.value.reason_code == "zip_bomb"
    tracemalloc.start()
    try:
        job = import_raw(world.app_a, "list.xlsx", bomb, kind="xlsx")  # … and by the importer on its own
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    failed(job, "zip_bomb")
    assert peak < 50 * 1024 * 1024


def test_a_lying_zip_directory(world: Any, settings: Any) -> None:
    """Declared sizes that lie are caught while inflating: zipfile stops at the declared size and the
    CRC check fails."""
    data = bytearray(xlsx_bytes([[sf(n), "顺丰", "2025-03-01", ""] for n in range(2000)]))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    central = data.rfind(
        b"PK\x01\x02" + data[data.find(b"PK\x01\x02") + 4 : data.find(b"PK\x01\x02") + 4][:0], 0
    )
    # Rewrite the uncompressed size of the sheet in its central-directory record to a tenth.
    name = b"xl/worksheets/sheet1.xml"
    position = data.find(name, data.find(b"PK\x01\x02"))
    record = position - 46
    assert data[record : record + 4] == b"PK\x01\x02" and central >= 0
    data[record + 24 : record + 28] = (info.file_size // 10).to_bytes(4, "little")
    failed(import_raw(world.app_a, "list.xlsx", bytes(data), kind="xlsx"), "xlsx_damaged")


def test_three_million_rows_are_refused_quickly(world: Any, tmp_path: Path) -> None:
    """The real limit (2,000,000 rows a file): a 3,000,000-row CSV is refused before anything is stored."""
    lines = b"".join(b"SF%013d\n" % n for n in range(3_000_000))
    data = b"\xe5\xbf\xab\xe9\x80\x92\xe5\x8d\x95\xe5\x8f\xb7\n" + lines  # header 快递单号
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    started = time.monotonic()
    job = import_raw(world.app_a, "big.csv", path.read_bytes())
    failed(job, "too_many_rows")
    assert time.monotonic() - started < 30
    with translation.override("en"):
        assert "2,000,000" in failure_message(job.error_code, job.error_params)


def test_the_row_limit_while_reading_xlsx(world: Any, settings: Any) -> None:
    settings.ALARFUND_TRACKING_MAX_ROWS = 5
    settings.ALARFUND_TRACKING_BATCH_ROWS = 2
    job = import_list(
        world.app_a, world.alice, "l.xlsx", xlsx_bytes([[sf(n), "顺丰", "2025-03-01", ""] for n in range(6)])
    )
    failed(job, "too_many_rows")
    ok = import_list(
        world.app_a, world.alice, "l.xlsx", xlsx_bytes([[sf(n), "顺丰", "2025-03-01", ""] for n in range(5)])
    )
    assert ok.status == ImportStatus.SUCCEEDED and ok.valid_unique == 5


def test_binary_junk_in_cells(world: Any) -> None:
    csv_junk = (
        "快递单号,快递公司,发货日期\n".encode()
        + b"SF1400000000001,\xe9\xa1\xba\xe4\xb8\xb0,2025-03-01\n"
        + b"\x00\x01\x02\x03\xff\xfe\xfd,\x1b[31m,\x7f\x80\n"
        + b"=cmd|' /C calc'!A0,\xff\xfe,2025-03-02\n"
        + b"SF14000000000\xc3\x28,@SUM(1),2025-03-03\n"
    )
    job = import_raw(world.app_a, "junk.csv", csv_junk, content_type="text/csv; charset=utf-8")
    assert job.status == ImportStatus.SUCCEEDED
    rows = dict(TrackingNumber.objects.filter(job_id=job.pk).values_list("row_no", "flags"))
    assert rows[2] == 0
    assert rows[3] & F.INVALID and rows[4] & F.INVALID and rows[5] & F.INVALID
    assert job.valid_unique == 1
    report = b"".join(csv_chunks(job, staff=True)).decode("utf-8")
    assert "\x00" not in report and "\x1b" not in report
    assert "\n=" not in report and ",=" not in report and ",@" not in report  # nothing runs as a formula

    header = "".join(
        f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for c, h in zip("ABC", ["快递单号", "快递公司", "发货日期"], strict=True)
    )

    def row(r: int, *cells: str) -> str:
        inner = "".join(
            f'<c r="{c}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for c, v in zip("ABC", cells, strict=False)
        )
        return f'<row r="{r}">{inner}</row>'

    sheet = (
        f'<row r="1">{header}</row>'
        + row(2, sf(7), "顺丰", "2025-03-01")
        + row(3, "SF_x0001__x0002_" + "\U0001f4e6" * 3, "顺丰", "2025-03-01")  # Excel's escapes for controls
        + row(4, "Z" * 5000, "x" * 5000, "y" * 5000)
        + '<row r="5"><c r="A5"><v>12.5</v></c><c r="B5" t="b"><v>1</v></c><c r="C5" t="e"><v>#N/A</v></c></row>'
        + row(6, "SF_xD800_1400000000002", "&lt;script&gt;", "2025-03-01")
    )
    book_junk = workbook([("Sheet1", sheet)])
    job = import_list(world.app_b, world.bob, "junk.xlsx", book_junk)
    assert job.status == ImportStatus.SUCCEEDED
    stored = {row.row_no: row for row in TrackingNumber.objects.filter(job_id=job.pk)}
    assert stored[3].flags & F.INVALID and "\x01" not in stored[3].raw
    assert stored[4].flags & F.INVALID and len(stored[4].number) <= 40 and len(stored[4].courier) <= 24
    assert stored[5].flags & F.INVALID
    assert stored[6].flags & F.INVALID and "\ud800" not in stored[6].raw
    assert job.valid_unique == 1


def test_a_failed_import_leaves_nothing_half_stored(world: Any, settings: Any, monkeypatch: Any) -> None:
    """A failure in the middle of the rows: the job fails, none of its rows remain, and the list in
    force (and its audited default) is untouched."""
    good = import_list(
        world.app_a, world.alice, "good.csv", csv_bytes([[sf(n), "顺丰", "2025-03-01", ""] for n in range(3)])
    )
    settings.ALARFUND_TRACKING_BATCH_ROWS = 10
    calls = {"n": 0}
    original = RowChecker.records

    def breaks_on_the_third_batch(self: RowChecker, sheet: int, rows: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return original(self, sheet, rows)

    monkeypatch.setattr(RowChecker, "records", breaks_on_the_third_batch)
    job = import_list(
        world.app_a,
        world.alice,
        "big.csv",
        csv_bytes([[sf(n), "顺丰", "2025-03-01", ""] for n in range(100)]),
    )
    failed(job, "internal")
    assert calls["n"] == 3
    good.refresh_from_db()
    assert good.is_current and good.valid_unique == 3
    assert TrackingNumber.objects.filter(job_id=good.pk).count() == 3


def test_an_interrupted_import_is_swept(world: Any) -> None:
    """A worker killed mid-import leaves a running job without heartbeat: the next import cleans up."""
    import datetime as dt

    from django.utils import timezone

    from alarfund.tracking.services import sweep_interrupted
    from alarfund.tracking.store import BatchInsertWriter

    job = import_list(world.app_a, world.alice, "a.csv", csv_bytes([[sf(1), "顺丰", "2025-03-01", ""]]))
    stale = ImportJob.objects.create(
        application=world.app_a,
        round=world.round,
        sales_year=2025,
        organisation=world.app_a.organisation,
        document_version=job.document_version,
        status=ImportStatus.RUNNING,
        heartbeat_at=timezone.now() - dt.timedelta(hours=1),
    )
    BatchInsertWriter(stale.pk).write([(0, 2, sf(9), "SF", "SF", None, 0, "")])
    assert sweep_interrupted() == 1
    stale.refresh_from_db()
    failed(stale, "interrupted")


def test_unexpected_errors_are_logged_not_shown(world: Any, monkeypatch: Any, caplog: Any) -> None:
    from alarfund.tracking import services

    monkeypatch.setattr(services, "make_current", lambda job, **kwargs: 1 / 0)
    job = import_list(world.app_a, world.alice, "a.csv", csv_bytes([[sf(1), "顺丰", "2025-03-01", ""]]))
    failed(job, "internal")
    assert "ZeroDivisionError" in caplog.text
    assert "ZeroDivision" not in failure_message(job.error_code)
