"""The payment and clawback forms: parsing only (the services decide); every form carries its token."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alarfund.idempotency import FIELD as TOKEN_FIELD


class TokenForm(forms.Form):
    def __init__(self, *args: object, token: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields[TOKEN_FIELD] = forms.CharField(widget=forms.HiddenInput, initial=token, required=False)


class DateInput(forms.DateInput):
    input_type = "date"


class PaidForm(TokenForm):
    voucher_number = forms.CharField(label=_("Bank voucher number"), max_length=64, required=False)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput, required=False)


class FailedForm(TokenForm):
    failure_reason = forms.CharField(
        label=_("Bank's reason for the failure"), max_length=2000, required=False
    )


class ReleaseForm(TokenForm):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class CancelForm(TokenForm):
    reason = forms.CharField(
        label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class FindingForm(TokenForm):
    organisation = forms.UUIDField(label=_("Organisation"), widget=forms.HiddenInput, required=False)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    found_on = forms.DateField(label=_("Date of the finding"), widget=DateInput, required=False)
    decision_number = forms.CharField(label=_("Decision document number"), max_length=100, required=False)
    description = forms.CharField(
        label=_("Facts found"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )
    amount_due = forms.CharField(
        label=_("Amount to recover (empty: everything paid)"), max_length=20, required=False
    )
    reduction_reason = forms.CharField(
        label=_("Reason for recovering less than was paid"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    file = forms.FileField(label=_("Decision document"), required=False)


class RecoveryForm(TokenForm):
    amount = forms.CharField(label=_("Amount received (yuan)"), max_length=20, required=False)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput, required=False)
    reference = forms.CharField(label=_("Receipt or voucher reference"), max_length=100, required=False)


class BankResultsForm(TokenForm):
    file = forms.FileField(label=_("Bank's result file (XLSX or CSV)"), required=False)
