"""Writes to organisations and users. Each checks permission, writes and audits in one transaction.

Bad input raises ``ValidationError`` (a dict keyed by field, messages in the active language) before
anything is written; a refused caller gets ``Refused``. Nothing is ever half-created.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from alarfund.audit.models import AuditResult
from alarfund.audit.services import Actor, AuditContext, audit_record

from .choices import Department, Jurisdiction, OrganisationType, Role
from .models import Organisation, User
from .permissions import Capability, Refused, require
from .reveal import REVEALABLE, can_reveal
from .uscc import validate_uscc
from .validators import validate_bank_account, validate_id_number, validate_phone


@dataclass(frozen=True)
class Registration:
    organisation: Organisation
    user: User


def _collect(errors: dict[str, list[str]], field: str, check: Any, value: Any) -> Any:
    try:
        result = check(value)
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)
        return value
    return value if result is None else result


def _password_errors(password: str, user: User) -> list[str]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


def organisation_register(
    *,
    uscc: str,
    name: str,
    org_type: str,
    jurisdiction: str,
    legal_representative: str,
    representative_id_number: str,
    contact_name: str,
    contact_phone: str,
    bank_name: str,
    bank_account: str,
    username: str,
    full_name: str,
    password: str,
    email: str = "",
    phone: str = "",
    by: Any = None,
    context: AuditContext | None = None,
) -> Registration:
    """An organisation registers itself with its first user (self-service, or by an administrator)."""
    if by is not None and getattr(by, "is_authenticated", False):
        require(by, Capability.USER_MANAGE)
    errors: dict[str, list[str]] = {}
    uscc = _collect(errors, "uscc", validate_uscc, uscc)
    contact_phone = contact_phone.replace(" ", "")
    _collect(errors, "contact_phone", validate_phone, contact_phone)
    bank_account = bank_account.replace(" ", "")
    _collect(errors, "bank_account", validate_bank_account, bank_account)
    representative_id_number = _collect(
        errors, "representative_id_number", validate_id_number, representative_id_number
    )
    if org_type not in OrganisationType.values:
        errors.setdefault("org_type", []).append(_("Choose the type of organisation."))
    if jurisdiction not in Jurisdiction.values:
        errors.setdefault("jurisdiction", []).append(_("Choose the regiment or town."))
    for field, value in {
        "name": name,
        "legal_representative": legal_representative,
        "contact_name": contact_name,
        "bank_name": bank_name,
        "username": username,
        "full_name": full_name,
    }.items():
        if not value.strip():
            errors.setdefault(field, []).append(_("This field is required."))
    if "uscc" not in errors and Organisation.objects.filter(uscc=uscc).exists():
        errors.setdefault("uscc", []).append(_duplicate_message())
    if username.strip() and _username_taken(username.strip()):
        errors.setdefault("username", []).append(_("This user name is taken; choose another."))
    organisation = Organisation(
        uscc=uscc,
        name=name.strip(),
        org_type=org_type,
        jurisdiction=jurisdiction,
        legal_representative=legal_representative.strip(),
        representative_id_number=representative_id_number,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone,
        bank_name=bank_name.strip(),
        bank_account=bank_account,
    )
    user = User(
        username=username.strip(),
        full_name=full_name.strip(),
        email=email.strip(),
        phone=phone.replace(" ", ""),
        role=Role.APPLICANT,
        organisation=organisation,
    )
    if phone.strip():
        _collect(errors, "phone", validate_phone, user.phone)
    if password_problems := _password_errors(password, user):
        errors.setdefault("password", []).extend(password_problems)
    if errors:
        raise ValidationError(errors)

    actor = Actor.of(by) if by is not None else Actor(role="anonymous")
    try:
        with transaction.atomic():
            organisation.save(force_insert=True)
            user.organisation = organisation
            user.set_password(password)
            user.password_changed_at = timezone.now()
            user.save(force_insert=True)
            audit_record(
                action="organisation.register",
                actor=actor,
                context=context,
                object_type="organisation",
                object_id=organisation.pk,
                details={"uscc": organisation.uscc, "name": organisation.name},
            )
            audit_record(
                action="user.create",
                actor=actor,
                context=context,
                object_type="user",
                object_id=user.pk,
                details={"username": user.username, "role": user.role, "organisation": str(organisation.pk)},
            )
    except IntegrityError:
        # Lost a race with an identical registration: report it like the checks above would have.
        if Organisation.objects.filter(uscc=uscc).exists():
            raise ValidationError({"uscc": [_duplicate_message()]}) from None
        raise ValidationError({"username": [_("This user name is taken; choose another.")]}) from None
    return Registration(organisation, user)


class OrganisationHidden(Http404):
    """Another organisation's data: answered like a missing page (and audited)."""


