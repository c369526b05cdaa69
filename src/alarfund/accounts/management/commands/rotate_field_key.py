"""``alarfund manage rotate_field_key``: re-encrypt every encrypted field with the current key.

Rotation: put the new key in ``ALARFUND_FIELD_KEY``, move the old one to
``ALARFUND_FIELD_KEYS_RETIRED``, restart, run this command, then drop the retired key. Lookup hashes
are derived from the current key too, so they are recomputed in the same pass; until the command has
run, lookups by hash find only rows written after the restart.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from alarfund.audit.services import audit_record
from alarfund.sensitive_fields import EncryptedTextField, LookupHashField


class Command(BaseCommand):
    help = "Re-encrypt encrypted fields with the current field key and recompute their lookup hashes."

    def handle(self, *args: Any, **options: Any) -> None:
        counts: dict[str, int] = {}
        for model in apps.get_models():
            fields = [
                f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField | LookupHashField)
            ]
            if not any(isinstance(f, EncryptedTextField) for f in fields):
                continue
            names = [f.name for f in fields]
            label = model._meta.label
            counts[label] = 0
            for pk in model._default_manager.values_list("pk", flat=True).iterator():
                with transaction.atomic():
                    row = model._default_manager.select_for_update().get(pk=pk)
                    row.save(update_fields=names)
                counts[label] += 1
            self.stdout.write(f"{label}: {counts[label]} rows re-encrypted")
        audit_record(action="fields.rekey", details={"rows": counts})
