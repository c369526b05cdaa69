"""The register pages' forms. Validation lives in `entries.clean_entry` (the service), so a form and an
imported row are judged alike; these forms only carry the values and show the errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Register


class DateInput(forms.TextInput):
    input_type = "date"


class EntryForm(forms.Form):
    register = forms.ChoiceField(
        label=_("Eligibility register"), choices=[("", "—"), *Register.choices], required=False
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("(the register's only category)")), *Category.choices],
        required=False,
    )
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=40, required=False)
    name = forms.CharField(label=_("Enterprise name"), max_length=200, required=False)
    occurred_on = forms.CharField(
        label=_("Date of the finding or record"), required=False, max_length=20, widget=DateInput
    )
    end_date = forms.CharField(
        label=_("Ban ends on (bans only)"),
        required=False,
        max_length=20,
        widget=DateInput,
        help_text=_("Left empty: the ban ends after the years set by Art. 20, counted from the finding."),
    )
    year = forms.CharField(label=_("Reward year ('four-above' rewards only)"), required=False, max_length=4)
    source_reference = forms.CharField(
        label=_("Source document (reference)"),
        required=False,
        max_length=200,
        help_text=_("The number of the decision, notice or list the entry comes from."),
    )
    source_file = forms.FileField(label=_("Source document (file)"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name, "") for name in self.fields if name != "source_file"}

    @staticmethod
    def initial_from(entry: Any) -> dict[str, Any]:
        return {
            "register": entry.register,
            "category": entry.category,
            "uscc": entry.uscc,
            "name": entry.name,
            "occurred_on": entry.occurred_on.isoformat() if entry.occurred_on else "",
            "end_date": entry.end_date.isoformat() if entry.end_date else "",
            "year": entry.year or "",
            "source_reference": entry.source_reference,
            "description": entry.description,
        }


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(forms.Form):
    spreadsheet = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class FilterForm(forms.Form):
    register = forms.ChoiceField(
        label=_("Eligibility register"), choices=[("", _("all registers")), *Register.choices], required=False
    )
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=100)
    withdrawn = forms.BooleanField(label=_("Include withdrawn entries"), required=False)
