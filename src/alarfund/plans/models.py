"""The round's commitments (Art. 11, 12, 13, 22), the plan's versions, the bureau's adjustments, files.

A plan version is a snapshot: the round document the engine read (inputs), the bureau's adjustments as
line limits, the parameter entries in force, the seven switches, and the engine's output (`plan_dict`).
Recomputing a frozen version from its snapshot reproduces the output to the fen (services.plan_verify).
Status changes only through `VERSION_TRANSITIONS`.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alarfund.config.choices import TextChoices
from alarfund.evidence.models import StoredFile

MONEY = {"max_digits": 14, "decimal_places": 2}


class CommitmentArticle(TextChoices):
    """Money of the round that is not an enterprise award (policy-rules §7)."""

    LOGISTICS = "11", _("Art. 11: three-level logistics distribution project")
    BIG_DATA = "12", _("Art. 12: e-commerce big-data service contract")
    SOCIAL_ORGANISATION = "13", _("Art. 13: social-organisation service contract")
    EXPENSES = "22", _("Art. 22: process expenses of the bureau")


class Commitment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="commitments")
    article = models.CharField(_("article"), max_length=4, choices=CommitmentArticle.choices)
    label = models.CharField(_("item"), max_length=200)
    provider = models.CharField(_("provider or project owner"), max_length=200, blank=True)
    provider_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("provider (registered organisation)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    #: Art. 11: a project funded from another source does not count toward the annual cap.
    funded_elsewhere = models.BooleanField(_("funded from another source"), default=False)
    purpose = models.TextField(_("purpose"), blank=True)
    version = models.PositiveIntegerField(default=1)  # optimistic locking
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering: ClassVar[list[str]] = ["article", "created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(name="commitment_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="commitment_funded_elsewhere_only_art11",
                condition=Q(article="11") | Q(funded_elsewhere=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} · {self.label}"

    @property
    def counts_toward_cap(self) -> bool:
        return not self.funded_elsewhere


class CommitmentPayment(models.Model):
    """A payment made under a commitment (never more than the commitment in total)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("voucher or reference"), max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commitment payment")
        verbose_name_plural = _("commitment payments")
        ordering: ClassVar[list[str]] = ["paid_on", "recorded_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(name="commitment_payment_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} · {self.amount}"


class VersionStatus(TextChoices):
    DRAFT = "draft", _("Draft")
    FROZEN = "frozen", _("Frozen: awaiting approval")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


#: The only status changes of a plan version (services enforce it; tests cover every other pair).
VERSION_TRANSITIONS: dict[str, frozenset[str]] = {
    VersionStatus.DRAFT: frozenset({VersionStatus.FROZEN}),
    VersionStatus.FROZEN: frozenset({VersionStatus.APPROVED, VersionStatus.SUPERSEDED}),
    VersionStatus.APPROVED: frozenset({VersionStatus.SUPERSEDED}),
    VersionStatus.SUPERSEDED: frozenset(),
}


class PlanVersion(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="plan_versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    #: Why this version exists (required from version 2 on: what changed after the previous one).
    reason = models.TextField(_("reason for this version"), blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    #: The seven switches this version computes with (all of them, defaults filled in).
    interpretation = models.JSONField(_("interpretation switches"), default=dict)
    # -- the snapshot (written by compute; fixed from freezing on) --
    inputs = models.JSONField(default=dict)  # {"round": round document, "limits": {id: {line: fen}}}
    parameters = models.JSONField(default=list)  # the parameter entries used, with article refs
    outputs = models.JSONField(default=dict)  # plan_dict(result, "zh-hans")
    sources = models.JSONField(default=dict)  # application id -> figure source used (final/audited/declared)
    excluded = models.JSONField(default=list)  # applications of the round not in the plan, with status
    total = models.DecimalField(_("enterprise awards"), default=0, **MONEY)
    commitments_total = models.DecimalField(_("commitments"), default=0, **MONEY)
    computed_at = models.DateTimeField(null=True, blank=True)
    # -- who and when --
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    frozen_at = models.DateTimeField(null=True, blank=True)
    # -- the Division and city's approval (师市审定) --
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_document_number = models.CharField(_("approval document number"), max_length=100, blank=True)
    approval_date = models.DateField(_("approval date"), null=True, blank=True)
    lock = models.PositiveIntegerField(default=1)  # optimistic locking

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering: ClassVar[list[str]] = ["round", "-number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["round", "number"], name="plan_version_number_unique"),
            # At most one version of a round that is not superseded: the round's current plan.
            models.UniqueConstraint(
                fields=["round"], condition=~Q(status="superseded"), name="plan_one_current_version"
            ),
            models.CheckConstraint(
                name="plan_approved_has_document",
                condition=~Q(status="approved")
                | (~Q(approval_document_number="") & Q(approval_date__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def computed(self) -> bool:
        return self.computed_at is not None


class Adjustment(models.Model):
    """The bureau lowers a line of one applicant (or sets its Art. 9 amount within the cap), with a reason."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="adjustments")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="+")
    line = models.CharField(_("line"), max_length=4)
    #: For line 9 only: the demonstration level whose amount is set ("" = the line as a whole).
    level = models.CharField(_("level"), max_length=16, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        ordering: ClassVar[list[str]] = ["created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["version", "application", "line", "level"], name="plan_one_adjustment_per_line"
            ),
            models.CheckConstraint(name="plan_adjustment_not_negative", condition=Q(amount__gte=0)),
            models.CheckConstraint(name="plan_adjustment_has_reason", condition=~Q(reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.line} ≤ {self.amount}"


class PlanFile(StoredFile):
    """A file of the plan: the 师市 approval document of a version, or a commitment's deliverable.

    Checked by the evidence app's content validation and kept in the private documents storage under a
    generated name (docs/adr/0011-plan-versions.md: why not an evidence `Document`).
    """

    class Subject(TextChoices):
        APPROVAL = "approval", _("Approval document")
        DELIVERABLE = "deliverable", _("Deliverable")

    subject = models.CharField(max_length=16, choices=Subject.choices)
    version = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="files"
    )
    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, null=True, blank=True, related_name="deliverables"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["uploaded_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                name="plan_file_has_one_subject",
                condition=(Q(subject="approval", version__isnull=False, commitment__isnull=True))
                | Q(subject="deliverable", version__isnull=True, commitment__isnull=False),
            ),
        ]
