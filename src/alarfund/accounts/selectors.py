"""Reads reused across apps: organisations found by an encrypted number, through its keyed hash."""

from __future__ import annotations

from django.db.models import QuerySet

from alarfund import sensitive

from .models import Organisation


def organisations_by_id_number(value: str) -> QuerySet[Organisation]:
    """Organisations whose legal representative or operator has this ID number (any spelling)."""
    digest = sensitive.lookup_hash(value, kind=sensitive.ID_NUMBER)
    return (
        Organisation.objects.filter(representative_id_hash=digest) if digest else Organisation.objects.none()
    )


def organisations_by_bank_account(value: str) -> QuerySet[Organisation]:
    """Organisations paid into this bank account (duplicate detection across organisations)."""
    digest = sensitive.lookup_hash(value, kind=sensitive.BANK_ACCOUNT)
    return Organisation.objects.filter(bank_account_hash=digest) if digest else Organisation.objects.none()
