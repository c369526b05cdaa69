"""The bank's result file of a released batch (回单/代发结果), recorded in one go (Art. 18).

The officer uploads the bank's XLSX or CSV answer. The file is checked by the evidence app (material
``bank_results``, XLSX or CSV only), read, and every row is matched to a pending payment of THIS batch by
account number (compared with the payment's encrypted snapshot, decrypted in memory only, never logged
or shown in full) AND amount to the fen. All or nothing: every row is checked first; any problem refuses
the whole file with a row-numbered report and records nothing. Otherwise every row is recorded in ONE
transaction through the same functions as the single-payment forms (`services.record_paid` /
`services.record_failed`: one audit event per payment), the file is stored privately with a
`BankResultImport` row and one more audit event (file hash and counts). Payments not in the file stay
pending. The form carries a one-time token: a re-post returns the first result.

Cells are data, never formulas: an XLSX is read without evaluating anything (a formula comes back as its
text and fails as an amount, a date or an account), a CSV is text.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from alarfund import idempotency
from alarfund.accounts.permissions import Capability, require
from alarfund.audit.models import AuditResult
from alarfund.audit.services import Actor, AuditContext, audit_record
from alarfund.evidence import validation
from alarfund.evidence.exceptions import UploadRefused
from alarfund.evidence.models import StoredFile
from alarfund.evidence.services import discard_stored, store_checked
from alarfund.plans.services import OutOfSequence
from alarfund.spreadsheets import read_cells

from . import services
from .models import BankResultImport, BatchStatus, Payment, PaymentBatch, PaymentStatus

MATERIAL = "bank_results"
KINDS = ("xlsx", "csv")
MAX_ROWS = 5000  # one file; a processing bound, not a policy value
HEADER_SEARCH_ROWS = 20  # a bank's file may open with a title block above the column headings
ACTION = "payment_batch.bank_results"
Outcome = idempotency.Outcome

PAID, FAILED = "paid", "failed"

#: Column → accepted headings (Chinese and English; case, spaces and full-width brackets ignored).
_ALIASES: dict[str, tuple[str, ...]] = {
    "payee": (
        "收款人",
        "户名",
        "收款人名称",
        "收款户名",
        "收款单位",
        "payee",
        "payee name",
        "account name",
        "name",
    ),
    "account": (
        "账号",
        "收款账号",
        "收款人账号",
        "收款账户",
        "银行账号",
        "账户",
        "account",
        "account number",
        "account no.",
        "account no",
        "payee account",
    ),
    "amount": ("金额", "金额(元)", "交易金额", "代发金额", "amount", "amount (yuan)"),
    "status": ("状态", "处理结果", "交易状态", "处理状态", "结果", "status", "result"),
    "voucher": (
        "凭证号",
        "流水号",
        "交易流水号",
        "银行凭证号",
        "回单号",
        "voucher",
        "voucher number",
        "bank voucher number",
        "transaction number",
    ),
    "date": ("日期", "交易日期", "入账日期", "支付日期", "date", "transaction date", "paid on"),
    "reason": ("失败原因", "备注", "原因", "reason", "failure reason", "remarks", "note"),
}
_STATUSES: dict[str, str] = {
    **dict.fromkeys(
        ("成功", "交易成功", "处理成功", "已成功", "success", "succeeded", "successful", "paid"), PAID
    ),
    **dict.fromkeys(("失败", "交易失败", "处理失败", "已失败", "failed", "failure", "fail"), FAILED),
}
_FOOTERS = frozenset({"合计", "总计", "小计", "total", "subtotal"})
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_DIGITS = re.compile(r"[0-9]+")
_CENT = Decimal("0.01")


def _key(text: Any) -> str:
    return "".join(str(text or "").lower().replace("（", "(").replace("）", ")").split())


def template_headings() -> list[tuple[str, str]]:
    """(column, heading in the current language) of the downloadable template, in order."""
    return [
        ("payee", _("Payee")),
        ("account", _("Account number")),
        ("amount", _("Amount")),
        ("status", _("Status")),
        ("voucher", _("Bank voucher number")),
        ("date", _("Transaction date")),
        ("reason", _("Failure reason")),
    ]


def _headings() -> dict[str, str]:
    table = {_key(alias): column for column, aliases in _ALIASES.items() for alias in aliases}
    for column, heading in template_headings():  # the template's own headings, whatever the language
        table.setdefault(_key(heading), column)
    return table


# -- reading ------------------------------------------------------------------------------------------


def _blank(cell: Any) -> bool:
    return cell is None or str(cell).strip() == ""


def read_rows(kind: str, content: IO[bytes], content_type: str = "") -> list[tuple[int, dict[str, Any]]]:
    """(row number as the spreadsheet shows it, {column: raw cell}) for every data row below the heading
    row (the first row naming an account, an amount and a status column). Other columns are ignored."""
    headings = _headings()
    header: list[str | None] | None = None
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, cells in enumerate(
        read_cells(kind, content, content_type, cached_formula_results=False), start=1
    ):
        if all(_blank(cell) for cell in cells):
            continue
        if header is None:
            found = [headings.get(_key(cell)) if isinstance(cell, str) else None for cell in cells]
            if {"account", "amount", "status"} <= set(found):
                header = found
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        values = {column: cell for column, cell in zip(header, cells, strict=False) if column is not None}
        if _blank(values.get("account")) and _blank(values.get("status")):
            if any(_key(cell) in _FOOTERS for cell in cells if isinstance(cell, str)):
                continue  # the bank's total line
        if len(rows) >= MAX_ROWS:
            raise ValidationError(
                _("The file has more than %(count)s rows: split it.") % {"count": MAX_ROWS},
                code="too_many_rows",
            )
        rows.append((number, values))
    if header is None:
        raise ValidationError(
            _(
                "No heading row with the columns account number (账号), amount (金额) and status (状态) "
                "was found. Use the template of this batch."
            ),
            code="missing_columns",
        )
    return rows


# -- one cell ----------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def parse_account(value: Any) -> str | None:
    """The digits of an account cell; None if it is not a plain number written as text (a number cell
    longer than 15 digits has already lost digits in the spreadsheet program)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and not (value.is_integer() and abs(value) < 1e15):
        return None
    text = "".join(_text(value).replace("-", "").split())
    return text if _DIGITS.fullmatch(text) else None


