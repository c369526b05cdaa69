"""Reads reused by pages and services: the checklist, the uploaded documents, the estimate."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

from alarfund.rounds.materials import ExtraRequirement, Material, checklist

from .models import Application, FigureSource
from .records import ApplicantFacts, DemonstrationFact, Estimate, estimate


def checklist_for(application: Application) -> list[Material]:
    """Art. 16: exactly the materials this application needs (built-in and the round's additions)."""
    zh = (get_language() or "zh-hans").startswith("zh")
    extras = [
        ExtraRequirement(
            code=m.code, label=m.label_zh if zh else m.label_en, required=m.required, applies_to=m.applies_to
        )
        for m in application.round.extra_materials.all()
    ]
    return checklist(application.entity_type, application.claimed_lines, extras)


def documents_by_code(application: Application) -> dict[str, list[Any]]:
    """The application's uploaded documents, by material code."""
    from alarfund.evidence.models import Document

    found: dict[str, list[Any]] = {}
    for document in Document.objects.filter(subject_type="application", subject_id=application.pk).order_by(
        "created_at"
    ):
        found.setdefault(document.material_code, []).append(document)
    return found


def application_facts(application: Application, source: str = FigureSource.DECLARED) -> ApplicantFacts:
    """The engine's applicant record: the figures of `source`, and the eligibility facts, where the
    applicant's own declarations are ORed with the bureau's registers (Art. 14, 19, 20, 21)."""
    from alarfund.registers.selectors import eligibility_flags

    figures = application.figure_sets.get(source=source)
    registers = eligibility_flags(application)
    return ApplicantFacts(
        id=str(application.pk),
        name=application.organisation.name,
        entity_type=application.entity_type,
        claimed_lines=frozenset(application.claimed_lines),
        online_sales=figures.online_sales,
        total_sales=figures.total_sales,
        loan_interest_paid=figures.loan_interest_paid,
        promotion_fees=figures.promotion_fees,
        inland_warehouse_rent=figures.inland_warehouse_rent,
        parcels=figures.parcels,
        local_brand_seller=application.local_brand_seller,
        local_product_seller=application.local_product_seller,
        demonstrations=tuple(
            DemonstrationFact(level=d.level, first_time=d.first_time)
            for d in application.demonstrations.all()
        ),
        registered_in_jurisdiction=application.registered_in_jurisdiction,
        credit_or_tax_violation_3y=application.credit_or_tax_violation_3y
        or registers.credit_or_tax_violation,
        false_material_3y=application.false_material_3y or registers.false_material,
        statistics_reported=application.statistics_reported,
        major_incident=application.major_incident or registers.major_incident,
        four_above_reward=application.four_above_reward or registers.four_above_reward,
        banned_until=registers.banned_until,
    )


def blocking_reasons(application: Application) -> list[str]:
    """Why the bureau's registers block this application (one sentence each, with the article, the date
    and the source document, in the reader's language); empty when nothing blocks. For the applicant's
    page and the reviewers'."""
    from alarfund.registers.selectors import blocking_reasons as register_reasons

    return register_reasons(application)


def application_estimate(application: Application, source: str = FigureSource.DECLARED) -> Estimate:
    """What the measure would give on these figures alone, before budgets bind and before review."""
    lang = "zh-hans" if (get_language() or "zh-hans").startswith("zh") else "en"
    return estimate(
        application_facts(application, source),
        sales_year=application.round.sales_year,
        interpretation=application.round.interpretation,
        lang=lang,
    )


def document_scope(document: Any) -> Any:
    """ALARFUND_DOCUMENT_SCOPE: an application's documents belong to its organisation and its round, so an
    auditor engaged for the round may read them."""
    from alarfund.accounts.permissions import Scope

    round_id = None
    if document.subject_type == "application":
        round_id = (
            Application.objects.filter(pk=document.subject_id).values_list("round_id", flat=True).first()
        )
    return Scope(organisation_id=document.organisation_id, round_id=round_id)
