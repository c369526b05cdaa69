"""The bank's result file of a released batch: real XLSX/CSV files, all or nothing with a row-numbered
report, the same writes and audit events as the single forms, a re-post is a replay, officers only, and
the downloadable template (full accounts, audited) round-trips."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from alarfund import idempotency
from alarfund.accounts.choices import Role
from alarfund.accounts.models import Organisation
from alarfund.accounts.permissions import Refused
from alarfund.audit.models import AuditEvent
from alarfund.payments import bank_results, exports, services
from alarfund.payments.models import BankResultImport, PaymentStatus
from alarfund.payments.reconciliation import reconcile_round
from alarfund.plans.services import OutOfSequence

from .helpers import prepared, released

pytestmark = pytest.mark.django_db

ACCOUNTS = {Decimal("30000"): "6228480000000030001", Decimal("35000"): "6228480000000035002"}
SHARED = "6228480123456789012"  # the third payee keeps the default account of the test organisations
ZH = ["收款人", "收款账号", "金额", "处理结果", "流水号", "交易日期", "失败原因"]
EN = ["Payee", "Account number", "Amount", "Status", "Voucher number", "Date", "Failure reason"]


@pytest.fixture
def batch(officer: Any, approved: Any) -> Any:
    pay, _left_out = services.candidates(approved)
    for application, amount in pay:
        if amount in ACCOUNTS:
            Organisation.objects.filter(pk=application.organisation_id).update(bank_account=ACCOUNTS[amount])
    return released(officer, approved.round)


def _today() -> str:
    return timezone.localdate().isoformat()


def _good_rows() -> list[list[Any]]:
    return [
        ["甲公司", ACCOUNTS[Decimal("30000")], "30000.00", "成功", "HX0001", _today(), ""],
        ["乙公司", ACCOUNTS[Decimal("35000")], 35000, "success", "HX0002", timezone.localdate(), ""],
        ["丙公司", SHARED, "46,000.00", "失败", "", "", "户名与账号不符"],
    ]


def _xlsx(rows: list[list[Any]], header: list[str] = ZH, *, title: bool = False) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    if title:
        sheet.append(["中国农业银行 代发工资结果明细"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("代发结果.xlsx", out.getvalue())


def _csv(rows: list[list[Any]], header: list[str] = EN, encoding: str = "utf-8-sig") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    return SimpleUploadedFile("results.csv", out.getvalue().encode(encoding))


def _statuses(batch: Any) -> list[tuple[str, str]]:
    return sorted(batch.payments.values_list("status", "voucher_number"))


def test_a_clean_file_records_every_row_in_one_go(officer, batch, documents_dir) -> None:
    outcome = bank_results.import_results(by=officer, batch=batch, upload=_xlsx(_good_rows(), title=True))
    assert outcome.result["paid"] == 2 and outcome.result["failed"] == 1
    payments = {p.amount: p for p in batch.payments.all()}
    assert payments[Decimal("30000")].status == PaymentStatus.PAID
    assert payments[Decimal("30000")].voucher_number == "HX0001"
    assert payments[Decimal("35000")].paid_on == timezone.localdate()
    assert payments[Decimal("46000")].status == PaymentStatus.FAILED
    assert payments[Decimal("46000")].failure_reason == "户名与账号不符"
    assert AuditEvent.objects.filter(action="payment.paid").count() == 2
    assert AuditEvent.objects.filter(action="payment.failed").count() == 1
    record = BankResultImport.objects.get()
    event = AuditEvent.objects.get(action="payment_batch.bank_results")
    assert event.details["sha256"] == record.sha256 and event.details["paid"] == 2
    assert event.details["failed"] == 1 and event.details["still_pending"] == 0
    assert (documents_dir / record.stored_name).exists()
    assert not any(a in str(event.details) for a in (*ACCOUNTS.values(), SHARED))
    assert reconcile_round(batch.plan_version.round).balanced


def test_a_partial_csv_with_english_headings_leaves_the_others_pending(officer, batch) -> None:
    rows = [["", ACCOUNTS[Decimal("35000")], "35000", "Success", "BOC-77", _today(), ""]]
    bank_results.import_results(by=officer, batch=batch, upload=_csv(rows, encoding="gb18030"))
    assert sorted(batch.payments.values_list("status", flat=True)) == ["paid", "pending", "pending"]
    assert reconcile_round(batch.plan_version.round).balanced


def test_formula_looking_cells_are_plain_data(officer, batch) -> None:
    rows = _good_rows()
    rows[2][6] = '=HYPERLINK("http://x")'
    bank_results.import_results(by=officer, batch=batch, upload=_xlsx(rows))
    failed = batch.payments.get(status=PaymentStatus.FAILED)
    assert failed.failure_reason == '=HYPERLINK("http://x")'


def test_a_formula_amount_is_refused(officer, batch) -> None:
    rows = _good_rows()
    rows[0][2] = "=15000*2"  # a real formula: read as its text, never evaluated, so not an amount
    with pytest.raises(bank_results.ResultsRefused) as refused:
        bank_results.import_results(by=officer, batch=batch, upload=_xlsx(rows))
    assert [p.row for p in refused.value.rows] == [2]


def _paid_elsewhere(officer: Any, batch: Any, voucher: str) -> None:
    """Record the 46,000 payment as paid with ``voucher`` through the single form's service."""
    payment = batch.payments.get(amount=Decimal("46000"))
    services.payment_mark_paid(
        by=officer, payment=payment, voucher_number=voucher, paid_on=timezone.localdate()
    )


