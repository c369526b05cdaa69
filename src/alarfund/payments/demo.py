"""Demo data of the payments (the end of `alarfund demo`): a released batch of the 2025 plan with one
payment paid, one failed and re-issued (in a new batch awaiting release), the others pending; a fraud
finding on the paid enterprise with a partial recovery and its three-year ban.

Payments need the approved plan. If the plan is only frozen, the demo asks the plan's own service to
record the approval (approver `shenpi`); when the public-notice gate of Art. 17 refuses (the notice demo
publishes its notice from today, so it is still running), nothing is forced: the demo says when it can
be completed, and `alarfund demo` run again after the notice (closed on its page) finishes it.
Idempotent: a plan version that already has a batch is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation

from alarfund.accounts.models import User
from alarfund.plans.models import PlanVersion, VersionStatus
from alarfund.plans.services import current_version, plan_approve
from alarfund.rounds.models import Round

from . import clawback, services
from .models import PaymentBatch

DEMO_YEAR = 2025
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _approved(round_: Round, approver: User, report: Callable[[str], None]) -> PlanVersion | None:
    version = round_.plan_versions.filter(status=VersionStatus.APPROVED).first()
    if version is not None:
        return version
    current = current_version(round_)
    if current is None or current.status != VersionStatus.FROZEN:
        report("Payment demo skipped: the 2025 plan has no frozen version to approve.")
        return None
    try:
        return plan_approve(
            by=approver,
            version=current,
            document_number="师市审〔2026〕12号",
            approval_date=timezone.localdate(),
            upload=_pdf("师市审定文件.pdf"),
            lock=current.lock,
        )
    except ValidationError as exc:
        report(f"Payment demo skipped until the plan can be approved: {' '.join(exc.messages)}")
        return None


def _code(user: User) -> str:
    """A current code of the demo approver's device (the demo is a trusted command)."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    if device is None:
        return ""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def seed_payment_demo(*, report: Callable[[str], None] = lambda _line: None) -> PaymentBatch | None:
    round_ = Round.objects.filter(sales_year=DEMO_YEAR).first()
    officer = User.objects.filter(username="shangwu").first()
    approver = User.objects.filter(username="shenpi").first()
    if round_ is None or officer is None or approver is None:
        report("Payment demo skipped: run the round and plan demos first.")
        return None
    with translation.override("zh-hans"):
        version = _approved(round_, approver, report)
        if version is None:
            return None
        existing = version.payment_batches.order_by("number").first()
        if existing is not None:
            report(f"Payments of plan v{version.number} already seeded (batch {existing.number}).")
            return existing
        with transaction.atomic():
            outcome = services.batch_prepare(by=officer, round=round_)
            batch = PaymentBatch.objects.get(pk=outcome.result["batch"])
            services.batch_release(by=approver, batch=batch, code=_code(approver), lock=batch.lock)
            batch.refresh_from_db()
            payments = list(batch.payments.order_by("-amount"))
            today = timezone.localdate()
            paid = failed = None
            if payments:
                paid = payments[0]
                services.payment_mark_paid(
                    by=officer, payment=paid, voucher_number="NYAL-2026-000123", paid_on=today
                )
            if len(payments) > 1:
                failed = payments[1]
                services.payment_mark_failed(
                    by=officer, payment=failed, reason="收款账户户名与账号不一致，银行退票"
                )
                services.payments_reissue(by=officer, payments=[failed], target=failed.pk)
            if paid is not None:
                finding = clawback.finding_record(
                    by=officer,
                    round=round_,
                    organisation=paid.organisation,
                    application=paid.application,
                    found_on=today,
                    decision_number="师市商务处〔2026〕5号",
                    description="经核查，该企业申报的快递单量中有部分单号重复使用，属弄虚作假骗取资金（第二十条）。",
                    upload=_pdf("处理决定书.pdf"),
                )
                from .models import FraudFinding

                row = FraudFinding.objects.get(pk=finding.result["finding"])
                clawback.recovery_record(
                    by=officer,
                    finding=row,
                    amount=(row.amount_due / 2).quantize(Decimal("0.01")),
                    received_on=today,
                    reference="缴款书 650000-2026-0088",
                )
    report(
        f"Payments of plan v{version.number}: batch {batch.number} released ({len(payments)} payments: one "
        f"paid, one failed and re-issued, the rest pending); a fraud finding with a partial recovery and its ban."
    )
    return batch
