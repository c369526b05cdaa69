"""The bank transfer list of a batch (XLSX and CSV): payee, bank, the full account number, amount, 大写.

The only place account numbers are decrypted for output: produced for PAYMENT_PREPARE / PAYMENT_RELEASE
only, each download audited with the file's hash. Every text cell goes through `safe_text` (a payee
name can never start a formula, ASVS 1.2.10); amounts are exact decimals.
"""

from __future__ import annotations

import csv
import hashlib
import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from alarfund.accounts.permissions import Capability, Refused, check
from alarfund.applications.pdf import capital_rmb
from alarfund.audit.services import Actor, AuditContext, audit_record
from alarfund.spreadsheets import safe_text

from .models import BatchStatus, PaymentBatch, PaymentStatus

MONEY_FORMAT = "#,##0.00"


def _headers() -> list[str]:
    return [
        _("No."),
        _("Payee"),
        _("Unified social credit code"),
        _("Bank (branch)"),
        _("Account number"),
        _("Amount"),
        _("In words"),
        _("Payment reference"),
    ]


def rows(batch: PaymentBatch) -> list[list[Any]]:
    """One row per payment still to be sent (pending, or all of a batch's payments once recorded)."""
    payments = batch.payments.exclude(status=PaymentStatus.CANCELLED).select_related("organisation")
    result: list[list[Any]] = []
    for number, payment in enumerate(payments.order_by("payee_name", "created_at"), start=1):
        result.append(
            [
                number,
                safe_text(payment.payee_name),
                safe_text(payment.organisation.uscc),
                safe_text(payment.bank_name),
                safe_text(payment.bank_account),
                payment.amount,
                safe_text(capital_rmb(payment.amount)),
                safe_text(str(payment.pk)),
            ]
        )
    return result


def _title(batch: PaymentBatch) -> str:
    version = batch.plan_version
    return _("Bank transfer list: sales year %(year)s, plan version %(version)s, batch %(number)s") % {
        "year": version.round.sales_year,
        "version": version.number,
        "number": batch.number,
    }


def transfer_xlsx(batch: PaymentBatch) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Transfer list")[:31]
    sheet.append([safe_text(_title(batch))])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(_headers())
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    total = Decimal(0)
    for row in rows(batch):
        total += row[5]
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=6).number_format = MONEY_FORMAT
    sheet.append([None, _("Total"), None, None, None, total, safe_text(capital_rmb(total))])
    sheet.cell(row=sheet.max_row, column=6).number_format = MONEY_FORMAT
    for column, width in zip("ABCDEFGH", (6, 40, 22, 30, 26, 16, 36, 38), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def transfer_csv(batch: PaymentBatch) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_headers())
    total = Decimal(0)
    for row in rows(batch):
        total += row[5]
        writer.writerow([*row[:5], f"{row[5]:.2f}", *row[6:]])
    writer.writerow(["", _("Total"), "", "", "", f"{total:.2f}", safe_text(capital_rmb(total)), ""])
    return out.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs read the Chinese


def transfer_list(*, by: Any, batch: PaymentBatch, kind: str, context: AuditContext | None = None) -> bytes:
    """The list of a prepared or released batch, for those who prepare or release payments; audited."""
    decision = check(by, Capability.PAYMENT_PREPARE)
    if not decision:
        decision = check(by, Capability.PAYMENT_RELEASE)
    if not decision:
        raise Refused(decision)
    if batch.status == BatchStatus.CANCELLED:
        from alarfund.plans.services import OutOfSequence

        raise OutOfSequence(_("This batch is cancelled: there is nothing to send to the bank."))
    data = transfer_xlsx(batch) if kind == "xlsx" else transfer_csv(batch)
    audit_record(
        action="payment_batch.export",
        actor=Actor.of(by),
        context=context,
        object_type="payment_batch",
        object_id=batch.pk,
        details={
            "kind": kind,
            "number": batch.number,
            "payments": len(rows(batch)),
            "total": str(batch.total),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    return data


def results_template(*, by: Any, batch: PaymentBatch, context: AuditContext | None = None) -> bytes:
    """The XLSX template of the bank's result file for the officer who records it (`bank_results`):
    one row per pending payment with payee, full account number and amount; status, voucher number,
    date and reason to fill in. Full account numbers: PAYMENT_PREPARE only, each download audited."""
    from alarfund.plans.services import OutOfSequence

    from .bank_results import template_headings

    decision = check(by, Capability.PAYMENT_PREPARE)
    if not decision:
        raise Refused(decision)
    if batch.status == BatchStatus.CANCELLED:
        raise OutOfSequence(_("This batch is cancelled: there is nothing to send to the bank."))
    payments = list(batch.payments.filter(status=PaymentStatus.PENDING).order_by("payee_name", "created_at"))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Bank results")[:31]
    sheet.append([heading for _column, heading in template_headings()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for payment in payments:
        sheet.append([safe_text(payment.payee_name), safe_text(payment.bank_account), payment.amount])
        row = sheet.max_row
        sheet.cell(row=row, column=2).number_format = "@"  # an account is text: no digit is ever lost
        sheet.cell(row=row, column=3).number_format = MONEY_FORMAT
        sheet.cell(row=row, column=6).number_format = "yyyy-mm-dd"
    for column, width in zip("ABCDEFG", (40, 26, 16, 12, 26, 14, 36), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    audit_record(
        action="payment_batch.results_template",
        actor=Actor.of(by),
        context=context,
        object_type="payment_batch",
        object_id=batch.pk,
        details={
            "number": batch.number,
            "payments": len(payments),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    return data
