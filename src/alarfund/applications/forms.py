"""Forms of the applicant's pages: shape only. The figures are validated by the services with the policy
engine's own money rules, so the messages next to the fields are the engine's (in the reader's language).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from alarfund.policy.money import MoneyError, fen_to_decimal, parse_count, parse_fen
from alarfund.policy.parameters import Parameters
from alarfund.rounds.call import LINE_TITLES

from .models import Application, DemonstrationLevel, Figures, Province
from .services import CLAIMABLE, DECLARATIONS, FLAGS, MONEY_FIELDS, REQUESTABLE_FIELDS

FIGURE_LABELS = {
    "online_sales": _("Online sales in the sales year (yuan)"),
    "total_sales": _("Total sales per the VAT returns (yuan)"),
    "loan_interest_paid": _("Interest paid on operating bank loans (yuan)"),
    "promotion_fees": _("Online promotion fees paid to platforms (yuan)"),
    "inland_warehouse_rent": _("Rent of the forward warehouse outside Xinjiang (yuan)"),
    "parcels": _("Parcels shipped by express (number)"),
}
FIGURE_HELP = {
    "online_sales": _(
        "From the platforms' electronic statements. Decides Art. 5 (and Art. 6 and 8 by default)."
    ),
    "total_sales": _("As declared in the VAT returns (enterprises)."),
    "loan_interest_paid": _("Only for the loan interest subsidy (Art. 5(2))."),
    "promotion_fees": _("Only for traffic support (Art. 7): the fees on the platforms' invoices."),
    "inland_warehouse_rent": _(
        "Only for the forward warehouse subsidy (Art. 8): the rent for the sales year."
    ),
    "parcels": _("Only for the express subsidy (Art. 10): the number of tracking numbers in your list."),
}
FLAG_LABELS = {
    "local_brand_seller": _(
        "We sell products of local brands of the 1st Division and Alar city on third-party platforms (Art. 6)"
    ),
    "local_product_seller": _("We sell products of the 1st Division and Alar city online (Art. 7)"),
}
#: The declarations, each as a question answered yes or no (Art. 14, 19, 21).
DECLARATION_QUESTIONS = {
    "registered_in_jurisdiction": _(
        "Art. 14(1): are you registered with the market regulation authorities of the 1st Division and Alar city?"
    ),
    "credit_or_tax_violation_3y": _(
        "Art. 14(2): do you have a dishonesty record or a tax-violation case in the last %(years)s years?"
    ),
    "false_material_3y": _(
        "Art. 14(3): have you provided false materials to obtain fiscal funds in the last %(years)s years?"
    ),
    "statistics_reported": _(
        "Art. 14(4): have you submitted statistics and annual reports to the Commerce Bureau as required?"
    ),
    "major_incident": _(
        "Art. 21: did you have a major accident, a tax-evasion case or a major mass incident in the sales year?"
    ),
    "four_above_reward": _(
        "Art. 19: do you receive the Division's reward for 'four above' enterprises for the same year?"
    ),
}


def declaration_questions(params: Parameters) -> dict[str, str]:
    """The questions with the measure's look-back period (Art. 14) filled in."""
    return {
        name: str(question) % {"years": params.art14_lookback_years}
        if "%(years)s" in str(question)
        else str(question)
        for name, question in DECLARATION_QUESTIONS.items()
    }


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def zh() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def money_message(exc: MoneyError) -> str:
    return exc.zh if zh() else exc.en


class MoneyField(forms.CharField):
    """An amount in yuan, checked by the engine's rules (no negatives, ≤ 2 decimals, ≤ 10^12)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value: Any) -> Decimal:
        text = str(super().clean(value)).strip().replace(",", "")
        if text == "":
            return Decimal("0.00")
        try:
            return fen_to_decimal(parse_fen(text))
        except MoneyError as exc:
            raise ValidationError(money_message(exc), code="money") from None


class CountField(forms.CharField):
    """A whole non-negative count (parcels)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value: Any) -> int:
        text = str(super().clean(value)).strip().replace(",", "")
        if text == "":
            return 0
        try:
            return parse_count(int(text) if text.isascii() and text.isdigit() else text)
        except MoneyError as exc:
            raise ValidationError(money_message(exc), code="count") from None


def yes_no_field(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=YES_NO, widget=forms.RadioSelect)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


