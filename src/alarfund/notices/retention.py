"""Retention of objectors' personal data (docs/retention.md), called by `alarfund.retention`.

The objector's name and contact are needed while the objection is examined and for a while after (to
answer questions about the finding); `objection_contact_days` after the notice ended (closed or
withdrawn) they are blanked. The objection's text, the enterprise concerned and the finding stay.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.db.models import Q

from alarfund.audit.services import audit_record

from .models import Objection


def expired_objection_ids(now: dt.datetime, *, days: int) -> list[uuid.UUID]:
    cutoff = now - dt.timedelta(days=days)
    ended = Q(notice__closed_at__lt=cutoff) | Q(notice__withdrawn_at__lt=cutoff)
    candidates = Objection.objects.filter(ended).exclude(status="open").order_by("filed_at")
    # The fields are encrypted (no lookups on them): the few candidates are checked one by one.
    return [objection.pk for objection in candidates if objection.name or objection.contact]


def anonymise(objection_id: uuid.UUID, *, now: dt.datetime, actor: Any) -> None:
    with transaction.atomic():
        objection = Objection.objects.select_for_update().get(pk=objection_id)
        if not (objection.name or objection.contact):
            return
        objection.name = ""
        objection.contact = ""
        objection.save(update_fields=["name", "contact"])
        audit_record(
            action="retention.anonymise",
            actor=actor,
            object_type="objection",
            object_id=objection.pk,
            details={
                "notice": str(objection.notice_id),
                "fields": ["name", "contact"],
                "at": now.isoformat(),
            },
        )
