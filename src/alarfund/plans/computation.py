"""From the round's READY applications, commitments and adjustments to a snapshot, and back to a result.

The engine is reached only through `alarfund.applications.records` (round document, compute) and the
engine's own `with_limits` (the bureau's adjustments, which the round file does not carry). A snapshot
is `{"round": <round document>, "limits": {application id: {line: fen}}}`; `result_of(snapshot)` is the
one way back to amounts, for the page, the exports and the reproducibility check alike.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from alarfund.applications.models import Application, ApplicationStatus, FigureSource
from alarfund.applications.records import ApplicantFacts, compute, round_document
from alarfund.applications.selectors import application_facts
from alarfund.policy.engine import RoundResult, compute_round
from alarfund.policy.facts import with_limits
from alarfund.policy.interpretations import Interpretation
from alarfund.policy.money import fen_from_decimal, fen_to_decimal
from alarfund.policy.parameters import Parameters
from alarfund.policy.report import plan_dict
from alarfund.policy.roundfile import parse_round
from alarfund.rounds.models import Round

from .models import Adjustment, Commitment

#: Which figures the plan uses: the bureau's final figures; audited, then declared, only where missing.
SOURCE_ORDER: tuple[str, ...] = (FigureSource.FINAL, FigureSource.AUDITED, FigureSource.DECLARED)


def figure_source(application: Application) -> str | None:
    available = {figures.source for figures in application.figure_sets.all()}
    return next((source for source in SOURCE_ORDER if source in available), None)


def ready_applications(round_: Round) -> list[Application]:
    return list(
        Application.objects.filter(round=round_, status=ApplicationStatus.READY)
        .select_related("organisation")
        .prefetch_related("figure_sets", "demonstrations")
        .order_by("submitted_at", "created_at", "pk")
    )


def not_ready(round_: Round) -> list[dict[str, str]]:
    """Applications of the round that the plan leaves out (not READY), with their status."""
    rows = (
        Application.objects.filter(round=round_)
        .exclude(status=ApplicationStatus.READY)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return [{"id": str(a.pk), "name": a.organisation.name, "status": a.status} for a in rows]


def counted_commitments(round_: Round) -> list[Commitment]:
    return [c for c in round_.commitments.order_by("article", "created_at", "pk") if c.counts_toward_cap]


def commitment_entries(commitments: Iterable[Commitment]) -> list[dict[str, str]]:
    return [{"article": c.article, "label": c.label, "amount": str(c.amount)} for c in commitments]


@dataclass
class Inputs:
    snapshot: dict[str, Any]
    sources: dict[str, str] = field(default_factory=dict)
    excluded: list[dict[str, str]] = field(default_factory=list)


def _with_demonstration_amounts(facts: ApplicantFacts, amounts: dict[str, Decimal]) -> ApplicantFacts:
    """The bureau's Art. 9 amount for a level (within the cap), on the first-time selections there."""
    if not amounts:
        return facts
    demos = tuple(
        replace(d, amount=amounts[d.level]) if d.level in amounts and d.first_time else d
        for d in facts.demonstrations
    )
    return replace(facts, demonstrations=demos)


def build_inputs(
    round_: Round,
    *,
    interpretation: dict[str, str],
    adjustments: Iterable[Adjustment],
    as_of: dt.date | None = None,
) -> Inputs:
    """The snapshot the engine will read: READY applications on their best figures, with adjustments."""
    demo_amounts: dict[str, dict[str, Decimal]] = {}
    limits: dict[str, dict[str, int]] = {}
    for adjustment in adjustments:
        key = str(adjustment.application_id)
        if adjustment.level:
            demo_amounts.setdefault(key, {})[adjustment.level] = adjustment.amount
        else:
            limits.setdefault(key, {})[adjustment.line] = fen_from_decimal(adjustment.amount)
    applicants: list[ApplicantFacts] = []
    sources: dict[str, str] = {}
    excluded = not_ready(round_)
    for application in ready_applications(round_):
        source = figure_source(application)
        if source is None:
            excluded.append(
                {"id": str(application.pk), "name": application.organisation.name, "status": "no_figures"}
            )
            continue
        sources[str(application.pk)] = source
        facts = application_facts(application, source)
        applicants.append(_with_demonstration_amounts(facts, demo_amounts.get(str(application.pk), {})))
    document = round_document(
        sales_year=round_.sales_year,
        applicants=applicants,
        interpretation=interpretation,
        budgets=round_.budgets_document(),
        commitments=commitment_entries(counted_commitments(round_)),
        as_of=as_of,
    )
    present = {a.id for a in applicants}
    snapshot = {
        "round": document,
        "limits": {
            key: dict(sorted(lines.items())) for key, lines in sorted(limits.items()) if key in present
        },
    }
    return Inputs(snapshot=snapshot, sources=sources, excluded=excluded)


def result_of(snapshot: dict[str, Any]) -> RoundResult:
    """The engine over a snapshot (raises the engine's `RoundFileError` / `LimitError` for bad input)."""
    limits = snapshot.get("limits") or {}
    if not limits:
        return compute(snapshot["round"])
    facts, params = parse_round(snapshot["round"])
    return compute_round(with_limits(facts, limits), params)


def formula_result(snapshot: dict[str, Any]) -> RoundResult:
    """The same round without the bureau's line limits: what the articles give (adjustments' ceiling)."""
    return compute(snapshot["round"])


def outputs_of(result: RoundResult) -> dict[str, Any]:
    """The recorded output: the round file's output document (Chinese explanations), as stored JSON."""
    return json.loads(json.dumps(plan_dict(result, "zh-hans"), ensure_ascii=False))


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def parameter_entries(params: Parameters) -> list[dict[str, Any]]:
    """The parameter entries the engine used for the sales year, each with its article and validity."""
    return [
        {
            "key": entry.key,
            "value": _json_value(entry.value),
            "unit": entry.unit,
            "article": entry.article,
            "note": entry.note,
            "valid_from": entry.valid_from.isoformat(),
            "valid_to": entry.valid_to.isoformat(),
        }
        for entry in sorted(params.entries.values(), key=lambda e: e.key)
    ]


def full_interpretation(values: dict[str, Any] | None) -> dict[str, str]:
    return Interpretation.from_mapping(values or {}).as_dict()


def yuan(fen: int) -> Decimal:
    return fen_to_decimal(fen)
