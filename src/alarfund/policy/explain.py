"""The arithmetic behind every amount, in words a reviewer could read aloud (zh-Hans and English).

`Explainer(result).lines(i)` explains one applicant from the round's result without touching the others.
For bulk output, `Explainer(result, rows=range(a, b))` reads that block of columns once as Python lists
(much faster to index than numpy scalars) while keeping memory bounded for a million-applicant round.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any, NamedTuple

from alarfund.policy.eligibility import reasons_of
from alarfund.policy.engine import RoundResult
from alarfund.policy.entitlements import LINES
from alarfund.policy.facts import AMOUNT_UP_TO_CAP
from alarfund.policy.money import format_fen_grouped as yuan
from alarfund.policy.money import format_rate, format_ratio

LANGUAGES = ("zh-hans", "en")
_ZH_NUMERALS = {
    "3": "三",
    "5": "五",
    "6": "六",
    "7": "七",
    "8": "八",
    "9": "九",
    "10": "十",
    "14": "十四",
    "19": "十九",
    "20": "二十",
    "21": "二十一",
}


class LineExplanation(NamedTuple):
    article: str
    entitled: int
    paid: int
    excluded: bool
    text: str


def _count(n: int) -> str:
    return f"{n:,}"


class _RateSpec(NamedTuple):
    numerator: int
    denominator: int
    rate: str  # as shown: "15%", or "0.50" a parcel
    cap: str


class Explainer:
    def __init__(self, result: RoundResult, lang: str = "zh-hans", rows: range | None = None) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}")
        self.r = result
        self.zh = lang == "zh-hans"
        self.p = result.params
        self.s = result.facts.interpretation
        a = result.facts.applicants
        if rows is None:
            self._offset = 0

            def convert(column: Any) -> Any:
                return column
        else:
            self._offset = rows.start

            def convert(column: Any) -> Any:
                return column[rows.start : rows.stop].tolist()

        self.online = convert(a.online_sales)
        self.total_sales = convert(a.total_sales)
        self.interest = convert(a.loan_interest_paid)
        self.fees = convert(a.promotion_fees)
        self.rent = convert(a.inland_warehouse_rent)
        self.parcels = convert(a.parcels)
        self.national = convert(a.demo_national)
        self.provincial = convert(a.demo_provincial)
        self.entitled = {line: convert(v) for line, v in result.entitled.items()}
        #: Lines the bureau adjusted: the formula's amount, to explain the article before the adjustment.
        self.formula = {line: convert(result.formula[line]) for line in result.facts.applicants.limits}
        self.excluded = {line: convert(v) for line, v in result.excluded.items()}
        self.paid = {line: convert(v) for line, v in result.paid.items()}
        self._suffix_cache: dict[str, tuple[str, str]] = {}
        self._constants: dict[int, str] = {}
        self._unit = self.s.unit_fen
        # Rates, caps and thresholds recur on every line: their text is made once per explainer.
        p, s = self.p, self.s
        self._rate5 = self._rate_spec(
            p.art5_interest_rate, p.art5_interest_cap, format_rate(p.art5_interest_rate)
        )
        self._rate7 = self._rate_spec(p.art7_rate, p.art7_cap, format_rate(p.art7_rate))
        self._rate8 = self._rate_spec(p.art8_rate, p.art8_cap, format_rate(p.art8_rate))
        self._rate10 = self._rate_spec(Fraction(p.art10_per_parcel), p.art10_cap, yuan(p.art10_per_parcel))
        self._above5 = self._threshold_text(p.art5_sales_threshold, s.art5_threshold)
        self._above7 = self._threshold_text(p.art7_fee_threshold, s.art7_threshold)
        self._rules: dict[str, Callable[[int, int], str]] = {
            "5.1": self._art5_1,
            "5.2": self._art5_2,
            "6": self._art6,
            "7": self._art7,
            "8": self._art8,
            "9": self._demonstrations,
            "10": self._art10,
        }

    def _k(self, fen: int) -> str:
        """A parameter amount, formatted once (thresholds and caps recur on every line)."""
        text = self._constants.get(fen)
        if text is None:
            text = self._constants[fen] = yuan(fen)
        return text

    def _rate_spec(self, rate: Fraction, cap: int, shown_rate: str) -> _RateSpec:
        return _RateSpec(rate.numerator, rate.denominator, shown_rate, self._k(cap))

    def _threshold_text(self, threshold: int, mode: str) -> str:
        """What follows the figure: " > 1,000,000.00（不含本数）" or " ≥ …（含本数）"."""
        if mode == "inclusive":
            return f" ≥ {yuan(threshold)}" + ("（含本数）" if self.zh else " (inclusive)")
        return f" > {yuan(threshold)}" + ("（不含本数）" if self.zh else " (exclusive)")

    # -- public ---------------------------------------------------------------------------------------
    def lines(self, i: int) -> list[LineExplanation]:
        """Every line applicant `i` is entitled to (entitled > 0), Art. 19 exclusions included."""
        i -= self._offset
        out = []
        for line in LINES:
            entitled = int(self.entitled[line][i])
            if entitled > 0:
                excluded = bool(self.excluded[line][i]) if line in self.excluded else False
                paid = int(self.paid[line][i])
                out.append(LineExplanation(line, entitled, paid, excluded, self._text(line, i)))
        return out

    def text(self, line: str, i: int) -> str:
        """The explanation of one line of applicant `i` (which must be entitled to it)."""
        return self._text(line, i - self._offset)

    def _text(self, line: str, i: int) -> str:
        entitled = self.entitled[line][i]
        excluded = line in self.excluded and bool(self.excluded[line][i])
        formula = self.formula[line][i] if line in self.formula else entitled
        text = self._rules[line](i, formula)
        if entitled < formula:
            text += (
                f"；商务局核减：本项核定为 {yuan(entitled)}（见调整记录）"
                if self.zh
                else f"; adjusted by the Commerce Bureau to {yuan(entitled)} (see the adjustment record)"
            )
        return text + self._after(line, i, excluded, self.paid[line][i])

    def ineligibility(self, i: int) -> list[str]:
        reasons = reasons_of(int(self.r.failed[i]))
        # The article and the reason first (what a reader needs), the stable code last (for staff and logs).
        if self.zh:
            return [f"{_article_zh(r.article)}：{r.zh}（{r.code}）" for r in reasons]
        return [f"Art. {_article_en(r.article)}: {r.en} ({r.code})" for r in reasons]

    # -- the article's own arithmetic -----------------------------------------------------------------
    def _sales_basis(self, i: int) -> tuple[str, int]:
        if self.s.sales_basis == "online":
            return ("年销售额（网络线上销售额）" if self.zh else "annual sales (online sales)"), self.online[
                i
            ]
        return (
            "年销售额（增值税申报销售总额）" if self.zh else "annual sales (total, per VAT returns)"
        ), self.total_sales[i]

    def _capped(self, base: int, spec: _RateSpec, amount: int, per_parcel: bool = False) -> str:
        """ "base × rate = product, capped at cap: amount" (the product rounded half-up to the unit)."""
        step = spec.denominator * self._unit
        product = (2 * base * spec.numerator + step) // (2 * step) * self._unit
        shown_base = _count(base) if per_parcel else yuan(base)
        shown_amount = yuan(amount)
        shown_product = shown_amount if product == amount else yuan(product)
        if self.zh:
            return f"{shown_base} × {spec.rate} = {shown_product}，单户上限 {spec.cap}，应享 {shown_amount}"
        return f"{shown_base} × {spec.rate} = {shown_product}, capped at {spec.cap} per applicant: {shown_amount}"

    def _art5_1(self, i: int, amount: int) -> str:
        sales = yuan(self.online[i]) + self._above5
        if self.zh:
            return f"第五条(一)：网络线上销售额 {sales}，奖励 {yuan(amount)}"
        return f"Art. 5(1): online sales {sales}, reward {yuan(amount)}"

    def _art5_2(self, i: int, amount: int) -> str:
        sales = yuan(self.online[i]) + self._above5
        capped = self._capped(self.interest[i], self._rate5, amount)
        if self.zh:
            return f"第五条(二)：网络线上销售额 {sales}；经营性银行贷款利息 {capped}"
        return f"Art. 5(2): online sales {sales}; interest paid on operating bank loans {capped}"

    def _art6(self, i: int, amount: int) -> str:
        label, sales = self._sales_basis(i)
        tiers = self.p.art6_tiers
        index = max(k for k, tier in enumerate(tiers) if sales >= tier.lower)
        upper = tiers[index + 1].lower if index + 1 < len(tiers) else None
        band = f"{yuan(sales)} ≥ {self._k(tiers[index].lower)}"
        if self.zh:
            band += f" 且 < {self._k(upper)}" if upper else ""
            return f"第六条：销售师市品牌产品，{label} {band}，奖励 {yuan(amount)}"
        band += f" and < {self._k(upper)}" if upper else ""
        return f"Art. 6: sells brand products of the Division and city, {label} {band}, reward {yuan(amount)}"

    def _art7(self, i: int, amount: int) -> str:
        shown_fees = yuan(self.fees[i])
        fees = shown_fees + self._above7
        capped = self._capped(self.fees[i], self._rate7, amount)
        if self.zh:
            return f"第七条：销售师市产品，线上推广服务费 {fees}；{capped}"
        return f"Art. 7: sells products of the Division and city, promotion fees {fees}; {capped}"

    def _art8(self, i: int, amount: int) -> str:
        p = self.p
        label, sales = self._sales_basis(i)
        capped = self._capped(self.rent[i], self._rate8, amount)
        reach = f"{yuan(sales)} ≥ {self._k(p.art8_sales_threshold)}"
        if self.zh:
            return f"第八条：{label} {reach}；疆外前置仓租赁费 {capped}"
        return f"Art. 8: {label} {reach}; rent of a warehouse outside Xinjiang {capped}"

    def _art10(self, i: int, amount: int) -> str:
        p = self.p
        parcels = self.parcels[i]
        capped = self._capped(parcels, self._rate10, amount, per_parcel=True)
        if self.zh:
            return f"第十条：快递 {_count(parcels)} 单 ≥ {_count(p.art10_parcel_threshold)} 单；{capped}"
        return f"Art. 10: {_count(parcels)} parcels ≥ {_count(p.art10_parcel_threshold)}; {capped}"

    def _demonstrations(self, i: int, amount: int) -> str:
        parts = []
        for requested, cap, zh_level, en_level in (
            (self.national[i], self.p.art9_national_cap, "国家级", "national"),
            (self.provincial[i], self.p.art9_provincial_cap, "省级（含兵团）", "provincial (兵团 included)"),
        ):
            if requested < 0:
                continue
            if requested >= AMOUNT_UP_TO_CAP:
                asked = "未填金额，按上限" if self.zh else "no amount given, the cap"
            else:
                asked = f"核定 {yuan(requested)}" if self.zh else f"set at {yuan(requested)}"
            granted = min(requested, cap)
            if self.zh:
                parts.append(
                    f"首次入选{zh_level}直播电商示范案例，{asked}，上限 {yuan(cap)}，计 {yuan(granted)}"
                )
            else:
                parts.append(
                    f"first-time {en_level} live-commerce demonstration case, {asked}, cap {yuan(cap)}: {yuan(granted)}"
                )
        if self.zh:
            return "第九条：" + "；".join(parts) + f"；奖励 {yuan(amount)}"
        return "Art. 9: " + "; ".join(parts) + f"; reward {yuan(amount)}"

    # -- Art. 19, budgets, the annual cap --------------------------------------------------------------
    def _after(self, line: str, i: int, excluded: bool, paid: int) -> str:
        text = self._art19(line, i, excluded)
        if excluded:
            return text
        budget_part, cap_part = self._round_suffixes(line)
        if budget_part or cap_part:
            closing = f"，实发 {yuan(paid)}" if self.zh else f"; paid {yuan(paid)}"
            return text + budget_part + cap_part + closing
        return text

    def _art19(self, line: str, i: int, excluded: bool) -> str:
        if line not in ("5.1", "5.2", "6"):
            return ""
        art6 = int(self.entitled["6"][i])
        item_scope = self.s.art19_scope == "item"
        if item_scope and line == "5.2":
            return ""
        art5 = int(self.entitled["5.1"][i]) + (0 if item_scope else int(self.entitled["5.2"][i]))
        if art5 <= 0 or art6 <= 0:
            return ""
        art5_label = (
            ("第五条(一)" if item_scope else "第五条")
            if self.zh
            else ("Art. 5(1)" if item_scope else "Art. 5")
        )
        if self.zh:
            compare = (
                f"{art5_label} {yuan(art5)} 与第六条 {yuan(art6)} 不可同时享受，取较高者（相等时取第六条）"
            )
            verdict = "：本项不予发放（0.00）" if excluded else "：本项发放"
            return f"；第十九条：{compare}" + verdict
        compare = f"{art5_label} {yuan(art5)} and Art. 6 {yuan(art6)} are not paid together; the higher is (Art. 6 on a tie)"
        verdict = ": this line is not paid (0.00)" if excluded else ": this line is paid"
        return f"; Art. 19: {compare}" + verdict

    def _round_suffixes(self, line: str) -> tuple[str, str]:
        """Category-wide parts of the explanation, the same for every applicant: computed once."""
        key = line
        if key in self._suffix_cache:
            return self._suffix_cache[key]
        category = self.r.categories[line]
        annual = self.r.annual
        zh = self.zh
        budget_part = ""
        if category.budget_bound and category.budget is not None:
            article = _ZH_NUMERALS[line]
            if category.lowered_rate is not None:
                statutory = {"7": self.p.art7_rate, "8": self.p.art8_rate}.get(line)
                if statutory is not None:
                    rate_zh = f"扶持比例由 {format_rate(statutory)} 等比例调整为 {format_rate(category.lowered_rate)}"
                    rate_en = f"the rate is lowered from {format_rate(statutory)} to {format_rate(category.lowered_rate)}"
                else:
                    lowered = category.lowered_rate / 100
                    rate_zh = (
                        f"每单补贴由 {yuan(self.p.art10_per_parcel)} 元等比例调整为 {_decimal(lowered)} 元"
                    )
                    rate_en = f"the subsidy per parcel is lowered from {yuan(self.p.art10_per_parcel)} to {_decimal(lowered)}"
                budget_part = (
                    f"；第{article}条资金预算 {yuan(category.budget)} 不足（本类应享合计 {yuan(category.entitled)}），{rate_zh}"
                    if zh
                    else f"; Art. {line} budget {yuan(category.budget)} is short (category total {yuan(category.entitled)}): {rate_en}"
                )
            else:
                factor = format_ratio(
                    Fraction(category.budget // self.s.unit_fen * self.s.unit_fen, category.entitled)
                )
                budget_part = (
                    f"；第{article}条资金预算 {yuan(category.budget)} 不足（本类应享合计 {yuan(category.entitled)}），"
                    f"按系数 {factor} 等比例调整"
                    if zh
                    else f"; Art. {line} budget {yuan(category.budget)} is short (category total "
                    f"{yuan(category.entitled)}): scaled by {factor}"
                )
        cap_part = ""
        if category.cap_factor is not None:
            head_zh = (
                f"；第三条：年度资金规模 {yuan(annual.budget)}，扣除承诺事项 {yuan(annual.commitments)} 后"
                f"可用于企业奖励 {yuan(annual.available)}，申报合计 {yuan(annual.requested)}"
            )
            head_en = (
                f"; Art. 3: the annual fund {yuan(annual.budget)} less commitments {yuan(annual.commitments)} "
                f"leaves {yuan(annual.available)} for awards against {yuan(annual.requested)} requested"
            )
            if category.cap_factor == 0:
                cap_part = (
                    head_zh + "，第七、八、十条已用尽可用额度，本项不予发放"
                    if zh
                    else head_en + "; Art. 7, 8 and 10 use it all, so this line gets nothing"
                )
            else:
                factor = format_ratio(category.cap_factor)
                cap_part = (
                    head_zh + f"，按系数 {factor} 等比例调整" if zh else head_en + f"; scaled by {factor}"
                )
        self._suffix_cache[key] = (budget_part, cap_part)
        return budget_part, cap_part


def _decimal(value: Fraction, digits: int = 6) -> str:
    scale = 10**digits
    scaled = (value.numerator * scale * 2 + value.denominator) // (2 * value.denominator)
    return f"{scaled // scale}.{scaled % scale:0{digits}d}".rstrip("0").rstrip(".")


_ITEM_NUMBERS = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8"}


def _article_en(article: str) -> str:
    """ "14(一)" → "14(1)": English text numbers the items of an article in digits."""
    return "".join(_ITEM_NUMBERS.get(ch, ch) for ch in article)


def _article_zh(article: str) -> str:
    head, _, tail = article.partition("(")
    return f"第{_ZH_NUMERALS.get(head, head)}条" + (f"({tail}" if tail else "")


def explain_applicant(result: RoundResult, applicant_id: str, lang: str = "zh-hans") -> list[LineExplanation]:
    """One applicant's lines, explained (the web application's entry point)."""
    return Explainer(result, lang).lines(result.facts.position_of(applicant_id))
