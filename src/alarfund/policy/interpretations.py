"""The named interpretation switches of policy-rules §6.

Where the measure's text can be read two ways, the commerce bureau chooses per round; the choice is
recorded with the round so a past plan can always be recomputed. Defaults are the first option.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation

from alarfund.policy.money import FEN_PER_YUAN

#: switch -> (options, default first). Docs: docs/interpretations/I1-art5_threshold.md … I7-annual_cap.md
OPTIONS: dict[str, tuple[str, ...]] = {
    "art5_threshold": ("exclusive", "inclusive"),  # I1: "突破100万"
    "art7_threshold": ("exclusive", "inclusive"),  # I2: "超过5万"
    "art19_scope": ("article", "item"),  # I3: what Art. 19 compares
    "proration": ("scale_awards", "scale_rate"),  # I4: "等比例调整扶持比例"
    "rounding_unit": ("0.01", "1"),  # I5: the unit of every amount
    "sales_basis": ("online", "total"),  # I6: "年销售额" in Art. 6 and 8
    "annual_cap": ("scale_unbudgeted", "scale_all"),  # I7: over the Art. 3 cap
}


class InterpretationError(ValueError):
    def __init__(self, switch: str, en: str, zh: str) -> None:
        super().__init__(en)
        self.switch = switch
        self.en = en
        self.zh = zh


@dataclass(frozen=True)
class Interpretation:
    art5_threshold: str = "exclusive"
    art7_threshold: str = "exclusive"
    art19_scope: str = "article"
    proration: str = "scale_awards"
    rounding_unit: str = "0.01"
    sales_basis: str = "online"
    annual_cap: str = "scale_unbudgeted"

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> Interpretation:
        chosen: dict[str, str] = {}
        for name, raw in values.items():
            if name not in OPTIONS:
                raise InterpretationError(name, f"unknown switch {name!r}", f"未知的解释开关 {name!r}")
            chosen[name] = _normalise(name, raw)
        return cls(**chosen)

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def unit_fen(self) -> int:
        """The rounding unit in fen: 1 (0.01 yuan) or 100 (1 yuan)."""
        return 1 if self.rounding_unit == "0.01" else FEN_PER_YUAN


def _normalise(name: str, raw: object) -> str:
    options = OPTIONS[name]
    if name == "rounding_unit" and not isinstance(raw, bool):
        # The unit may be written as a string or a number: "0.01", 0.01, "1", 1.
        try:
            number = Decimal(str(raw)) if isinstance(raw, int | str | Decimal) else None
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite():
            for option in options:
                if number == Decimal(option):
                    return option
    elif isinstance(raw, str) and raw in options:
        return raw
    raise InterpretationError(
        name,
        f"unknown value {raw!r} for switch {name} (allowed: {', '.join(options)})",
        f"解释开关 {name} 的取值 {raw!r} 无效（可选：{', '.join(options)}）",
    )


DEFAULT = Interpretation()
