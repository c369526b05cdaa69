"""The requirements of the review's steps, named in `applications.transitions.GUARDS`.

Each takes the (locked) application and returns what is still missing, in the reader's language; an
empty list lets the step happen. They are checked inside the transition's transaction, so whichever
page or command asks for a step, it cannot skip them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .models import Stage
from .selectors import audit_problems, flagged_items, readiness_problems


def _nothing_flagged(application: Any, stage: str) -> list[str]:
    flagged = flagged_items(application, stage)
    if not flagged:
        return []
    return [
        _("Items are marked as needing a supplement; return the application instead: %(items)s")
        % {"items": "; ".join(flagged)}
    ]


def nothing_flagged_first(application: Any) -> list[str]:
    return _nothing_flagged(application, Stage.FIRST)


def nothing_flagged_second(application: Any) -> list[str]:
    return _nothing_flagged(application, Stage.SECOND)


def audit_recorded(application: Any) -> list[str]:
    return audit_problems(application)


def ready_for_plan(application: Any) -> list[str]:
    return readiness_problems(application)
