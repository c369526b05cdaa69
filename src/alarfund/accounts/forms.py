"""Forms: field presence and shape only. Domain rules live in services.py."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import Department, Jurisdiction, OrganisationType, Role
from .models import Organisation


class LoginForm(AuthenticationForm):
    """One message for an unknown user, a wrong password and a disabled account."""

    error_messages: ClassVar[dict[str, Any]] = {
        "invalid_login": _("The user name or password is not correct."),
        "inactive": _("The user name or password is not correct."),
    }


class RegistrationForm(forms.Form):
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=_("The 18-character code on the business licence."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    org_type = forms.ChoiceField(label=_("Type"), choices=OrganisationType.choices)
    jurisdiction = forms.ChoiceField(label=_("Regiment or town"), choices=Jurisdiction.choices)
    legal_representative = forms.CharField(label=_("Legal representative or operator"), max_length=50)
    representative_id_number = forms.CharField(
        label=_("ID number of the legal representative or operator"),
        max_length=30,
        help_text=_("The 18-character number on the resident identity card. Stored encrypted, shown masked."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20)
    bank_name = forms.CharField(label=_("Bank (branch)"), max_length=100)
    bank_account = forms.CharField(
        label=_("Bank account number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    full_name = forms.CharField(label=_("Your full name"), max_length=100)
    username = forms.CharField(
        label=_("User name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    phone = forms.CharField(label=_("Your mobile phone (optional)"), max_length=20, required=False)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password."),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class PasswordChangeWithRulesForm(PasswordChangeForm):
    def clean_new_password1(self) -> str:
        new = self.cleaned_data.get("new_password1", "")
        if new and self.user.check_password(new):
            raise ValidationError(_("Choose a password different from the current one."))
        return new


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits shown by the authenticator app.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    department = forms.ChoiceField(
        label=_("Department (department officers only)"),
        choices=[("", "—"), *Department.choices],
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation (enterprise users only)"),
        queryset=Organisation.objects.all(),
        required=False,
    )
    affiliation = forms.CharField(label=_("Unit"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)


def password_help() -> list[str]:
    return list(password_validation.password_validators_help_texts())
