"""The round's public call for applications (申报通知, Art. 15), generated from the round and the measure.

Every number comes from the round (window, budgets, interpretation switches) or from the measure's dated
parameters (`alarfund.policy.parameters`), so the call can never disagree with what the engine computes.
The line titles here are also used by the calculator and the applicant's pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alarfund.policy.interpretations import Interpretation
from alarfund.policy.money import fen_from_decimal, format_fen_grouped, format_rate
from alarfund.policy.parameters import OutsidePolicyPeriod, Parameters, parameters_for

from .materials import CLAIMABLE_LINES, ENTERPRISE, INDIVIDUAL, ExtraRequirement, Material, checklist
from .models import ExtraMaterial, Round, RoundStatus

#: The lines of an award, as the applicant and the public read them.
LINE_TITLES: dict[str, str | Promise] = {
    "5.1": gettext_lazy("Online sales reward (Art. 5(1))"),
    "5.2": gettext_lazy("Loan interest subsidy (Art. 5(2))"),
    "6": gettext_lazy("Scale-up reward for local brands (Art. 6)"),
    "7": gettext_lazy("Online traffic support (Art. 7)"),
    "8": gettext_lazy("Forward warehouse rent subsidy (Art. 8)"),
    "9": gettext_lazy("Live e-commerce demonstration case (Art. 9)"),
    "10": gettext_lazy("Express delivery subsidy (Art. 10)"),
}


def yuan(fen: int) -> str:
    """12345600 -> '123,456.00' (grouped, two decimals)."""
    return format_fen_grouped(fen)


@lru_cache(maxsize=1)
def covered_sales_years() -> tuple[int, ...]:
    """The sales years the measure's parameters cover (Art. 23: 2025–2027 unless amended)."""
    years = []
    for candidate in range(2000, 2100):  # a search range, not a policy value: the parameters decide
        try:
            parameters_for(candidate)
        except OutsidePolicyPeriod:
            continue
        years.append(candidate)
    return tuple(years)


def threshold_text(amount: int, mode: str) -> str:
    """A threshold the text words as "突破"/"超过", as the round reads it (I1, I2)."""
    if mode == "inclusive":
        return _("of at least %(amount)s yuan (exactly %(amount)s counts)") % {"amount": yuan(amount)}
    return _("of more than %(amount)s yuan (exactly %(amount)s does not count)") % {"amount": yuan(amount)}


def sales_basis_text(interpretation: Interpretation) -> str:
    if interpretation.sales_basis == "total":
        return _("total sales per the VAT returns")
    return _("online sales")


@dataclass(frozen=True)
class LineTerms:
    line: str
    title: str
    condition: str
    amount: str
    details: list[str] = field(default_factory=list)