def _bad(case: str, officer: Any, batch: Any) -> tuple[list[list[Any]], str]:
    """The good first row (row 2) and one bad row (row 3), with a part of the expected message."""
    good = _good_rows()[0]
    second = _good_rows()[1]
    today = _today()
    if case == "unknown account":
        return [good, ["x", "6228480999999999999", "35000", "成功", "V2", today, ""]], "ending 9999"
    if case == "amount mismatch":
        return [good, ["x", second[1], "35000.10", "成功", "V2", today, ""]], "does not match"
    if case == "three decimals":
        return [good, ["x", second[1], "35000.001", "成功", "V2", today, ""]], "more than 2 decimals"
    if case == "matched twice":
        return [good, [*good[:4], "V2", today, ""]], "already matched by row 2"
    if case == "already paid":
        _paid_elsewhere(officer, batch, "EARLIER-1")
        return [good, ["x", SHARED, "46000", "成功", "V2", today, ""]], "already recorded"
    if case == "voucher used elsewhere":
        _paid_elsewhere(officer, batch, "EARLIER-2")
        return [
            good,
            ["x", second[1], "35000", "成功", "EARLIER-2", today, ""],
        ], "already recorded for another"
    if case == "voucher twice in the file":
        return [good, ["x", second[1], "35000", "成功", "HX0001", today, ""]], "also in row 2"
    if case == "future date":
        future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
        return [good, ["x", second[1], "35000", "成功", "V2", future, ""]], "future"
    if case == "before the release":
        return [good, ["x", second[1], "35000", "成功", "V2", "2020-01-01", ""]], "before the batch's release"
    if case == "unreadable date":
        return [good, ["x", second[1], "35000", "成功", "V2", "next Monday", ""]], "cannot be read"
    if case == "unknown status":
        return [good, ["x", second[1], "35000", "处理中", "V2", today, ""]], "Unknown status"
    if case == "no voucher":
        return [good, ["x", second[1], "35000", "成功", "", today, ""]], "voucher number"
    if case == "failed without reason":
        return [good, ["x", second[1], "35000", "失败", "", "", ""]], "reason for the failure"
    raise AssertionError(case)


CASES = [
    "unknown account",
    "amount mismatch",
    "three decimals",
    "matched twice",
    "already paid",
    "voucher used elsewhere",
    "voucher twice in the file",
    "future date",
    "before the release",
    "unreadable date",
    "unknown status",
    "no voucher",
    "failed without reason",
]


@pytest.mark.parametrize("case", CASES)
def test_a_bad_row_refuses_the_whole_file_with_its_row_number(case, officer, batch, documents_dir) -> None:
    rows, expected = _bad(case, officer, batch)
    before = _statuses(batch)
    events = AuditEvent.objects.count()
    with pytest.raises(bank_results.ResultsRefused) as refused:
        bank_results.import_results(by=officer, batch=batch, upload=_xlsx(rows))
    assert [p.row for p in refused.value.rows] == [3], refused.value.rows
    assert expected in " ".join(refused.value.rows[0].messages)
    assert _statuses(batch) == before  # row 2 was fine, and is not recorded either
    assert not BankResultImport.objects.exists()
    assert not [f for f in documents_dir.rglob("*") if f.is_file()]
    refusal = AuditEvent.objects.filter(action="payment_batch.bank_results").get()
    assert refusal.result == "refused" and refusal.details["bad_rows"] == 1
    assert AuditEvent.objects.count() == events + 1


