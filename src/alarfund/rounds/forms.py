"""Forms of the bureau's round pages: shape only; the services validate the values against the measure."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alarfund.policy.interpretations import OPTIONS
from alarfund.policy.money import format_rate
from alarfund.policy.parameters import Parameters

from .call import LINE_TITLES, yuan
from .materials import CLAIMABLE_LINES

BUDGET_LABELS: dict[str, str | Promise] = {
    "budget_total": gettext_lazy("Annual fund (Art. 3), yuan"),
    "budget_7": gettext_lazy("Traffic support budget (Art. 7), yuan"),
    "budget_8": gettext_lazy("Forward warehouse budget (Art. 8), yuan"),
    "budget_10": gettext_lazy("Express subsidy budget (Art. 10), yuan"),
}


def switch_texts(params: Parameters) -> dict[str, tuple[str, str, dict[str, str]]]:
    """Each interpretation switch: (question, one-line explanation, option labels), numbers from `params`."""
    threshold5, threshold7 = yuan(params.art5_sales_threshold), yuan(params.art7_fee_threshold)
    rates = ", ".join(
        [format_rate(params.art7_rate), format_rate(params.art8_rate), yuan(params.art10_per_parcel)]
    )
    return {
        "art5_threshold": (
            _("I1 · Art. 5: online sales that “break through” %(amount)s yuan") % {"amount": threshold5},
            _("Does an applicant with exactly %(amount)s yuan of online sales qualify for Art. 5?")
            % {"amount": threshold5},
            {
                "exclusive": _("More than %(amount)s (exactly %(amount)s does not qualify)")
                % {"amount": threshold5},
                "inclusive": _("At least %(amount)s (exactly %(amount)s qualifies)") % {"amount": threshold5},
            },
        ),
        "art7_threshold": (
            _("I2 · Art. 7: promotion fees that “exceed” %(amount)s yuan") % {"amount": threshold7},
            _("Does an applicant with exactly %(amount)s yuan of promotion fees qualify for Art. 7?")
            % {"amount": threshold7},
            {
                "exclusive": _("More than %(amount)s (exactly %(amount)s does not qualify)")
                % {"amount": threshold7},
                "inclusive": _("At least %(amount)s (exactly %(amount)s qualifies)") % {"amount": threshold7},
            },
        ),
        "art19_scope": (
            _("I3 · Art. 19: what is compared when Art. 5 and Art. 6 both apply"),
            _("Only the higher of the two is paid; this decides whether the loan interest subsidy counts."),
            {
                "article": _("Art. 5 as a whole (5(1) and 5(2) together) against Art. 6"),
                "item": _("Art. 5(1) against Art. 6 only; the loan interest subsidy of 5(2) is always kept"),
            },
        ),
        "proration": (
            _("I4 · Art. 7, 8, 10: how a category over its budget is reduced"),
            _("The measure says the support ratio is adjusted “in proportion” (rates now: %(rates)s).")
            % {"rates": rates},
            {
                "scale_awards": _("Every amount of the category × budget / claims"),
                "scale_rate": _("Lower the rate to the one at which the capped amounts add up to the budget"),
            },
        ),
        "rounding_unit": (
            _("I5 · The unit every amount is rounded to (half-up)"),
            _("Applies to every computed amount of the round."),
            {"0.01": _("The fen (0.01 yuan)"), "1": _("The whole yuan")},
        ),
        "sales_basis": (
            _("I6 · Art. 6 and 8: what “annual sales” means"),
            _("Art. 5 speaks of online sales; Art. 6 and 8 of annual sales."),
            {
                "online": _("The online sales figure, as in Art. 5"),
                "total": _("Total sales per the VAT returns"),
            },
        ),
        "annual_cap": (
            _("I7 · Art. 3: when all awards exceed the annual fund"),
            _("Decides which awards are reduced to fit the fund."),
            {
                "scale_unbudgeted": _(
                    "Reduce Art. 5, 6 and 9 in proportion first (Art. 7, 8, 10 have their own budgets)"
                ),
                "scale_all": _("Reduce every award in proportion"),
            },
        ),
    }


class SalesYearForm(forms.Form):
    """Step one of opening a round: which sales year (the form below is pre-filled for it)."""

    sales_year = forms.TypedChoiceField(label=gettext_lazy("Sales year"), coerce=int)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["sales_year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(year, str(year)) for year in years]


class RoundForm(forms.Form):
    """A round's window, budgets, switches and contact text; `version` guards against stale edits."""

    window_start = forms.DateField(
        label=gettext_lazy("Applications open on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    window_end = forms.DateField(
        label=gettext_lazy("Applications close on (inclusive)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    budget_total = forms.CharField(label=BUDGET_LABELS["budget_total"], max_length=40)
    budget_7 = forms.CharField(label=BUDGET_LABELS["budget_7"], max_length=40)
    budget_8 = forms.CharField(label=BUDGET_LABELS["budget_8"], max_length=40)
    budget_10 = forms.CharField(label=BUDGET_LABELS["budget_10"], max_length=40)
    enquiries = forms.CharField(
        label=gettext_lazy("Where to ask (shown in the public call)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Office, telephone and hours of the Commerce Bureau and the association."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, params: Parameters, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.switches = switch_texts(params)
        for name, (question, explanation, labels) in self.switches.items():
            self.fields[f"switch_{name}"] = forms.ChoiceField(
                label=question,
                help_text=explanation,
                choices=[(option, labels[option]) for option in OPTIONS[name]],
                widget=forms.RadioSelect,
            )
        for name in BUDGET_LABELS:
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def switch_fields(self) -> list[forms.BoundField]:
        return [self[f"switch_{name}"] for name in self.switches]

    def values(self) -> dict[str, Any]:
        """What the services take: budgets as text (they validate), switches as one mapping."""
        data = self.cleaned_data
        return {
            "window_start": data["window_start"],
            "window_end": data["window_end"],
            **{name: data[name].strip().replace(",", "") for name in BUDGET_LABELS},
            "interpretation": {name: data[f"switch_{name}"] for name in self.switches},
            "enquiries": data.get("enquiries", ""),
        }

    @staticmethod
    def initial_from(values: dict[str, Any]) -> dict[str, Any]:
        initial = {k: v for k, v in values.items() if k != "interpretation"}
        for name, option in (values.get("interpretation") or {}).items():
            initial[f"switch_{name}"] = option
        return initial


class ExtraMaterialForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        help_text=gettext_lazy("Lower-case letters, digits and underscores, e.g. export_declaration."),
    )
    label_zh = forms.CharField(label=gettext_lazy("Name in Chinese"), max_length=120)
    label_en = forms.CharField(label=gettext_lazy("Name in English"), max_length=120)
    required = forms.BooleanField(label=gettext_lazy("Mandatory for submission"), required=False)
    applies_to = forms.ChoiceField(label=gettext_lazy("Needed by"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["applies_to"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("all", _("Every application")),
            *[
                (line, _("Applications claiming %(line)s") % {"line": LINE_TITLES[line]})
                for line in CLAIMABLE_LINES
            ],
        ]


class AuditorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}（{obj.affiliation}）" if obj.affiliation else str(obj.full_name)


class AuditorEngagementForm(forms.Form):
    """Art. 17(三), 18: the bureau engages a third-party auditor for the round."""

    auditor = AuditorChoiceField(label=gettext_lazy("Third-party auditor"), queryset=None)
    contract_reference = forms.CharField(label=gettext_lazy("Audit contract reference"), max_length=100)

    def __init__(self, *args: Any, round: Any, **kwargs: Any) -> None:
        from alarfund.accounts.choices import Role
        from alarfund.accounts.models import User

        super().__init__(*args, **kwargs)
        field = self.fields["auditor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            User.objects.filter(role=Role.AUDITOR, is_active=True)
            .exclude(engagements__round=round)
            .order_by("affiliation", "full_name")
        )
        field.empty_label = gettext_lazy("Choose the auditor")
