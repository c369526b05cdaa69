"""Rotating the field key, and the migration that encrypted the bank accounts already stored."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from alarfund import sensitive
from alarfund.accounts.models import Organisation
from alarfund.accounts.selectors import organisations_by_bank_account, organisations_by_id_number

ID = "659002197803151317"
BANK = "6228480123456789012"
OLD_KEY = sensitive.new_master_key()
NEW_KEY = sensitive.new_master_key()


def raw_bank_account(pk: uuid.UUID) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bank_account FROM accounts_organisation WHERE id = %s",
            [pk.hex if connection.vendor == "sqlite" else pk],
        )
        return str(cursor.fetchone()[0])


@pytest.mark.django_db
def test_rotate_field_key_reencrypts_and_rehashes(make_org) -> None:
    with override_settings(ALARFUND_FIELD_KEYS=[OLD_KEY]):
        organisation = make_org(representative_id_number=ID, bank_account=BANK)
        before = raw_bank_account(organisation.pk)
    with override_settings(ALARFUND_FIELD_KEYS=[NEW_KEY, OLD_KEY]):
        assert sensitive.needs_rotation(before)
        assert Organisation.objects.get(pk=organisation.pk).bank_account == BANK  # retired key decrypts
        call_command("rotate_field_key", stdout=io.StringIO())
        after = raw_bank_account(organisation.pk)
        assert not sensitive.needs_rotation(after)
    with override_settings(ALARFUND_FIELD_KEYS=[NEW_KEY]):  # the old key can now be dropped
        reloaded = Organisation.objects.get(pk=organisation.pk)
        assert (reloaded.bank_account, reloaded.representative_id_number) == (BANK, ID)
        assert list(organisations_by_id_number(ID)) == [organisation]
        assert list(organisations_by_bank_account(BANK)) == [organisation]


@pytest.mark.django_db(transaction=True)
def test_migration_encrypts_bank_accounts_stored_in_plain_text() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("accounts", "0001_initial")])
    try:
        pk = uuid.uuid4()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO accounts_organisation (id, uscc, name, org_type, jurisdiction, legal_representative,"
                " contact_name, contact_phone, bank_name, bank_account, created_at, updated_at)"
                " VALUES (%s, '91659002MA0000001X', 'Old Co.', 'enterprise', 'alar_city', 'Wang', 'Li',"
                " '13999700000', 'ABC', %s, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                [pk.hex if connection.vendor == "sqlite" else pk, BANK],
            )
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
        raw = raw_bank_account(pk)
        assert raw.startswith("v1:") and BANK not in raw
        organisation = Organisation.objects.get(pk=pk)
        assert organisation.bank_account == BANK and organisation.representative_id_number == ""
        assert list(organisations_by_bank_account(BANK)) == [organisation]
    finally:
        MigrationExecutor(connection).migrate(latest)
