"""One-time form tokens: a double click, a retry or two tabs never do a write twice (ASVS 2.3.3).

1. When a form is rendered, `issue(user, action, target)` stores a random token bound to that user, that
   action (e.g. ``"payment.mark_paid"``) and that object (its id), and the form carries it.
2. The service runs the write through `run(token=..., user=..., action=..., target=..., work=...)`: in ONE
   transaction it locks the token's row, and
   * if the token was already used, returns the FIRST result (``replayed=True``) and does nothing;
   * otherwise calls ``work()`` (which writes and audits), stores its JSON result on the token and marks it
     used. If ``work`` raises, everything rolls back and the token stays usable (the user corrects the
     form and sends it again).
   Concurrent duplicates wait on the row lock (PostgreSQL) and then read the first result; on SQLite the
   database serialises writers. The token column is unique: a token is recorded once, whatever happens.
3. A token of another user, action or object, an unknown token or an unused token older than
   `lifetime()` is refused (`InvalidToken`, HTTP 400): nothing is done.

The model lives in the payments app (`payments.IdempotencyToken`, docs/adr/0014): the first user of the
module. Another app can use the module as it is; it reaches the model through the app registry.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FIELD = "idempotency_token"


class InvalidToken(ValidationError):
    """The form's token is unknown, expired, or was issued to someone else or for something else."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This form has expired or was not issued to you for this action. Reload the page and try again."
            ),
            code="token",
        )


@dataclass(frozen=True)
class Outcome:
    result: dict[str, Any]
    replayed: bool


def _model() -> Any:
    return apps.get_model("payments", "IdempotencyToken")


def lifetime() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "ALARFUND_IDEMPOTENCY_SECONDS", 24 * 3600)))


def _plain(result: dict[str, Any]) -> dict[str, Any]:
    """The result as stored JSON gives it back, so that the first reply and every replay are equal."""
    return dict(json.loads(json.dumps(result, default=str)))


def issue(user: Any, action: str, target: Any = "") -> str:
    """A fresh token for one form (one user, one action, one object)."""
    token = secrets.token_urlsafe(32)
    _model().objects.create(token=token, user=user, action=action[:64], target=str(target or "")[:64])
    return token


def run(
    *, token: str | None, user: Any, action: str, target: Any = "", work: Callable[[], dict[str, Any]]
) -> Outcome:
    """Do ``work`` once for this token (see the module's docstring); ``token=None`` is for trusted
    callers without a form (the demo, commands): the work simply runs in a transaction."""
    with transaction.atomic():
        if token is None:
            return Outcome(result=_plain(work()), replayed=False)
        row = _model().objects.select_for_update().filter(token=str(token)[:64]).first()
        if (
            row is None
            or row.user_id != getattr(user, "pk", None)
            or row.action != action[:64]
            or row.target != str(target or "")[:64]
        ):
            raise InvalidToken()
        if row.used_at is not None:
            return Outcome(result=dict(row.result or {}), replayed=True)
        if row.issued_at < timezone.now() - lifetime():
            raise InvalidToken()
        result = _plain(work())
        row.result = result
        row.used_at = timezone.now()
        row.save(update_fields=["result", "used_at"])
        return Outcome(result=result, replayed=False)


def purge(*, older_than: dt.timedelta | None = None, now: dt.datetime | None = None) -> int:
    """Remove tokens older than seven lifetimes (used ones included: their replay window has passed, and
    a late replay is refused as unknown, never done twice). The retention job calls it daily."""
    cutoff = (now or timezone.now()) - (older_than or lifetime() * 7)
    deleted, _kinds = _model().objects.filter(issued_at__lt=cutoff).delete()
    return int(deleted)
