"""The calculator's form: the same figures and declarations as an application, checked by the engine's
money rules (bad figures are field errors, never a crash)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alarfund.applications.forms import (
    FIGURE_HELP,
    FIGURE_LABELS,
    FLAG_LABELS,
    CountField,
    MoneyField,
    declaration_questions,
    yes_no_field,
)
from alarfund.applications.models import DemonstrationLevel, EntityType
from alarfund.applications.records import ApplicantFacts, DemonstrationFact
from alarfund.applications.services import DECLARATIONS, MONEY_FIELDS
from alarfund.policy.parameters import Parameters
from alarfund.rounds.materials import CLAIMABLE_LINES

#: Declarations whose "yes" is the eligible answer; for the others "no" is.
DEFAULT_YES = {"registered_in_jurisdiction", "statistics_reported"}


class CalculatorForm(forms.Form):
    sales_year = forms.TypedChoiceField(label=_("Sales year"), coerce=int)
    entity_type = forms.ChoiceField(
        label=_("You are"), choices=EntityType.choices, initial=EntityType.ENTERPRISE
    )
    online_sales = MoneyField(label=FIGURE_LABELS["online_sales"], help_text=FIGURE_HELP["online_sales"])
    total_sales = MoneyField(
        label=FIGURE_LABELS["total_sales"],
        help_text=_("Leave empty if the same as the online sales."),
    )
    loan_interest_paid = MoneyField(label=FIGURE_LABELS["loan_interest_paid"])
    promotion_fees = MoneyField(label=FIGURE_LABELS["promotion_fees"])
    inland_warehouse_rent = MoneyField(label=FIGURE_LABELS["inland_warehouse_rent"])
    parcels = CountField(label=FIGURE_LABELS["parcels"])
    local_brand_seller = forms.BooleanField(label=FLAG_LABELS["local_brand_seller"], required=False)
    local_product_seller = forms.BooleanField(label=FLAG_LABELS["local_product_seller"], required=False)
    demo_national = forms.BooleanField(
        label=_(
            "Selected for the first time in the sales year as a national live e-commerce demonstration case"
        ),
        required=False,
    )
    demo_provincial = forms.BooleanField(
        label=_(
            "Selected for the first time in the sales year as a provincial (Corps included) live e-commerce "
            "demonstration case"
        ),
        required=False,
    )

    def __init__(self, *args: Any, years: list[int], params: Parameters, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["sales_year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [(y, str(y)) for y in years]
        for name, question in declaration_questions(params).items():
            self.fields[name] = yes_no_field(question)
            self.fields[name].initial = "yes" if name in DEFAULT_YES else "no"

    def figure_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in (*MONEY_FIELDS, "parcels")]

    def flag_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in ("local_brand_seller", "local_product_seller", "demo_national", "demo_provincial")
        ]

    def declaration_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in DECLARATIONS]

    def facts(self) -> ApplicantFacts:
        """The engine's input, built exactly as for an application that claims every line."""
        data = self.cleaned_data
        demonstrations = []
        if data["demo_national"]:
            demonstrations.append(DemonstrationFact(level=DemonstrationLevel.NATIONAL, first_time=True))
        if data["demo_provincial"]:
            demonstrations.append(DemonstrationFact(level=DemonstrationLevel.PROVINCIAL, first_time=True))
        return ApplicantFacts(
            id="calculator",
            name="",
            entity_type=data["entity_type"],
            claimed_lines=frozenset(CLAIMABLE_LINES),
            online_sales=data["online_sales"],
            total_sales=data["total_sales"],
            loan_interest_paid=data["loan_interest_paid"],
            promotion_fees=data["promotion_fees"],
            inland_warehouse_rent=data["inland_warehouse_rent"],
            parcels=data["parcels"],
            local_brand_seller=data["local_brand_seller"],
            local_product_seller=data["local_product_seller"],
            demonstrations=tuple(demonstrations),
            **{name: data[name] == "yes" for name in DECLARATIONS},
        )