def organisation_reveal(
    *, by: Any, organisation: Organisation, field: str, context: AuditContext | None = None
) -> str:
    """The full value of a masked field (``id_number`` or ``bank_account``) for an allowed user.

    Every reveal is audited, and so is every refusal: another organisation's user gets
    ``OrganisationHidden`` (404), a staff role that may not reveal gets ``Refused`` (403).
    """
    decision = can_reveal(by, organisation, field)
    if not decision:
        if decision.code == "other_organisation":
            audit_record(
                action="organisation.reveal",
                result=AuditResult.REFUSED,
                actor=Actor.of(by),
                context=context,
                object_type="organisation",
                object_id=organisation.pk,
                details={"field": field, "code": decision.code},
            )
            raise OrganisationHidden()
        raise Refused(decision)
    audit_record(
        action="organisation.reveal",
        actor=Actor.of(by),
        context=context,
        object_type="organisation",
        object_id=organisation.pk,
        details={"field": field},
    )
    return str(getattr(organisation, REVEALABLE[field][0]) or "")


def _duplicate_message() -> str:
    return _(
        "An organisation with this unified social credit code is already registered. Ask the colleague "
        "who registered it, or the Commerce Bureau, to add you as a user."
    )


def user_create(
    *,
    by: Any,
    username: str,
    full_name: str,
    role: str,
    password: str,
    organisation: Organisation | None = None,
    department: str = "",
    affiliation: str = "",
    email: str = "",
    phone: str = "",
    must_change_password: bool = True,
    context: AuditContext | None = None,
) -> User:
    """An administrator creates an account (``by=None``: a trusted command such as the demo).

    New accounts must change the password at first sign-in unless the caller says otherwise.
    """
    if by is not None:
        require(by, Capability.USER_MANAGE)
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors.setdefault("role", []).append(_("Choose a role."))
    if role == Role.APPLICANT and organisation is None:
        errors.setdefault("organisation", []).append(_("An enterprise user belongs to an organisation."))
    if role != Role.APPLICANT and organisation is not None:
        errors.setdefault("organisation", []).append(_("Only enterprise users belong to an organisation."))
    if role == Role.DEPARTMENT_OFFICER and department not in Department.values:
        errors.setdefault("department", []).append(_("Choose the officer's department."))
    if role != Role.DEPARTMENT_OFFICER and department:
        errors.setdefault("department", []).append(_("Only department officers have a department."))
    if not username.strip():
        errors.setdefault("username", []).append(_("This field is required."))
    elif _username_taken(username.strip()):
        errors.setdefault("username", []).append(_("This user name is taken; choose another."))
    if not full_name.strip():
        errors.setdefault("full_name", []).append(_("This field is required."))
    user = User(
        username=username.strip(),
        full_name=full_name.strip(),
        role=role,
        organisation=organisation,
        department=department,
        affiliation=affiliation.strip(),
        email=email.strip(),
        phone=phone.replace(" ", ""),
        must_change_password=must_change_password,
    )
    if password_problems := _password_errors(password, user):
        errors.setdefault("password", []).extend(password_problems)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            user.set_password(password)
            user.password_changed_at = timezone.now()
            user.save(force_insert=True)
            audit_record(
                action="user.create",
                actor=Actor.of(by),
                context=context,
                object_type="user",
                object_id=user.pk,
                details={"username": user.username, "role": user.role, "department": user.department},
            )
    except IntegrityError:
        raise ValidationError({"username": [_("This user name is taken; choose another.")]}) from None
    return user