def parse_amount(value: Any) -> Decimal:
    """An exact amount in yuan with at most 2 decimals, above zero (ValueError with the reason)."""
    if isinstance(value, bool) or value is None:
        raise ValueError(_("The amount is missing."))
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))  # the cell's number as written (shortest repr), no float arithmetic
    else:
        text = str(value).strip().replace(",", "").replace("，", "").lstrip("¥￥").strip()
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("The amount %(value)s is not a number.") % {"value": text[:40]}) from None
    if not amount.is_finite() or abs(amount) >= Decimal(10) ** 12:
        raise ValueError(_("The amount %(value)s is not a number.") % {"value": str(value)[:40]})
    if amount != amount.quantize(_CENT):
        raise ValueError(_("The amount %(value)s has more than 2 decimals.") % {"value": amount})
    if amount <= 0:
        raise ValueError(_("The amount must be above zero."))
    return amount.quantize(_CENT)


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    text = text.split(" ")[0].split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("The date %(value)s cannot be read: write it as 2026-05-20.") % {"value": text[:40]})


def _last4(account: str) -> str:
    return account[-4:]


# -- checking the file ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row: int
    messages: list[str]


class ResultsRefused(ValidationError):
    """The file or some of its rows are not acceptable: nothing was recorded."""

    def __init__(self, message: str, *, rows: list[RowProblem] | None = None, code: str = "bad_rows") -> None:
        super().__init__(message, code=code)
        self.rows = rows or []
        self.reason_code = code


@dataclass
class _Line:
    row: int
    payment: Payment
    result: str
    voucher: str = ""
    paid_on: dt.date | None = None
    reason: str = ""


