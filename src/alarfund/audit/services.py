"""Writing and verifying the audit trail.

Never record secrets or sensitive personal data: passwords, session ids, tokens, ID numbers and bank
accounts are dropped from ``details`` by key (``_scrub``) before anything is stored.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from .models import AuditChainHead, AuditEvent, AuditResult

GENESIS_HASH = "0" * 64
_SENSITIVE_KEY = re.compile(
    r"pass(word|wd)?\d*$|secret|token|session_?(id|key)|csrf|cookie|otp_?(code|key)|id_?(number|card)"
    r"|(^|_)ric($|_)|bank_?account|account_?(no|number)",
    re.IGNORECASE,
)
REDACTED = "[redacted]"


@dataclass(frozen=True, kw_only=True)
class Actor:
    """Who acted, as seen by the trail (copied, so later edits to the account don't rewrite history)."""

    id: uuid.UUID | None = None
    username: str = ""
    role: str = "system"

    @classmethod
    def of(cls, user: Any) -> Actor:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(role="anonymous" if user is not None else "system")
        return cls(id=user.pk, username=user.get_username(), role=getattr(user, "role", ""))


@dataclass(frozen=True, kw_only=True)
class AuditContext:
    """Where a service was called from: the client address and the request id (empty for commands)."""

    ip: str | None = None
    request_id: str = ""

    @classmethod
    def of(cls, request: Any) -> AuditContext:
        from alarfund.web.net import client_ip

        return cls(ip=client_ip(request), request_id=getattr(request, "request_id", ""))


def _scrub(value: Any) -> Any:
    """JSON-safe copy of ``value`` with sensitive keys redacted, at any depth."""
    if isinstance(value, dict):
        return {str(k): (REDACTED if _SENSITIVE_KEY.search(str(k)) else _scrub(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)  # Decimal, UUID, datetime, lazy translations: their text


def canonical(event: AuditEvent) -> bytes:
    """The bytes the hash covers: every field but ``hash``, as sorted compact JSON in UTF-8."""
    payload = {
        "seq": event.seq,
        "id": str(event.id),
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "actor_username": event.actor_username,
        "actor_role": event.actor_role,
        "ip": event.ip,
        "request_id": event.request_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "action": event.action,
        "result": event.result,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def audit_record(
    *,
    action: str,
    result: str = AuditResult.SUCCESS,
    actor: Actor | None = None,
    context: AuditContext | None = None,
    object_type: str = "",
    object_id: object = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain (inside the caller's transaction, if any)."""
    actor = actor or Actor()
    context = context or AuditContext()
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "last_hash": GENESIS_HASH}
        )
        event = AuditEvent(
            seq=head.seq + 1,
            # Whole microseconds in UTC: what every database stores, so the hash re-verifies.
            occurred_at=datetime.now(UTC),
            actor_id=actor.id,
            actor_username=actor.username[:150],
            actor_role=actor.role[:32],
            ip=context.ip or None,
            request_id=context.request_id[:32],
            object_type=object_type[:64],
            object_id=str(object_id or "")[:64],
            action=action[:64],
            result=str(result),
            details=_scrub(details or {}),
            prev_hash=head.last_hash,
        )
        event.hash = compute_hash(event)
        event.save()
        head.seq, head.last_hash = event.seq, event.hash
        head.save(update_fields=["seq", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainReport:
    """The verifier's answer. ``problem`` says what happened at ``first_bad_seq``:

    * ``altered``: the row's content no longer matches its hash (or its hash was recomputed, so the next
      row no longer links to it);
    * ``deleted``: a row is missing (a gap in the sequence, rows renumbered to close a gap, or rows
      removed from the end, which the chain head still counts);
    * ``inserted``: a row that the chain never contained (beyond the head, or pushing the rows after it
      one place down).
    """

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""
    head_seq: int = 0
    head_hash: str = ""


def _hash_with_seq(event: AuditEvent, seq: int) -> str:
    original = event.seq
    try:
        event.seq = seq
        return compute_hash(event)
    finally:
        event.seq = original


def audit_verify() -> ChainReport:
    """Recompute every hash and link, in order; report the first row that was altered, inserted or
    deleted (and what happened there)."""
    prev = GENESIS_HASH
    expected = 1
    checked = 0
    head = AuditChainHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.seq, head.last_hash) if head else (0, GENESIS_HASH)

    def bad(seq: int, problem: str) -> ChainReport:
        return ChainReport(False, checked, seq, problem, head_seq, head_hash)

    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq > expected:
            return bad(expected, "deleted")
        if compute_hash(event) != event.hash:
            if _hash_with_seq(event, event.seq + 1) == event.hash:
                return bad(event.seq, "deleted")  # renumbered down to close a gap
            if _hash_with_seq(event, event.seq - 1) == event.hash:
                return bad(event.seq - 1, "inserted")  # pushed down by a row put before it
            return bad(event.seq, "altered")
        if event.prev_hash != prev:
            # The row itself is intact but does not follow its predecessor: that one was altered and
            # its hash recomputed, or it was put in (an inserted row with a hash of its own).
            return bad(event.seq - 1, "altered" if head is None or event.seq - 1 <= head_seq else "inserted")
        if head is not None and event.seq > head_seq:
            return bad(event.seq, "inserted")  # beyond what the chain head has ever counted
        prev = event.hash
        checked += 1
        expected += 1
    if head is not None and head_seq > checked:
        return bad(checked + 1, "deleted")  # removed from the end of the chain
    if head is not None and head_hash != prev:
        return bad(checked, "altered")  # the last row was altered and its hash recomputed
    return ChainReport(True, checked, None, "", head_seq, head_hash)


def audit_from_request(
    request: Any,
    *,
    action: str,
    result: str = AuditResult.SUCCESS,
    user: Any = None,
    object_type: str = "",
    object_id: object = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """``audit_record`` with the actor, client address and request id taken from ``request``."""
    who = user if user is not None else getattr(request, "user", None)
    return audit_record(
        action=action,
        result=result,
        actor=Actor.of(who) if who is not None else Actor(role="anonymous"),
        context=AuditContext.of(request),
        object_type=object_type,
        object_id=object_id,
        details=details,
    )
