"""Organisations and users. Every model reachable by URL has a UUID primary key."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alarfund import sensitive
from alarfund.sensitive_fields import EncryptedTextField, LookupHashField

from .choices import STAFF_ROLES, Department, Jurisdiction, OrganisationType, Role
from .uscc import validate_uscc


class Organisation(models.Model):
    """An applicant: enterprise, individual business, branch or third-party service provider."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    org_type = models.CharField(_("type"), max_length=32, choices=OrganisationType.choices)
    jurisdiction = models.CharField(_("regiment or town"), max_length=32, choices=Jurisdiction.choices)
    legal_representative = models.CharField(_("legal representative or operator"), max_length=50)
    # Sensitive personal information (PIPL 28): stored encrypted, looked up by keyed hash, shown masked,
    # revealed only to allowed roles and audited (docs/adr/0007).
    representative_id_number = EncryptedTextField(
        _("ID number of the legal representative or operator"),
        kind=sensitive.ID_NUMBER,
        blank=True,
        default="",
    )
    representative_id_hash = LookupHashField(source="representative_id_number", kind=sensitive.ID_NUMBER)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    bank_name = models.CharField(_("bank (branch)"), max_length=100)
    # Sensitive: encrypted at field level, never logged, shown masked.
    bank_account = EncryptedTextField(_("bank account number"), kind=sensitive.BANK_ACCOUNT)
    bank_account_hash = LookupHashField(source="bank_account", kind=sensitive.BANK_ACCOUNT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A partial save of an encrypted field also refreshes its lookup hash.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            fields = set(update_fields)
            for field in self._meta.concrete_fields:
                if isinstance(field, LookupHashField) and field.source in fields:
                    fields.add(field.name)
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.uscc = validate_uscc(self.uscc)

    @property
    def bank_account_masked(self) -> str:
        return sensitive.mask_bank_account(self.bank_account)

    @property
    def representative_id_masked(self) -> str:
        return sensitive.mask_id_number(self.representative_id_number)

    @property
    def contact_phone_masked(self) -> str:
        return sensitive.mask_phone(self.contact_phone)


def mask(value: str, *, keep: int = 4) -> str:
    """Show only the last ``keep`` characters (kept for callers; see ``alarfund.sensitive``)."""
    value = value or ""
    if len(value) <= keep:
        return "*" * len(value)
    return "*" * (len(value) - keep) + value[-keep:]


class AccountManager(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        """``manage createsuperuser``: a bootstrap administrator who must change the password first.

        The administrator role is the platform's own; Django's admin site is not installed.
        """
        extra.setdefault("role", Role.ADMINISTRATOR)
        extra.setdefault("must_change_password", True)
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(username, email, password, **extra)


class User(AbstractUser):
    """A person who signs in. Applicants belong to an organisation; staff have a role (and maybe a
    department). Django's is_staff/is_superuser are unused: roles and the permission table decide."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    first_name = None
    last_name = None
    full_name = models.CharField(_("full name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.APPLICANT)
    department = models.CharField(_("department"), max_length=32, choices=Department.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    affiliation = models.CharField(_("unit"), max_length=200, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[AccountManager] = AccountManager()

    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering: ClassVar[list[str]] = ["username"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                name="applicant_has_organisation",
                condition=~Q(role=Role.APPLICANT) | Q(organisation__isnull=False),
            ),
            models.CheckConstraint(
                name="department_only_for_department_officers",
                condition=(Q(role=Role.DEPARTMENT_OFFICER) & ~Q(department=""))
                | (~Q(role=Role.DEPARTMENT_OFFICER) & Q(department="")),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name

    @property
    def is_staff_role(self) -> bool:
        """Staff of the association, bureaus, departments or audit firm: TOTP is required."""
        return self.role in STAFF_ROLES