class ApplicationForm(forms.Form):
    """The applicant's figures, claims and declarations. Fields outside `editable` are read-only.

    The figures stay text here: `application_save` validates them with the engine's rules, so the
    message next to a field is the service's.
    """

    claimed_lines = forms.MultipleChoiceField(
        label=_("Rewards you claim besides the online sales reward"),
        help_text=_("The online sales reward (Art. 5(1)) follows from your online sales and needs no claim."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    online_sales = forms.CharField(label=FIGURE_LABELS["online_sales"], required=False, max_length=40)
    total_sales = forms.CharField(label=FIGURE_LABELS["total_sales"], required=False, max_length=40)
    loan_interest_paid = forms.CharField(
        label=FIGURE_LABELS["loan_interest_paid"], required=False, max_length=40
    )
    promotion_fees = forms.CharField(label=FIGURE_LABELS["promotion_fees"], required=False, max_length=40)
    inland_warehouse_rent = forms.CharField(
        label=FIGURE_LABELS["inland_warehouse_rent"], required=False, max_length=40
    )
    parcels = forms.CharField(label=FIGURE_LABELS["parcels"], required=False, max_length=20)
    local_brand_seller = forms.BooleanField(label=FLAG_LABELS["local_brand_seller"], required=False)
    local_product_seller = forms.BooleanField(label=FLAG_LABELS["local_product_seller"], required=False)
    warehouse_province = forms.ChoiceField(
        label=_("Province of the forward warehouse (Art. 8)"),
        choices=[("", "—"), *Province.choices],
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editable: set[str], params: Parameters, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        claimed = self.fields["claimed_lines"]
        assert isinstance(claimed, forms.MultipleChoiceField)
        claimed.choices = [(line, LINE_TITLES[line]) for line in CLAIMABLE]
        for name, question in declaration_questions(params).items():
            self.fields[name] = yes_no_field(question)
        for name in (*MONEY_FIELDS, "parcels"):
            self.fields[name].help_text = FIGURE_HELP[name]
            self.fields[name].widget.attrs.update(
                {"inputmode": "numeric" if name == "parcels" else "decimal", "autocomplete": "off"}
            )
        self.editable = self.form_fields(editable)
        for name, field in self.fields.items():
            if name != "version" and name not in self.editable:
                field.disabled = True

    @staticmethod
    def form_fields(reopened: set[str]) -> set[str]:
        """The form fields a set of reopened items (REQUESTABLE_FIELDS) makes editable."""
        fields = {name for name in reopened if name in REQUESTABLE_FIELDS and name != "declarations"}
        if "declarations" in reopened:
            fields |= set(DECLARATIONS)
        return fields

    @staticmethod
    def initial_for(application: Application, figures: Figures) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "claimed_lines": [line for line in application.claimed_lines if line in CLAIMABLE],
            "warehouse_province": application.warehouse_province,
            "version": application.version,
        }
        for name in (*MONEY_FIELDS, "parcels"):
            initial[name] = getattr(figures, name)
        for name in FLAGS:
            initial[name] = getattr(application, name)
        for name in DECLARATIONS:
            initial[name] = _yes_no(getattr(application, name))
        return initial

    def declaration_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in DECLARATIONS]

    def figure_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in (*MONEY_FIELDS, "parcels")]

    def service_data(self) -> dict[str, Any]:
        """What `application_save` takes: only the editable fields."""
        data: dict[str, Any] = {}
        for name in self.editable:
            if name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            if name in DECLARATIONS:
                value = value == "yes"
            elif name == "claimed_lines":
                value = list(value)
            data[name] = value
        return data


class DemonstrationForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", "—"), *DemonstrationLevel.choices], required=False
    )
    title = forms.CharField(label=_("Case and list it was selected for"), max_length=200, required=False)
    selected_on = forms.DateField(
        label=_("Date selected"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    first_time = forms.BooleanField(label=_("First selection at this level"), required=False, initial=True)

    def as_item(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data or data.get("DELETE") or not any(data.get(k) for k in ("level", "title", "selected_on")):
            return None
        return {
            "level": data.get("level") or "",
            "title": data.get("title") or "",
            "selected_on": data.get("selected_on"),
            "first_time": bool(data.get("first_time")),
        }


DemonstrationFormSet = forms.formset_factory(DemonstrationForm, extra=1, max_num=6, can_delete=True)


class PledgeForm(forms.Form):
    pledge_name = forms.CharField(label=_("Your full name (signs the pledge)"), max_length=50, required=False)
    pledge_accepted = forms.BooleanField(
        label=_(
            "I pledge that the figures and materials of this application are true, complete and accurate."
        ),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StartForm(forms.Form):
    round_id = forms.UUIDField(widget=forms.HiddenInput)
