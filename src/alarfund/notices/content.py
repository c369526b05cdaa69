"""What a notice publishes: per enterprise its name, jurisdiction, rewarded lines and amounts. Nothing else.

The snapshot is taken from the frozen version's report with the same selection as the plan's
public-notice list (`plans.exports.notice_xlsx`: eligible applicants with a reward, lines paid above
zero), and keeps only public fields (PIPL Art. 25, security checklist 39): no credit code, ID number,
bank account, contact name or phone. Line titles are translated when shown (stored by article).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise

from alarfund.accounts.choices import Jurisdiction
from alarfund.applications.models import Application
from alarfund.plans import report
from alarfund.plans.models import PlanVersion
from alarfund.rounds.call import LINE_TITLES


def snapshot(version: PlanVersion) -> tuple[list[dict[str, Any]], Decimal]:
    """The public list of a version as stored in the notice, and its total."""
    plan = report.build(version, "zh-hans")
    ids = [a.id for a in plan.applicants]
    jurisdictions = dict(
        Application.objects.filter(pk__in=ids).values_list("pk", "organisation__jurisdiction")
    )
    rows: list[dict[str, Any]] = []
    total = Decimal(0)
    for applicant in plan.applicants:
        if not applicant.eligible or applicant.total <= 0:
            continue
        lines = [
            {"article": line.article, "amount": str(line.paid)} for line in applicant.lines if line.paid > 0
        ]
        amount = sum((Decimal(line["amount"]) for line in lines), Decimal(0))
        total += amount
        rows.append(
            {
                "application": applicant.id,
                "name": applicant.name,
                "jurisdiction": jurisdictions.get(_uuid(applicant.id), "") or "",
                "lines": lines,
                "total": str(amount),
            }
        )
    return rows, total


def _uuid(value: str) -> Any:
    import uuid

    return uuid.UUID(value)


@dataclass(frozen=True)
class Line:
    article: str
    title: str | Promise
    amount: Decimal


@dataclass(frozen=True)
class Row:
    number: int
    application: str
    name: str
    jurisdiction: str
    jurisdiction_label: str | Promise
    lines: list[Line]
    total: Decimal


def jurisdiction_label(code: str) -> str | Promise:
    return Jurisdiction(code).label if code in Jurisdiction.values else code


def rows(content: list[dict[str, Any]], *, jurisdiction: str = "") -> list[Row]:
    """The stored list for display (optionally one jurisdiction only), numbered in order."""
    out = []
    number = 0
    for entry in content:
        if jurisdiction and entry.get("jurisdiction") != jurisdiction:
            continue
        number += 1
        out.append(
            Row(
                number=number,
                application=entry["application"],
                name=entry["name"],
                jurisdiction=entry.get("jurisdiction", ""),
                jurisdiction_label=jurisdiction_label(entry.get("jurisdiction", "")),
                lines=[
                    Line(
                        line["article"],
                        LINE_TITLES.get(line["article"], line["article"]),
                        Decimal(line["amount"]),
                    )
                    for line in entry["lines"]
                ],
                total=Decimal(entry["total"]),
            )
        )
    return out


def jurisdictions(content: list[dict[str, Any]]) -> list[tuple[str, str | Promise]]:
    """The jurisdictions present in the list (one printable page each), in the choices' order."""
    present = {entry.get("jurisdiction", "") for entry in content}
    ordered = [code for code in Jurisdiction.values if code in present]
    ordered += sorted(code for code in present if code not in Jurisdiction.values)
    return [(code, jurisdiction_label(code)) for code in ordered]
