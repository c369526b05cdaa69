"""Yearly rounds (Art. 15): a sales year, its application window, budgets, switches and materials."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alarfund.config.choices import TextChoices

MONEY = {"max_digits": 14, "decimal_places": 2}


class RoundStatus(TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


#: The only status changes a round can make (services.round_transition enforces it).
ROUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RoundStatus.DRAFT: frozenset({RoundStatus.PUBLISHED}),
    RoundStatus.PUBLISHED: frozenset({RoundStatus.CLOSED}),
    RoundStatus.CLOSED: frozenset(),
}


class Round(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sales_year = models.PositiveSmallIntegerField(_("sales year"), unique=True)
    window_start = models.DateField(_("applications open"))
    window_end = models.DateField(_("applications close"))
    budget_total = models.DecimalField(_("annual fund (Art. 3)"), **MONEY)
    budget_7 = models.DecimalField(_("traffic support budget (Art. 7)"), **MONEY)
    budget_8 = models.DecimalField(_("forward warehouse budget (Art. 8)"), **MONEY)
    budget_10 = models.DecimalField(_("express subsidy budget (Art. 10)"), **MONEY)
    #: The seven interpretation switches, all of them, as chosen for this round (alarfund.policy).
    interpretation = models.JSONField(_("interpretation switches"), default=dict)
    enquiries = models.TextField(_("where to ask"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1)  # optimistic locking: a stale edit is refused
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering: ClassVar[list[str]] = ["-sales_year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                name="round_window_ordered", condition=models.Q(window_start__lte=models.F("window_end"))
            ),
        ]

    def __str__(self) -> str:
        return str(_("Round %(year)s") % {"year": self.sales_year})

    def budgets_document(self) -> dict[str, str]:
        """The round file's `budgets` (exact decimal strings)."""
        return {
            "total": str(self.budget_total),
            "7": str(self.budget_7),
            "8": str(self.budget_8),
            "10": str(self.budget_10),
        }


class ExtraMaterial(models.Model):
    """A material the bureau adds to the round (Art. 16 ends in "等"): for all, or for one line."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="extra_materials")
    code = models.SlugField(_("code"), max_length=40)
    label_zh = models.CharField(_("name (Chinese)"), max_length=120)
    label_en = models.CharField(_("name (English)"), max_length=120)
    required = models.BooleanField(_("mandatory"), default=False)
    applies_to = models.CharField(_("applies to"), max_length=8, default="all")

    class Meta:
        verbose_name = _("additional material")
        verbose_name_plural = _("additional materials")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["round", "code"], name="extra_material_code_unique"),
        ]

    def __str__(self) -> str:
        return self.label_zh


class AuditorEngagement(models.Model):
    """Art. 17(三), 18: the bureau engages a third-party auditor for a round; the auditor sees only
    the rounds it is engaged for."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="engagements")
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="engagements"
    )
    contract_reference = models.CharField(_("contract reference"), max_length=100)
    engaged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    engaged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("auditor engagement")
        verbose_name_plural = _("auditor engagements")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["round", "auditor"], name="one_engagement_per_auditor_and_round"),
        ]

    def __str__(self) -> str:
        return f"{self.auditor} · {self.round}"