@dataclass
class _Check:
    lines: list[_Line] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def _check_rows(
    batch: PaymentBatch, payments: list[Payment], rows: list[tuple[int, dict[str, Any]]]
) -> _Check:
    """Match and check every row against the locked payments of the batch (nothing is written)."""
    by_account: dict[str, list[Payment]] = defaultdict(list)
    for each in payments:
        by_account["".join(ch for ch in each.bank_account if ch.isdigit())].append(each)
    released_on = timezone.localdate(batch.released_at) if batch.released_at else None
    raw_vouchers = {" ".join(_text(v.get("voucher")).split()) for _n, v in rows} - {""}
    used_elsewhere = set(
        Payment.objects.filter(voucher_number__in=raw_vouchers).values_list("voucher_number", flat=True)
    )
    matched: dict[Any, int] = {}
    vouchers: dict[str, int] = {}
    check = _Check()
    for number, values in rows:
        problems: list[str] = []
        account = parse_account(values.get("account"))
        if account is None:
            problems.append(_("The account number is missing or not a number written as text."))
        try:
            amount: Decimal | None = parse_amount(values.get("amount"))
        except ValueError as exc:
            amount = None
            problems.append(str(exc))
        status_text = _text(values.get("status"))
        result = _STATUSES.get(_key(status_text))
        if result is None:
            problems.append(
                _("Unknown status %(value)s: write 成功 (success) or 失败 (failed).")
                % {"value": f"“{status_text[:40]}”"}
            )
        payment: Payment | None = None
        if account is not None and amount is not None:
            candidates = by_account.get(account, [])
            same = [p for p in candidates if p.amount == amount]
            if not candidates:
                problems.append(
                    _("No payment of this batch goes to the account ending %(last4)s.")
                    % {"last4": _last4(account)}
                )
            elif not same:
                problems.append(
                    _(
                        "The amount %(amount)s does not match the payment to the account ending %(last4)s (%(expected)s)."
                    )
                    % {
                        "amount": f"{amount:,.2f}",
                        "last4": _last4(account),
                        "expected": ", ".join(f"{p.amount:,.2f}" for p in candidates),
                    }
                )
            else:
                pending = [p for p in same if p.status == PaymentStatus.PENDING]
                free = [p for p in pending if p.pk not in matched]
                if not pending:
                    problems.append(
                        _("The payment to the account ending %(last4)s is already recorded as %(status)s.")
                        % {"last4": _last4(account), "status": same[0].get_status_display()}
                    )
                elif not free:
                    problems.append(
                        _("The payment to the account ending %(last4)s is already matched by row %(row)s.")
                        % {"last4": _last4(account), "row": matched[pending[0].pk]}
                    )
                else:
                    payment = free[0]
                    matched[payment.pk] = number
        line = None
        if result == PAID:
            try:
                paid_on = parse_date(values.get("date"))
            except ValueError as exc:
                paid_on = None
                problems.append(str(exc))
                date_read = False
            else:
                date_read = True
            voucher, errors = services.clean_voucher(_text(values.get("voucher")), paid_on)
            if not date_read:
                errors.pop("paid_on", None)
            problems += [str(m) for messages in errors.values() for m in messages]
            if released_on is not None and isinstance(paid_on, dt.date) and paid_on < released_on:
                problems.append(_("The payment date cannot be before the batch's release."))
            if voucher and voucher in used_elsewhere:
                problems.append(_("This voucher number is already recorded for another payment."))
            elif voucher in vouchers:
                problems.append(
                    _("The voucher number is also in row %(row)s of this file.") % {"row": vouchers[voucher]}
                )
            elif voucher:
                vouchers[voucher] = number
            if payment is not None:
                line = _Line(number, payment, PAID, voucher=voucher, paid_on=paid_on)
        elif result == FAILED:
            reason = _text(values.get("reason"))
            if not reason:
                problems.append(_("Give the bank's reason for the failure."))
            if payment is not None:
                line = _Line(number, payment, FAILED, reason=reason)
        if problems:
            check.problems.append(RowProblem(number, problems))
        elif line is not None:
            check.lines.append(line)
    return check


# -- the write ---------------------------------------------------------------------------------------


def _refused_audit(by: Any, batch: PaymentBatch, context: AuditContext | None, code: str, bad: int) -> None:
    audit_record(
        action=ACTION,
        result=AuditResult.REFUSED,
        actor=Actor.of(by),
        context=context,
        object_type="payment_batch",
        object_id=batch.pk,
        details={"code": code, "bad_rows": bad},
    )