def line_terms(
    params: Parameters, interpretation: Interpretation, budgets: dict[str, int]
) -> list[LineTerms]:
    """What each line pays and on what condition, in the reader's language."""
    s, p = interpretation, params
    above5 = threshold_text(p.art5_sales_threshold, s.art5_threshold)
    basis = sales_basis_text(s)
    tiers = []
    for index, tier in enumerate(p.art6_tiers):
        upper = p.art6_tiers[index + 1].lower if index + 1 < len(p.art6_tiers) else None
        if upper is None:
            tiers.append(
                _("%(lower)s yuan and more: %(reward)s yuan")
                % {"lower": yuan(tier.lower), "reward": yuan(tier.reward)}
            )
        else:
            tiers.append(
                _("from %(lower)s yuan (inclusive) to %(upper)s yuan (exclusive): %(reward)s yuan")
                % {"lower": yuan(tier.lower), "upper": yuan(upper), "reward": yuan(tier.reward)}
            )
    budget = _("category budget %(budget)s yuan; if the claims exceed it, %(how)s")
    how = (
        _("the subsidy rate is lowered to the single rate at which the claims add up to the budget")
        if s.proration == "scale_rate"
        else _("every amount of the category is reduced in the same proportion")
    )
    return [
        LineTerms(
            "5.1",
            str(LINE_TITLES["5.1"]),
            _("Online sales in the sales year %(above)s.") % {"above": above5},
            _("%(reward)s yuan") % {"reward": yuan(p.art5_sales_reward)},
        ),
        LineTerms(
            "5.2",
            str(LINE_TITLES["5.2"]),
            _("Online sales %(above)s, and interest paid in the sales year on operating bank loans.")
            % {"above": above5},
            _("%(rate)s of the interest paid, at most %(cap)s yuan per applicant")
            % {"rate": format_rate(p.art5_interest_rate), "cap": yuan(p.art5_interest_cap)},
        ),
        LineTerms(
            "6",
            str(LINE_TITLES["6"]),
            _(
                "Sells products of local brands of the 1st Division and Alar city on third-party platforms "
                "(live streaming or an online shop; brand certificate), with annual sales (%(basis)s) "
                "reaching a tier."
            )
            % {"basis": basis},
            _("by tier of annual sales:"),
            tiers,
        ),
        LineTerms(
            "7",
            str(LINE_TITLES["7"]),
            _(
                "Sells products of the 1st Division and Alar city, with online promotion fees (invoices of "
                "the platform) in the sales year %(above)s."
            )
            % {"above": threshold_text(p.art7_fee_threshold, s.art7_threshold)},
            _("%(rate)s of all promotion fees, at most %(cap)s yuan per applicant")
            % {"rate": format_rate(p.art7_rate), "cap": yuan(p.art7_cap)},
            [budget % {"budget": yuan(budgets["7"]), "how": how}],
        ),
        LineTerms(
            "8",
            str(LINE_TITLES["8"]),
            _(
                "Rents a forward warehouse in a province outside Xinjiang, with annual sales (%(basis)s) "
                "of at least %(threshold)s yuan (inclusive)."
            )
            % {"basis": basis, "threshold": yuan(p.art8_sales_threshold)},
            _("%(rate)s of the rent for the sales year, at most %(cap)s yuan per applicant")
            % {"rate": format_rate(p.art8_rate), "cap": yuan(p.art8_cap)},
            [budget % {"budget": yuan(budgets["8"]), "how": how}],
        ),
        LineTerms(
            "9",
            str(LINE_TITLES["9"]),
            _(
                "Selected for the first time in the sales year as a national, or provincial (the Corps "
                "included), live e-commerce demonstration case."
            ),
            _("national: up to %(national)s yuan; provincial: up to %(provincial)s yuan; one award per level")
            % {"national": yuan(p.art9_national_cap), "provincial": yuan(p.art9_provincial_cap)},
        ),
        LineTerms(
            "10",
            str(LINE_TITLES["10"]),
            _("At least %(parcels)s parcels (inclusive) shipped by express in the sales year.")
            % {"parcels": f"{p.art10_parcel_threshold:,}"},
            _("%(per)s yuan a parcel, at most %(cap)s yuan per applicant")
            % {"per": yuan(p.art10_per_parcel), "cap": yuan(p.art10_cap)},
            [budget % {"budget": yuan(budgets["10"]), "how": how}],
        ),
    ]


def general_rules(params: Parameters, interpretation: Interpretation, total_budget: int) -> list[str]:
    """The rules that act across lines: Art. 19 exclusivity, the annual fund, rounding."""
    s = interpretation
    rules = []
    if s.art19_scope == "item":
        rules.append(
            _(
                "Art. 19: the online sales reward (Art. 5(1)) and the scale-up reward (Art. 6) are not both "
                "paid: the higher is paid, Art. 6 on a tie; the loan interest subsidy (Art. 5(2)) is kept."
            )
        )
    else:
        rules.append(
            _(
                "Art. 19: Art. 5 and Art. 6 are not both paid: the higher of Art. 5 (5(1) and 5(2) together) "
                "and Art. 6 is paid, Art. 6 on a tie."
            )
        )
    if s.annual_cap == "scale_all":
        how = _("every award is reduced in the same proportion")
    else:
        how = _(
            "the rewards of Art. 5, 6 and 9 are reduced in the same proportion first (the budgeted lines "
            "of Art. 7, 8 and 10 only if they alone do not fit)"
        )
    rules.append(
        _(
            "Art. 3: the fund of the round is at most %(total)s yuan; if all awards together exceed it, %(how)s."
        )
        % {"total": yuan(total_budget), "how": how}
    )
    if s.rounding_unit == "1":
        rules.append(_("Every amount is rounded half-up to the whole yuan."))
    else:
        rules.append(_("Every amount is rounded half-up to the fen (0.01 yuan)."))
    return rules


