"""Spreadsheet import (all or nothing, row-by-row report) and the bureau's register pages."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from alarfund.accounts.choices import Role
from alarfund.accounts.uscc import make_uscc
from alarfund.audit.models import AuditEvent
from alarfund.registers.models import RegisterEntry, RegisterFile
from alarfund.registers.services import ImportRefused, register_import
from tests.applications.helpers import pdf_bytes
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

A = make_uscc(authority_and_type="91", region="659002", org_body="MA01TEXT")
B = make_uscc(authority_and_type="91", region="659002", org_body="MA02TEXT")
C = make_uscc(authority_and_type="92", region="659002", org_body="MA03TEXT")
HEADER = "登记簿,类型,统一社会信用代码,企业名称,日期,截止日期,奖励年度,来源文件,说明"


def csv_file(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> SimpleUploadedFile:
    text = "\n".join([header, *rows]) + "\n"
    return SimpleUploadedFile("名单.csv", text.encode(encoding), content_type="text/csv")


GOOD = [
    f"禁止享受,,{A},阿拉尔市甲公司,2025-05-01,,,师市商务局处理决定〔2025〕1号,虚报快递单",
    f"credit_tax,税收违法,{B},阿拉尔市乙公司,2024/11/3,,,阿税稽罚〔2024〕5号,",
    f"四上企业奖励,,{C},阿拉尔市丙商行,,,2025,师市办发〔2024〕9号 2025年度名单,",
]


def test_a_good_csv_is_imported_whole(make_user):
    officer = make_user(Role.BUREAU_OFFICER)
    batch = register_import(by=officer, upload=csv_file(*GOOD))
    assert batch.rows == 3 and RegisterEntry.objects.count() == 3
    entries = {e.uscc: e for e in RegisterEntry.objects.all()}
    assert entries[A].register == "ban" and entries[A].end_date is not None
    assert entries[B].category == "tax_violation" and entries[B].occurred_on.isoformat() == "2024-11-03"
    assert entries[C].year == 2025
    assert all(e.source_file == batch.file and e.entered_by == officer for e in entries.values())
    event = AuditEvent.objects.get(action="register.import", result="success")
    assert event.details["rows"] == 3


def test_bad_rows_are_reported_row_by_row_and_nothing_is_imported(make_user):
    officer = make_user(Role.BUREAU_OFFICER)
    rows = [
        GOOD[0],
        "禁止享受,,91659002MA0000001Y,坏代码公司,2025-05-01,,,文号,",  # row 3: bad credit code
        GOOD[1],
        f"四上企业奖励,,{C},丙商行,,,二〇二五,文号,",  # row 5: not a year
        f"credit_tax,,{B},乙公司,2024-11-03,,,,",  # row 6: no category, no source
        GOOD[0],  # row 7: the same as row 2
    ]
    with pytest.raises(ImportRefused) as caught:
        register_import(by=officer, upload=csv_file(*rows))
    refusal = caught.value
    assert [r.row for r in refusal.rows] == [3, 5, 6, 7]
    by_row = {r.row: " ".join(r.messages) for r in refusal.rows}
    assert "unified social credit code" in by_row[3]
    assert "reward year" in by_row[5]
    assert "category" in by_row[6] or "source" in by_row[6]
    assert "row 2" in by_row[7]
    assert "4 of 6 rows" in refusal.messages[0]
    assert RegisterEntry.objects.count() == 0 and RegisterFile.objects.count() == 0
    assert AuditEvent.objects.get(action="register.import").result == "refused"


def test_rows_already_in_the_register_are_refused(make_user):
    officer = make_user(Role.BUREAU_OFFICER)
    register_import(by=officer, upload=csv_file(GOOD[0]))
    with pytest.raises(ImportRefused) as caught:
        register_import(by=officer, upload=csv_file(GOOD[0], GOOD[1]))
    assert caught.value.rows[0].row == 2 and "already" in caught.value.rows[0].messages[0]
    assert RegisterEntry.objects.count() == 1


def test_xlsx_and_gb18030_csv_are_read(make_user):
    officer = make_user(Role.BUREAU_OFFICER)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["register", "category", "uscc", "name", "occurred_on", "source_reference"])
    import datetime as dt

    sheet.append(
        ["major_incident", "安全生产事故", A, "甲公司", dt.datetime(2025, 8, 8), "阿应急罚〔2025〕3号"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("list.xlsx", buffer.getvalue(), content_type="application/octet-stream")
    assert register_import(by=officer, upload=upload).rows == 1
    assert RegisterEntry.objects.get().category == "safety_accident"
    assert register_import(by=officer, upload=csv_file(GOOD[1], encoding="gb18030")).rows == 1


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("x.pdf", pdf_bytes()), "kind_not_allowed"),
        (SimpleUploadedFile("x.csv", "名称,金额\n甲,1\n".encode()), "unknown_columns"),
        (SimpleUploadedFile("x.csv", b"register,name\nban,x\n"), "missing_columns"),
        (SimpleUploadedFile("x.csv", (HEADER + "\n").encode()), "empty"),
        (SimpleUploadedFile("x.csv", b"<script>alert(1)</script>"), "active_content"),
    ],
)
def test_unusable_files_are_refused(make_user, upload, code):
    with pytest.raises(ImportRefused) as caught:
        register_import(by=make_user(Role.BUREAU_OFFICER), upload=upload)
    assert caught.value.reason_code == code, caught.value.reason_code
    assert RegisterEntry.objects.count() == 0


def test_the_pages_for_the_bureau_and_nobody_else(client_as, make_user):
    client, _officer = client_as(Role.BUREAU_OFFICER)
    assert client.get(reverse("registers:list")).status_code == 200
    response = client.post(
        reverse("registers:create"),
        {
            "register": "ban",
            "uscc": A,
            "name": "阿拉尔市甲公司",
            "occurred_on": "2025-05-01",
            "source_reference": "文号1",
        },
    )
    assert response.status_code == 302
    created = RegisterEntry.objects.get()
    assert client.get(reverse("registers:edit", args=[created.pk])).status_code == 200
    response = client.post(
        reverse("registers:edit", args=[created.pk]),
        {
            "register": "ban",
            "uscc": A,
            "name": "阿拉尔市甲公司",
            "occurred_on": "2025-05-01",
            "source_reference": "文号1",
            "version": "999",
        },
    )
    assert response.status_code == 409
    response = client.post(reverse("registers:create"), {"register": "ban", "uscc": "bad"})
    assert response.status_code == 400
    # Import with a bad row: the page lists it, nothing is added.
    bad = csv_file(GOOD[1], f"禁止享受,,{A},,2025-05-01,,,文号,")
    response = client.post(reverse("registers:import"), {"spreadsheet": bad})
    assert response.status_code == 400 and "企业名称" in response.content.decode()  # Chinese by default
    assert RegisterEntry.objects.count() == 1
    response = client.post(reverse("registers:import"), {"spreadsheet": csv_file(GOOD[1])})
    assert response.status_code == 302 and RegisterEntry.objects.count() == 2
    export = client.get(reverse("registers:export"))
    assert export.status_code == 200 and A in export.content.decode("utf-8-sig")
    stored = RegisterFile.objects.get()
    download = client.get(reverse("registers:file", args=[stored.pk]))
    assert download.status_code == 200 and download["Cache-Control"].startswith("no-store")
    response = client.post(
        reverse("registers:withdraw", args=[created.pk]), {"reason": "撤销", "version": str(created.version)}
    )
    assert response.status_code == 302
    for role in (
        Role.APPLICANT,
        Role.ASSOCIATION_REVIEWER,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
        Role.BUREAU_APPROVER,
    ):
        other = sign_in(Client(), make_user(role))
        assert other.get(reverse("registers:list")).status_code == 403
        assert other.get(reverse("registers:file", args=[stored.pk])).status_code == 403
        assert other.post(reverse("registers:import"), {"spreadsheet": csv_file(GOOD[0])}).status_code == 403
    assert RegisterEntry.objects.count() == 2
