"""What the reviewers record besides the status (which lives on `applications.Application`).

Every record belongs to a *cycle*: the n-th submission of the application. A return for supplement and
the resubmission start a new cycle, so the application goes through the same steps again and nothing of
an earlier pass (marks, audit, opinions, final figures) counts for the new one; the earlier records stay.

* `MaterialReview`: a reviewer's mark on one checklist material or one figure: accepted, or needs a
  supplement (with the reason). Per cycle and stage (association, bureau).
* `AuditorReport`: the engaged auditor's completion of the audit: the audit report (an evidence document
  of the application, material code ``audit_report``) and the findings; the audited figures themselves
  are the application's `Figures` with source ``audited``.
* `DepartmentOpinion`: the statistics, tax or market-regulation department's opinion: no objection, or
  an objection with its reason. A later opinion of the same department in the same cycle supersedes.
* `FinalDecision`: the bureau's final figures (the application's `Figures` with source ``final``) and the
  reason for each line that differs from the audited figure.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alarfund.accounts.choices import Department
from alarfund.config.choices import TextChoices


class Stage(TextChoices):
    FIRST = "first", _("First review (association)")
    SECOND = "second", _("Second review (Commerce Bureau)")
    FINAL = "final", _("Decision after audit and consultation")


class ItemKind(TextChoices):
    MATERIAL = "material", _("material")
    FIGURE = "figure", _("figure")


class Verdict(TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    NEEDS_SUPPLEMENT = "needs_supplement", _("Needs supplement")


class OpinionVerdict(TextChoices):
    NO_OBJECTION = "no_objection", _("No objection")
    OBJECTION = "objection", _("Objection")


class MaterialReview(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="material_reviews"
    )
    cycle = models.PositiveIntegerField()
    stage = models.CharField(max_length=8, choices=Stage.choices)
    kind = models.CharField(max_length=8, choices=ItemKind.choices)
    code = models.CharField(max_length=64)
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    reason = models.TextField(blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review mark")
        verbose_name_plural = _("review marks")
        ordering: ClassVar[list[str]] = ["kind", "code"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["application", "cycle", "stage", "kind", "code"], name="one_mark_per_item_and_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code} {self.verdict}"


class AuditorReport(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="auditor_reports"
    )
    cycle = models.PositiveIntegerField()
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey("evidence.DocumentVersion", on_delete=models.PROTECT, related_name="+")
    findings = models.TextField(_("findings"), blank=True)
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("audit report")
        verbose_name_plural = _("audit reports")
        ordering: ClassVar[list[str]] = ["-completed_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["application", "cycle"], name="one_audit_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} #{self.cycle}"


class DepartmentOpinion(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="department_opinions"
    )
    cycle = models.PositiveIntegerField()
    department = models.CharField(_("department"), max_length=32, choices=Department.choices)
    verdict = models.CharField(_("opinion"), max_length=16, choices=OpinionVerdict.choices)
    reason = models.TextField(_("reason"), blank=True)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("department opinion")
        verbose_name_plural = _("department opinions")
        ordering: ClassVar[list[str]] = ["given_at"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["application", "cycle", "department"])]

    def __str__(self) -> str:
        return f"{self.department}: {self.verdict}"


class FinalDecision(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="final_decisions"
    )
    cycle = models.PositiveIntegerField()
    #: {figure field: reason} for every line where the final figure differs from the audited one.
    reasons = models.JSONField(default=dict)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("final figures")
        verbose_name_plural = _("final figures")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["application", "cycle"], name="one_final_decision_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} #{self.cycle}"
