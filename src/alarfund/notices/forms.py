"""Forms of the notice pages: they parse input; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DayKind, Notice, ObjectionStatus, Region


class DateInput(forms.DateInput):
    input_type = "date"


class PublishForm(forms.Form):
    starts_on = forms.DateField(
        label=_("First day of the notice"),
        widget=DateInput,
        help_text=_(
            "Today or later. If it is not a working day, the count starts on the next working day; the "
            "list is public from this day on."
        ),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ObjectionForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=100)
    contact = forms.CharField(
        label=_("Phone or e-mail"),
        max_length=200,
        help_text=_("Only the Commerce Bureau sees your name and contact, to ask you about the objection."),
    )
    application = forms.ChoiceField(label=_("Enterprise concerned"), required=False)
    text = forms.CharField(
        label=_("Content of the objection"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG."),
    )

    def __init__(self, *args: Any, notice: Notice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["application"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("The list as a whole"))] + [
            (entry["application"], entry["name"]) for entry in notice.content
        ]


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=40)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Finding"),
        choices=[(ObjectionStatus.DISMISSED, _("Dismissed")), (ObjectionStatus.UPHELD, _("Upheld"))],
        widget=forms.RadioSelect,
    )
    finding = forms.CharField(
        label=_("Reason (the objector reads it)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class DayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    region = forms.ChoiceField(label=_("Region"), choices=Region.choices, initial=Region.XINJIANG)
    kind = forms.ChoiceField(label=_("Kind"), choices=DayKind.choices, initial=DayKind.HOLIDAY)
    name = forms.CharField(label=_("Name"), max_length=100)
    source = forms.CharField(
        label=_("Source document"),
        max_length=300,
        help_text=_(
            "Issuer, document number and date, e.g. the autonomous region's notice of the year's holidays."
        ),
    )


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    part = forms.ChoiceField(
        label=_("Which calendar is confirmed"),
        choices=[("xinjiang", _("Xinjiang regional days")), ("national", _("National calendar"))],
    )
    source = forms.CharField(label=_("Source document"), max_length=300, required=False)


def default_start() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
