"""Django's ``TextChoices``, typed for mypy (the project runs mypy without django-stubs).

At run time this *is* ``django.db.models.TextChoices``; for the type checker it is a ``str`` enum with
the ``label``, ``choices`` and ``values`` that Django adds, so members type as their enum class.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:

    class TextChoices(enum.StrEnum):
        label: Any
        choices: ClassVar[list[tuple[str, Any]]]
        values: ClassVar[list[str]]
        labels: ClassVar[list[Any]]

else:
    from django.db.models import TextChoices

__all__ = ["TextChoices"]
