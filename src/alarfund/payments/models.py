"""Payment batches and payments (Art. 18), fraud findings, recoveries and their files (Art. 20), and the
one-time form tokens of `alarfund.idempotency`.

Status changes only through the transition tables below (services enforce them; tests cover every
other pair). The database backs the services up: one live (pending or paid) payment per applicant and
plan version, a bank voucher number used once, the checker never the maker, positive amounts, and a
token recorded once with its first result.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from alarfund import sensitive
from alarfund.config.choices import TextChoices
from alarfund.evidence.models import StoredFile
from alarfund.sensitive_fields import EncryptedTextField

MONEY = {"max_digits": 14, "decimal_places": 2}


class IdempotencyToken(models.Model):
    """A one-time form token (see `alarfund.idempotency`): issued to one user for one action on one
    object when the form is rendered; used once, in the same transaction as the write, with its result."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=64)
    target = models.CharField(max_length=64, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                name="idempotency_used_has_result",
                condition=Q(used_at__isnull=True) | Q(result__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} · {self.target}"


class BatchStatus(TextChoices):
    PREPARED = "prepared", _("Prepared: awaiting release")
    RELEASED = "released", _("Released")
    CANCELLED = "cancelled", _("Cancelled")


#: The only status changes of a batch.
BATCH_TRANSITIONS: dict[str, frozenset[str]] = {
    BatchStatus.PREPARED: frozenset({BatchStatus.RELEASED, BatchStatus.CANCELLED}),
    BatchStatus.RELEASED: frozenset(),
    BatchStatus.CANCELLED: frozenset(),
}


class PaymentStatus(TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    #: Only while its batch is cancelled before release: no money moved (an extension of the contract).
    CANCELLED = "cancelled", _("Cancelled with its batch")


#: The only status changes of a payment. Paid and failed are final: a failed payment is re-issued as a
#: new payment (`reissue_of`), never revived.
PAYMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentStatus.PENDING: frozenset({PaymentStatus.PAID, PaymentStatus.FAILED, PaymentStatus.CANCELLED}),
    PaymentStatus.PAID: frozenset(),
    PaymentStatus.FAILED: frozenset(),
    PaymentStatus.CANCELLED: frozenset(),
}
LIVE_STATUSES = (PaymentStatus.PENDING, PaymentStatus.PAID)


class PaymentBatch(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan_version = models.ForeignKey(
        "plans.PlanVersion", on_delete=models.PROTECT, related_name="payment_batches"
    )
    number = models.PositiveIntegerField(_("batch number"))
    status = models.CharField(
        _("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.PREPARED
    )
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    #: The applicants of the version left out of this batch, with the reason (shown on the batch page).
    left_out = models.JSONField(default=list, blank=True)
    total = models.DecimalField(_("total"), default=0, **MONEY)
    lock = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering: ClassVar[list[str]] = ["plan_version", "-number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan_version", "number"], name="payment_batch_number_unique"),
            # Maker-checker (security checklist 18): whoever prepared a batch never releases it.
            models.CheckConstraint(
                name="payment_batch_checker_not_maker",
                condition=Q(released_by__isnull=True) | ~Q(released_by=F("prepared_by")),
            ),
            models.CheckConstraint(
                name="payment_batch_released_has_checker",
                condition=~Q(status="released") | Q(released_by__isnull=False, released_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_version} · #{self.number}"


class Payment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="payments")
    #: The batch's version, denormalised so that the database can hold "one live payment per applicant".
    plan_version = models.ForeignKey("plans.PlanVersion", on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="payments"
    )
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    status = models.CharField(
        _("status"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    # -- the payee as the bank is told (a snapshot taken when the payment is prepared) --
    payee_name = models.CharField(_("payee"), max_length=200)
    bank_name = models.CharField(_("bank (branch)"), max_length=100)
    bank_account = EncryptedTextField(_("bank account number"), kind=sensitive.BANK_ACCOUNT)
    # -- the bank's answer --
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    voucher_number = models.CharField(_("bank voucher number"), max_length=64, blank=True, default="")
    failure_reason = models.TextField(_("reason for the failure"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    reissue_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reissued_as"
    )
    #: A re-issue whose batch was cancelled before release gives up `reissue_of` (the failed payment can
    #: be re-issued again) and keeps the link here.
    cancelled_reissue_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lock = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering: ClassVar[list[str]] = ["batch", "payee_name", "created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["plan_version", "application"],
                condition=Q(status__in=["pending", "paid"]),
                name="payment_one_live_per_applicant",
            ),
            models.UniqueConstraint(
                fields=["voucher_number"], condition=~Q(voucher_number=""), name="payment_voucher_unique"
            ),
            models.CheckConstraint(name="payment_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="payment_paid_has_voucher",
                condition=~Q(status="paid") | (~Q(voucher_number="") & Q(paid_on__isnull=False)),
            ),
            models.CheckConstraint(
                name="payment_failed_has_reason",
                condition=~Q(status="failed") | ~Q(failure_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payee_name} · {self.amount}"

    @property
    def bank_account_masked(self) -> str:
        return sensitive.mask_bank_account(self.bank_account)

    @property
    def reissued(self) -> bool:
        return hasattr(self, "reissued_as")


class FindingStatus(TextChoices):
    OPEN = "open", _("Open: recovery outstanding")
    SETTLED = "settled", _("Settled")


FINDING_TRANSITIONS: dict[str, frozenset[str]] = {
    FindingStatus.OPEN: frozenset({FindingStatus.SETTLED}),
    FindingStatus.SETTLED: frozenset(),
}


class FraudFinding(models.Model):
    """Art. 20: funds obtained by fraud are recovered and the enterprise is banned for three years."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="fraud_findings")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    found_on = models.DateField(_("date of the finding"))
    decision_number = models.CharField(_("decision document number"), max_length=100)
    description = models.TextField(_("facts found"))
    #: What was paid to the organisation under the measure in the round when the finding was recorded.
    amount_paid = models.DecimalField(_("amount paid"), **MONEY)
    amount_due = models.DecimalField(_("amount to recover"), **MONEY)
    reduction_reason = models.TextField(_("reason for recovering less than was paid"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    ban_entry = models.ForeignKey(
        "registers.RegisterEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("fraud finding")
        verbose_name_plural = _("fraud findings")
        ordering: ClassVar[list[str]] = ["-found_on", "-recorded_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                name="finding_due_within_paid",
                condition=Q(amount_due__gte=0) & Q(amount_due__lte=F("amount_paid")),
            ),
            models.CheckConstraint(
                name="finding_reduction_has_reason",
                condition=Q(amount_due=F("amount_paid")) | ~Q(reduction_reason=""),
            ),
            models.CheckConstraint(name="finding_has_decision", condition=~Q(decision_number="")),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} · {self.organisation_id}"


class Recovery(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    finding = models.ForeignKey(FraudFinding, on_delete=models.PROTECT, related_name="recoveries")
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("receipt or voucher reference"), max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        ordering: ClassVar[list[str]] = ["received_on", "recorded_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(name="recovery_amount_positive", condition=Q(amount__gt=0)),
            models.UniqueConstraint(fields=["finding", "reference"], name="recovery_reference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.amount}"


class FindingFile(StoredFile):
    """The decision document and evidence of a finding, checked by the evidence app and kept privately."""

    finding = models.ForeignKey(FraudFinding, on_delete=models.PROTECT, related_name="files")

    class Meta:
        ordering: ClassVar[list[str]] = ["uploaded_at"]


class BankResultImport(StoredFile):
    """The bank's result file of a released batch (回单/代发结果), recorded in one go: the checked file,
    kept privately, and what it recorded. Only imports that recorded everything are kept (all or nothing)."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="result_imports")
    rows = models.PositiveIntegerField(default=0)
    paid = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bank result file")
        verbose_name_plural = _("bank result files")
        ordering: ClassVar[list[str]] = ["-uploaded_at"]
