"""Forms of the plan pages: they collect input; the services validate it and say what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alarfund.policy.entitlements import LINES
from alarfund.policy.interpretations import OPTIONS
from alarfund.policy.parameters import Parameters
from alarfund.rounds.call import LINE_TITLES
from alarfund.rounds.forms import switch_texts

from .models import CommitmentArticle


class SwitchesForm(forms.Form):
    """The seven switches; used to fix a draft's reading and to ask "what if"."""

    def __init__(self, *args: Any, params: Parameters, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (question, explanation, labels) in switch_texts(params).items():
            self.fields[name] = forms.ChoiceField(
                label=question,
                help_text=explanation,
                choices=[(option, labels.get(option, option)) for option in OPTIONS[name]],
                widget=forms.RadioSelect,
            )


class AdjustmentForm(forms.Form):
    application = forms.ChoiceField(label=_("Applicant"))
    line = forms.ChoiceField(label=_("Line"), choices=[(line, LINE_TITLES[line]) for line in LINES])
    level = forms.ChoiceField(
        label=_("Art. 9 level (only to set the demonstration amount)"),
        required=False,
        choices=[
            ("", _("— the line as a whole —")),
            ("national", _("National")),
            ("provincial", _("Provincial (including the Corps)")),
        ],
    )
    amount = forms.CharField(label=_("At most (yuan)"), max_length=20)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

    def __init__(self, *args: Any, applicants: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["application"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = applicants


class ApprovalForm(forms.Form):
    document_number = forms.CharField(label=_("Approval document number"), max_length=100, required=False)
    approval_date = forms.DateField(
        label=_("Approval date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    file = forms.FileField(label=_("Approval document (PDF or scan)"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why a new version is needed"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class CommitmentForm(forms.Form):
    article = forms.ChoiceField(label=_("Article"), choices=CommitmentArticle.choices)
    label = forms.CharField(label=_("Item"), max_length=200, required=False)
    provider = forms.CharField(label=_("Provider or project owner"), max_length=200, required=False)
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20, required=False)
    document_number = forms.CharField(
        label=_("Document number (Art. 11: the approving document)"), max_length=100, required=False
    )
    funded_elsewhere = forms.BooleanField(
        label=_("Funded from another source (Art. 11 only)"), required=False
    )
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PaymentForm(forms.Form):
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20, required=False)
    paid_on = forms.DateField(
        label=_("Paid on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("Voucher or reference"), max_length=100, required=False)


class DeliverableForm(forms.Form):
    title = forms.CharField(label=_("Deliverable"), max_length=200, required=False)
    file = forms.FileField(label=_("File"))
