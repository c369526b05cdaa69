"""Reproducibility: recompute a plan version from its snapshot and compare with what it recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from alarfund.policy.money import fen_to_decimal

from . import computation
from .models import PlanVersion


@dataclass
class Verification:
    reproduced: bool
    parameters_unchanged: bool
    differences: list[str] = field(default_factory=list)


def _diff(stored: Any, fresh: Any, path: str, out: list[str], limit: int = 20) -> None:
    if len(out) >= limit:
        return
    if isinstance(stored, dict) and isinstance(fresh, dict):
        for key in sorted(set(stored) | set(fresh)):
            _diff(stored.get(key), fresh.get(key), f"{path}.{key}", out, limit)
    elif isinstance(stored, list) and isinstance(fresh, list) and len(stored) == len(fresh):
        for index, (a, b) in enumerate(zip(stored, fresh, strict=True)):
            _diff(a, b, f"{path}[{index}]", out, limit)
    elif stored != fresh:
        out.append(f"{path}: {stored!r} ≠ {fresh!r}")


def verify(version: PlanVersion) -> Verification:
    """Recompute the version from its snapshot: the output must be identical, to the fen."""
    result = computation.result_of(version.inputs)
    fresh = computation.outputs_of(result)
    differences: list[str] = []
    _diff(version.outputs, fresh, "plan", differences)
    totals_match = fen_to_decimal(result.total) == Decimal(version.total)
    parameters = computation.parameter_entries(result.params)
    return Verification(
        reproduced=fresh == version.outputs and totals_match,
        parameters_unchanged=parameters == version.parameters,
        differences=differences,
    )