def _prepare(upload: Any) -> tuple[validation.Prepared | None, list[tuple[int, dict[str, Any]]], str]:
    """The checked file and its rows, or the reason it cannot be read (raised later, in the work)."""
    if upload is None:
        return None, [], _("Choose the bank's result file (XLSX or CSV).")
    try:
        prepared = validation.prepare(upload, material_code=MATERIAL)
    except UploadRefused as refusal:
        return None, [], str(refusal.messages[0])
    if prepared.kind not in KINDS:
        prepared.close()
        return (
            None,
            [],
            _("Upload the bank's result file as XLSX or CSV (this file is %(kind)s).")
            % {"kind": prepared.kind.upper()},
        )
    try:
        prepared.content.seek(0)
        rows = read_rows(prepared.kind, prepared.content, prepared.content_type)
    except ValidationError as exc:
        prepared.close()
        return None, [], str(exc.messages[0])
    except (UnicodeDecodeError, csv.Error, ValueError, KeyError, OSError, IndexError):
        prepared.close()
        return None, [], _("The file could not be read as a spreadsheet.")
    if not rows:
        prepared.close()
        return None, [], _("The file has no result rows.")
    return prepared, rows, ""


def import_results(
    *,
    by: Any,
    batch: PaymentBatch,
    upload: Any,
    token: str | None = None,
    context: AuditContext | None = None,
) -> Outcome:
    """Record the bank's result file of a released batch: every row, or nothing (see the module)."""
    require(by, Capability.PAYMENT_PREPARE)
    prepared, rows, unreadable = _prepare(upload)
    names: list[str] = []

    def work() -> dict[str, Any]:
        current = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        if current.status != BatchStatus.RELEASED:
            raise OutOfSequence(
                _("Batch %(number)s is %(status)s: the bank's results are recorded only once it is released.")
                % {"number": current.number, "status": current.get_status_display()}
            )
        if unreadable or prepared is None:
            raise ResultsRefused(unreadable, code="unreadable")
        payments = list(current.payments.select_for_update().order_by("created_at"))
        check = _check_rows(current, payments, rows)
        if check.problems:
            raise ResultsRefused(
                _(
                    "%(bad)s of %(total)s rows have problems: nothing was recorded. "
                    "Correct the file and upload it again."
                )
                % {"bad": len(check.problems), "total": len(rows)},
                rows=check.problems,
            )
        for line in check.lines:
            line.payment.batch = current  # the locked batch (its release date)
            if line.result == PAID:
                assert line.paid_on is not None
                services.record_paid(
                    by=by,
                    current=line.payment,
                    voucher_number=line.voucher,
                    paid_on=line.paid_on,
                    context=context,
                )
            else:
                services.record_failed(by=by, current=line.payment, reason=line.reason, context=context)
        name = store_checked(prepared)
        names.append(name)
        paid = sum(1 for line in check.lines if line.result == PAID)
        record = BankResultImport.objects.create(
            batch=current,
            **StoredFile.fields_of(prepared, name),
            rows=len(check.lines),
            paid=paid,
            failed=len(check.lines) - paid,
            uploaded_by=by,
        )
        pending = sum(1 for p in payments if p.status == PaymentStatus.PENDING)
        audit_record(
            action=ACTION,
            actor=Actor.of(by),
            context=context,
            object_type="payment_batch",
            object_id=current.pk,
            details={
                "import": str(record.pk),
                "file": record.original_name,
                "sha256": record.sha256,
                "rows": record.rows,
                "paid": record.paid,
                "failed": record.failed,
                "still_pending": pending,
            },
        )
        return {
            "batch": str(current.pk),
            "import": str(record.pk),
            "paid": record.paid,
            "failed": record.failed,
        }

    try:
        return idempotency.run(token=token, user=by, action=ACTION, target=batch.pk, work=work)
    except ResultsRefused as refused:
        for name in names:
            discard_stored(name)
        _refused_audit(by, batch, context, refused.reason_code, len(refused.rows))
        raise
    except BaseException:
        for name in names:
            discard_stored(name)
        raise
    finally:
        if prepared is not None:
            prepared.close()