def user_set_active(*, by: Any, user: User, active: bool, context: AuditContext | None = None) -> User:
    """Enable or disable an account. A disabled account's live sessions stop working at once."""
    if by is not None:
        require(by, Capability.USER_MANAGE)
        if by.pk == user.pk and not active:
            raise ValidationError(_("You cannot disable your own account."))
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            action="user.enable" if active else "user.disable",
            actor=Actor.of(by),
            context=context,
            object_type="user",
            object_id=user.pk,
        )
    return user


def password_change(*, user: User, new_password: str, context: AuditContext | None = None) -> User:
    """The user sets a new password (the form has checked the old one and the validators).

    Changing the password changes the session hash, which ends the user's other sessions.
    """
    return _store_password(
        user,
        new_password,
        must_change=False,
        action="user.password_change",
        actor=Actor.of(user),
        context=context,
    )


def _store_password(
    user: User, password: str, *, must_change: bool, action: str, actor: Actor, context: AuditContext | None
) -> User:
    """Validate, hash and save a password, and audit it, in one transaction."""
    password_validation.validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = must_change
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit_record(action=action, actor=actor, context=context, object_type="user", object_id=user.pk)
    return user


# --- Two-factor (TOTP) ---------------------------------------------------------------------------


def totp_enrol_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device a staff member is enrolling (created on first call, then reused).

    Refused once a confirmed device exists: replacing a second factor needs an administrator.
    """
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Two-factor authentication is already set up for this account."))
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_enrol_confirm(*, user: User, token: str, context: AuditContext | None = None) -> TOTPDevice | None:
    """Confirm the enrolling device with a first code; None if the code is wrong."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None or not device.verify_token(token):
            audit_record(
                action="otp.enrol",
                result=AuditResult.FAILURE,
                actor=Actor.of(user),
                context=context,
                object_type="user",
                object_id=user.pk,
            )
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            action="otp.enrol", actor=Actor.of(user), context=context, object_type="user", object_id=user.pk
        )
    return device


def totp_verify(*, user: User, token: str, context: AuditContext | None = None) -> TOTPDevice | None:
    """Check a code against the user's confirmed devices. A code is accepted once only (the device
    remembers the last time step used; the row lock makes two simultaneous uses of one code fail)."""
    token = (token or "").strip()
    verified: TOTPDevice | None = None
    with transaction.atomic():
        devices = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("id")
        for device in devices:
            if token.isdigit() and device.verify_token(token):
                verified = device
                break
        audit_record(
            action="otp.verify",
            result=AuditResult.SUCCESS if verified else AuditResult.FAILURE,
            actor=Actor.of(user),
            context=context,
            object_type="user",
            object_id=user.pk,
        )
    return verified


def totp_device_issue(*, user: User, key_hex: str | None = None) -> TOTPDevice:
    """A trusted command (the demo) gives ``user`` a confirmed device, reusing an existing one."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
        if device is None:
            device = TOTPDevice(user=user, name="authenticator", confirmed=True)
            if key_hex:
                device.key = key_hex
            device.save()
            audit_record(action="otp.issue", object_type="user", object_id=user.pk)
    return device


def user_password_set(
    *,
    by: Any,
    user: User,
    password: str,
    must_change_password: bool = True,
    context: AuditContext | None = None,
) -> User:
    """An administrator (or a trusted command, ``by=None``) sets someone's password."""
    if by is not None:
        require(by, Capability.USER_MANAGE)
    return _store_password(
        user,
        password,
        must_change=must_change_password,
        action="user.password_set",
        actor=Actor.of(by),
        context=context,
    )