def eligibility_terms(params: Parameters) -> tuple[list[str], list[str]]:
    """(who may apply, who may not) under Art. 14, 19, 20 and 21."""
    years = params.art14_lookback_years
    may = [
        _(
            "Art. 14(1): enterprises with independent legal-person status and individual businesses "
            "registered with the market regulation authorities of the 1st Division and Alar city "
            "(branches do not apply on their own)."
        ),
        _("Art. 14(2): no dishonesty record and no tax-violation case in the last %(years)s years.")
        % {"years": years},
        _(
            "Art. 14(3): no record of false materials to obtain fiscal funds in the last %(years)s years "
            "when policies were honoured."
        )
        % {"years": years},
        _("Art. 14(4): statistics and annual reports submitted to the Commerce Bureau as required."),
    ]
    may_not = [
        _(
            "Art. 19: enterprises that receive the Division's reward for 'four above' enterprises for the "
            "same year."
        ),
        _(
            "Art. 20: whoever obtained funds by false materials: the funds are recovered and no special "
            "fiscal funds of the Division and city are granted for %(years)s years."
        )
        % {"years": params.art20_ban_years},
        _(
            "Art. 21: applicants with a major safety, food-safety or environmental accident, a tax-evasion "
            "case filed, or a major mass incident in the sales year."
        ),
        _(
            "Art. 12, 13: third-party service providers do not apply; their services are contracted by "
            "the Commerce Bureau."
        ),
    ]
    return may, may_not


def extras_of(round: Round, zh: bool) -> list[ExtraRequirement]:
    return [
        ExtraRequirement(
            code=m.code, label=m.label_zh if zh else m.label_en, required=m.required, applies_to=m.applies_to
        )
        for m in ExtraMaterial.objects.filter(round=round).order_by("code")
    ]


@dataclass(frozen=True)
class MaterialsOverview:
    enterprise: list[Material]
    individual: list[Material]
    per_line: list[tuple[str, list[Material]]]


def materials_overview(extras: list[ExtraRequirement]) -> MaterialsOverview:
    """The Art. 16 list as a call shows it: what everyone files, and what each claimed line adds."""
    everyone = [e for e in extras if e.applies_to == "all"]
    enterprise = checklist(ENTERPRISE, ["5.1"], everyone)
    individual = checklist(INDIVIDUAL, ["5.1"], everyone)
    base = {m.code for m in enterprise} | {m.code for m in individual}
    per_line = []
    for line in CLAIMABLE_LINES:
        added = [m for m in checklist(ENTERPRISE, ["5.1", line], extras) if m.code not in base]
        if added:
            per_line.append((line, added))
    return MaterialsOverview(enterprise, individual, per_line)


def call_context(round: Round, zh: bool) -> dict[str, Any]:
    """Everything the call page shows, derived from the round and the measure."""
    params = parameters_for(round.sales_year)
    interpretation = Interpretation.from_mapping(round.interpretation or {})
    budgets = {
        "7": fen_from_decimal(round.budget_7),
        "8": fen_from_decimal(round.budget_8),
        "10": fen_from_decimal(round.budget_10),
    }
    may, may_not = eligibility_terms(params)
    return {
        "round": round,
        "params": params,
        "lines": line_terms(params, interpretation, budgets),
        "rules": general_rules(params, interpretation, fen_from_decimal(round.budget_total)),
        "may_apply": may,
        "may_not_apply": may_not,
        "materials": materials_overview(extras_of(round, zh)),
        "line_titles": LINE_TITLES,
        "is_closed": round.status == RoundStatus.CLOSED,
    }
