"""An organisation's application for a round (Art. 15–17): figures, declarations, materials, status.

Figures are kept per source (declared by the applicant; audited and final come with the review), so the
engine can be run over whichever the procedure has reached. Status changes only through
`transitions.TRANSITIONS`; every change is a row of the timeline and an audit event.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alarfund.config.choices import TextChoices

MONEY = {"max_digits": 14, "decimal_places": 2}


class ApplicationStatus(TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted: awaiting the association's first review")
    RETURNED = "returned", _("Returned for supplement")
    ASSOCIATION_ACCEPTED = "association_accepted", _("First review passed: awaiting the bureau's review")
    BUREAU_ACCEPTED = "bureau_accepted", _("Second review passed: awaiting the audit")
    AUDITED = "audited", _("Audited: awaiting the departments' opinions")
    READY = "ready", _("Ready for the reward plan")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EntityType(TextChoices):
    """The engine's entity types (policy round file)."""

    ENTERPRISE = "enterprise", _("Enterprise")
    INDIVIDUAL = "individual", _("Individual business")
    BRANCH = "branch", _("Branch")


class FigureSource(TextChoices):
    DECLARED = "declared", _("Declared by the applicant")
    AUDITED = "audited", _("Audited")
    FINAL = "final", _("Final (Commerce Bureau)")


class Province(TextChoices):
    """Where an Art. 8 forward warehouse may be: provinces outside Xinjiang."""

    BEIJING = "beijing", _("Beijing")
    TIANJIN = "tianjin", _("Tianjin")
    HEBEI = "hebei", _("Hebei")
    SHANXI = "shanxi", _("Shanxi")
    INNER_MONGOLIA = "inner_mongolia", _("Inner Mongolia")
    LIAONING = "liaoning", _("Liaoning")
    JILIN = "jilin", _("Jilin")
    HEILONGJIANG = "heilongjiang", _("Heilongjiang")
    SHANGHAI = "shanghai", _("Shanghai")
    JIANGSU = "jiangsu", _("Jiangsu")
    ZHEJIANG = "zhejiang", _("Zhejiang")
    ANHUI = "anhui", _("Anhui")
    FUJIAN = "fujian", _("Fujian")
    JIANGXI = "jiangxi", _("Jiangxi")
    SHANDONG = "shandong", _("Shandong")
    HENAN = "henan", _("Henan")
    HUBEI = "hubei", _("Hubei")
    HUNAN = "hunan", _("Hunan")
    GUANGDONG = "guangdong", _("Guangdong")
    GUANGXI = "guangxi", _("Guangxi")
    HAINAN = "hainan", _("Hainan")
    CHONGQING = "chongqing", _("Chongqing")
    SICHUAN = "sichuan", _("Sichuan")
    GUIZHOU = "guizhou", _("Guizhou")
    YUNNAN = "yunnan", _("Yunnan")
    TIBET = "tibet", _("Tibet")
    SHAANXI = "shaanxi", _("Shaanxi")
    GANSU = "gansu", _("Gansu")
    QINGHAI = "qinghai", _("Qinghai")
    NINGXIA = "ningxia", _("Ningxia")


class DemonstrationLevel(TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial (including the Corps)")


class Application(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(
        _("status"), max_length=24, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    entity_type = models.CharField(_("applicant type"), max_length=16, choices=EntityType.choices)
    #: Lines claimed ("5.1", "5.2", "6", "7", "8", "9", "10"): they decide the materials (Art. 16).
    claimed_lines = models.JSONField(_("claimed lines"), default=list)
    local_brand_seller = models.BooleanField(
        _("sells brand products of the Division and city on third-party platforms"), default=False
    )
    local_product_seller = models.BooleanField(_("sells products of the Division and city"), default=False)
    warehouse_province = models.CharField(
        _("province of the forward warehouse"), max_length=20, choices=Province.choices, blank=True
    )
    # Eligibility declarations (Art. 14, 19, 21): the applicant's own statements, checked in review.
    registered_in_jurisdiction = models.BooleanField(
        _("registered with the market regulator of the Division and city"), default=True
    )
    credit_or_tax_violation_3y = models.BooleanField(
        _("dishonesty record or tax-violation case in the last 3 years"), default=False
    )
    false_material_3y = models.BooleanField(
        _("false materials to obtain fiscal funds in the last 3 years"), default=False
    )
    statistics_reported = models.BooleanField(
        _("statistics and annual reports submitted to the bureau"), default=True
    )
    major_incident = models.BooleanField(
        _("major accident, tax-evasion case or major mass incident this year"), default=False
    )
    four_above_reward = models.BooleanField(
        _("receives the “four-above” enterprise reward for the same year"), default=False
    )
    pledge_signed_by = models.CharField(_("pledge signed by"), max_length=50, blank=True)
    pledged_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering: ClassVar[list[str]] = ["-created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # One live application per organisation and round; a withdrawn draft does not block a new one.
            models.UniqueConstraint(
                fields=["round", "organisation"],
                condition=~models.Q(status="withdrawn"),
                name="one_live_application_per_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.round}"


class Figures(models.Model):
    """One set of the engine's figures for an application: declared, audited or final."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="figure_sets")
    source = models.CharField(max_length=16, choices=FigureSource.choices)
    online_sales = models.DecimalField(_("online sales"), default=0, **MONEY)
    total_sales = models.DecimalField(_("total sales (VAT returns)"), default=0, **MONEY)
    loan_interest_paid = models.DecimalField(_("interest paid on operating bank loans"), default=0, **MONEY)
    promotion_fees = models.DecimalField(_("online promotion fees"), default=0, **MONEY)
    inland_warehouse_rent = models.DecimalField(
        _("forward-warehouse rent outside Xinjiang"), default=0, **MONEY
    )
    parcels = models.PositiveBigIntegerField(_("parcels shipped"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("figures")
        verbose_name_plural = _("figures")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["application", "source"], name="one_figure_set_per_source"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.source}"


class Demonstration(models.Model):
    """An Art. 9 selection as a live-commerce demonstration case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="demonstrations")
    level = models.CharField(_("level"), max_length=16, choices=DemonstrationLevel.choices)
    title = models.CharField(_("case and list"), max_length=200)
    selected_on = models.DateField(_("date selected"))
    first_time = models.BooleanField(_("first selection at this level"), default=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["selected_on"]

    def __str__(self) -> str:
        return self.title


class StatusChange(models.Model):
    """The application's timeline: every status change, by whom, when and why."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="timeline")
    from_status = models.CharField(max_length=24, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=32)
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["at"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class SupplementRequest(models.Model):
    """A return for supplement: what the reviewer asks for. Only these items reopen."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="supplement_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    #: [{"kind": "material", "code": "vat_return", "reason": "…"}, {"kind": "figure", "field": "parcels", …}]
    items = models.JSONField(default=list)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.application_id} @ {self.requested_at:%Y-%m-%d}"
