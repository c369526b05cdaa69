"""Reading a plan version's recorded output in the tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from alarfund.applications.models import Application
from alarfund.plans.models import PlanVersion


def paid(version: PlanVersion, application: Application) -> dict[str, Decimal]:
    """{line: paid} of one applicant (lines excluded by Art. 19 included, at 0)."""
    for entry in version.outputs["applicants"]:
        if entry["id"] == str(application.pk):
            return {line["article"]: Decimal(line["paid"]) for line in entry["lines"]}
    raise KeyError(application.pk)


def category(version: PlanVersion, line: str) -> dict[str, Any]:
    return version.outputs["categories"][line]


def D(value: str) -> Decimal:
    return Decimal(value)
