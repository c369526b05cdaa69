"""The registers that feed the eligibility gate (Art. 14, 19, 20, 21).

One model, `RegisterEntry`, holds an entry of any of the five registers: bans after fraud (Art. 20, with
an end date), dishonesty and tax-violation records (Art. 14(二)), false-material records (Art. 14(三)),
major incidents and tax-evasion cases (Art. 21), and the 四上企业 rewards by year (Art. 19). An entry
names the enterprise by its 统一社会信用代码 (it need not have an account here), carries its source
document (a reference such as the decision's number and/or an uploaded file) and who entered it. Entries
are corrected by editing (audited with before/after) and withdrawn with a reason, never deleted.
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


class Register(TextChoices):
    BAN = "ban", _("Bans after fraud (Art. 20)")
    CREDIT_TAX = "credit_tax", _("Dishonesty and tax-violation records (Art. 14(2))")
    FALSE_MATERIAL = "false_material", _("False-material records (Art. 14(3))")
    MAJOR_INCIDENT = "major_incident", _("Major incidents and tax-evasion cases (Art. 21)")
    FOUR_ABOVE = "four_above", _("'Four-above' enterprise rewards (Art. 19)")


class Category(TextChoices):
    FRAUD = "fraud", _("Funds obtained by fraud")
    DISHONESTY = "dishonesty", _("Dishonesty record")
    TAX_VIOLATION = "tax_violation", _("Tax-violation case")
    FALSE_MATERIAL = "false_material", _("False materials to obtain fiscal funds")
    SAFETY_ACCIDENT = "safety_accident", _("Major work-safety accident")
    FOOD_SAFETY = "food_safety", _("Major food-safety accident")
    ENVIRONMENT = "environment", _("Major environmental-pollution accident")
    TAX_EVASION = "tax_evasion", _("Tax-evasion case filed")
    MASS_INCIDENT = "mass_incident", _("Major mass incident")
    FOUR_ABOVE = "four_above", _("'Four-above' enterprise reward")


#: The categories each register holds (the first is the default).
CATEGORIES: dict[str, tuple[str, ...]] = {
    Register.BAN: (Category.FRAUD,),
    Register.CREDIT_TAX: (Category.DISHONESTY, Category.TAX_VIOLATION),
    Register.FALSE_MATERIAL: (Category.FALSE_MATERIAL,),
    Register.MAJOR_INCIDENT: (
        Category.SAFETY_ACCIDENT,
        Category.FOOD_SAFETY,
        Category.ENVIRONMENT,
        Category.TAX_EVASION,
        Category.MASS_INCIDENT,
    ),
    Register.FOUR_ABOVE: (Category.FOUR_ABOVE,),
}


class RegisterFile(StoredFile):
    """An uploaded source document (or imported spreadsheet), kept in the private document storage."""

    class Meta:
        verbose_name = _("register file")
        verbose_name_plural = _("register files")


class RegisterImport(models.Model):
    """One spreadsheet import: all of its rows were added together (or none)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.ForeignKey(RegisterFile, on_delete=models.PROTECT, related_name="imports")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar[list[str]] = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file} ({self.rows})"


class RegisterEntry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    register = models.CharField(_("register"), max_length=20, choices=Register.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    uscc = models.CharField(_("unified social credit code"), max_length=18, db_index=True)
    name = models.CharField(_("enterprise name"), max_length=200)
    #: The date of the finding, record, decision or incident (not for the yearly rewards).
    occurred_on = models.DateField(_("date of the finding or record"), null=True, blank=True)
    #: Bans only: the last day of the ban (Art. 20).
    end_date = models.DateField(_("ban ends on"), null=True, blank=True)
    #: 四上企业 rewards only: the year the reward is for (Art. 19).
    year = models.PositiveSmallIntegerField(_("reward year"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    source_reference = models.CharField(_("source document (reference)"), max_length=200, blank=True)
    source_file = models.ForeignKey(
        RegisterFile,
        verbose_name=_("source document (file)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    import_batch = models.ForeignKey(
        RegisterImport, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        ordering: ClassVar[list[str]] = ["-entered_at"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["uscc", "register"])]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                name="register_entry_has_source",
                condition=~Q(source_reference="") | Q(source_file__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_register_display()}: {self.name}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None