def test_a_file_without_the_columns_or_of_another_kind_is_refused(officer, batch) -> None:
    with pytest.raises(bank_results.ResultsRefused, match="heading row"):
        bank_results.import_results(by=officer, batch=batch, upload=_csv([["1", "2"]], header=["a", "b"]))
    pdf = SimpleUploadedFile("r.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    with pytest.raises(bank_results.ResultsRefused):
        bank_results.import_results(by=officer, batch=batch, upload=pdf)
    assert _statuses(batch) == sorted([("pending", "")] * 3)


def test_a_batch_not_released_is_refused(officer, approved, client_as) -> None:
    batch = prepared(officer, approved.round)
    with pytest.raises(OutOfSequence):
        bank_results.import_results(by=officer, batch=batch, upload=_xlsx(_good_rows()))
    assert set(batch.payments.values_list("status", flat=True)) == {"pending"}
    client, user = client_as(Role.BUREAU_OFFICER)
    token = idempotency.issue(user, bank_results.ACTION, batch.pk)  # the page shows no form: forge one
    response = client.post(
        reverse("payments:import_results", args=[batch.pk]),
        {"idempotency_token": token, "file": _xlsx(_good_rows())},
    )
    assert response.status_code == 409


def _results_token(body: str) -> str:
    match = re.search(r'bank-results/".*?name="idempotency_token" value="([^"]+)"', body, re.S)
    assert match, "no results form"
    return match.group(1)


def test_through_the_page_a_repost_is_a_replay_and_others_get_403(batch, client_as) -> None:
    client, _user = client_as(Role.BUREAU_OFFICER)
    page = client.get(reverse("payments:batch", args=[batch.pk])).content.decode()
    token = _results_token(page)
    url = reverse("payments:import_results", args=[batch.pk])
    bad = _good_rows()
    bad[1][4] = "HX0001"
    refused = client.post(url, {"idempotency_token": token, "file": _xlsx(bad)})
    assert refused.status_code == 400
    body = refused.content.decode()  # the page speaks zh-Hans, the default language
    assert "该凭证号与本文件第 2 行重复" in body and ">3</td>" in body
    assert set(batch.payments.values_list("status", flat=True)) == {"pending"}
    first = client.post(url, {"idempotency_token": token, "file": _xlsx(_good_rows())})  # token still usable
    again = client.post(url, {"idempotency_token": token, "file": _xlsx(_good_rows())})
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert BankResultImport.objects.count() == 1
    page = client.get(first["Location"]).content.decode()
    assert "代发结果.xlsx" in page and 'action="' + url not in page  # nothing pending: no form any more
    assert AuditEvent.objects.filter(action="payment.paid").count() == 2
    assert AuditEvent.objects.filter(action="payment_batch.bank_results", result="success").count() == 1
    for role in (Role.BUREAU_APPROVER, Role.FINANCE_OFFICER, Role.APPLICANT):
        other, _ = client_as(role)
        assert other.post(url, {"file": _xlsx(_good_rows())}).status_code == 403, role
        assert other.get(reverse("payments:results_template", args=[batch.pk])).status_code == 403


def test_the_template_has_full_accounts_is_audited_and_round_trips(officer, batch, make_user) -> None:
    for language in ("en", "zh-hans"):
        with translation.override(language):
            data = exports.results_template(by=officer, batch=batch)
        sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert len(rows) == 4 and rows[0][:3] == (
            ["Payee", "Account number", "Amount"] if language == "en" else ["收款单位", "银行账号", "金额"]
        )
        assert {r[1] for r in rows[1:]} == {*ACCOUNTS.values(), SHARED}
    events = AuditEvent.objects.filter(action="payment_batch.results_template")
    assert events.count() == 2 and SHARED not in str(list(events.values_list("details", flat=True)))
    with pytest.raises(Refused):
        exports.results_template(by=make_user(Role.BUREAU_APPROVER), batch=batch)
    # The officer fills the (Chinese) template in and uploads it.
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    for number, row in enumerate(sheet.iter_rows(min_row=2), start=1):
        row[3].value, row[4].value, row[5].value = "成功", f"T-{number}", timezone.localdate()
    out = io.BytesIO()
    book.save(out)
    with translation.override("zh-hans"):
        bank_results.import_results(
            by=officer, batch=batch, upload=SimpleUploadedFile("t.xlsx", out.getvalue())
        )
    assert set(batch.payments.values_list("status", flat=True)) == {"paid"}
    assert reconcile_round(batch.plan_version.round).balanced


def test_amounts_are_exact_decimals() -> None:
    assert bank_results.parse_amount(35000.1) == Decimal("35000.10")
    assert bank_results.parse_amount("￥1,234.5") == Decimal("1234.50")
    for bad in ("1.005", 0.001, "-5", "abc", None, True):
        with pytest.raises(ValueError):
            bank_results.parse_amount(bad)
    assert bank_results.parse_account(6228480000000030001.0) is None  # a number cell lost digits
    assert bank_results.parse_account(" 6228 4800-0000 ") == "622848000000"
