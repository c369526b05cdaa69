"""Optimistic locking: a save from a stale edit tab is refused, never silently overwrites."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class StaleEdit(ValidationError):
    """The record changed since the form was opened (security checklist 34)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else changed this record after you opened it. Reload the page and apply your changes again."
            ),
            code="stale",
        )


def check_version(current: int, submitted: int | None) -> None:
    if submitted is None or int(submitted) != current:
        raise StaleEdit()
