"""The round file (shared/spec/round-file.md): parsing and validation into `RoundFacts`.

Every way into the engine passes through `parse_round`, so the command line, the public calculator and
the bureau's plan validate and compute identically. Bad input raises `RoundFileError` naming the
applicant and the field; nothing is silently coerced.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import numpy as np

from alarfund.policy.facts import (
    AMOUNT_UP_TO_CAP,
    DEMONSTRATION_LEVELS,
    ENTITY_TYPES,
    LEVEL_ALIASES,
    NO_SELECTION,
    ApplicantTable,
    BoolArray,
    Commitment,
    IntArray,
    RoundFacts,
)
from alarfund.policy.interpretations import Interpretation, InterpretationError
from alarfund.policy.money import MoneyError, format_fen_grouped, parse_count, parse_fen, simple_fen
from alarfund.policy.parameters import (
    DEFAULT_PARAMETERS_FILE,
    OutsidePolicyPeriod,
    ParameterError,
    Parameters,
    parameters_for,
)

TOP_LEVEL_FIELDS = frozenset(
    {"sales_year", "as_of", "budgets", "commitments", "interpretation", "applicants"}
)
APPLICANT_FIELDS = frozenset(
    {
        "id",
        "name",
        "entity_type",
        "online_sales",
        "total_sales",
        "loan_interest_paid",
        "local_brand_seller",
        "local_product_seller",
        "promotion_fees",
        "inland_warehouse_rent",
        "demonstrations",
        "parcels",
        "registered_in_jurisdiction",
        "credit_or_tax_violation_3y",
        "false_material_3y",
        "statistics_reported",
        "major_incident",
        "banned_until",
        "four_above_reward",
    }
)
MONEY_FIELDS = ("online_sales", "loan_interest_paid", "promotion_fees", "inland_warehouse_rent")
_MONEY, _FLAG, _COUNT = "money", "flag", "count"
#: (field, default): flags that must be JSON booleans.
FLAG_FIELDS = (
    ("local_brand_seller", False),
    ("local_product_seller", False),
    ("registered_in_jurisdiction", True),
    ("credit_or_tax_violation_3y", False),
    ("false_material_3y", False),
    ("statistics_reported", True),
    ("major_incident", False),
    ("four_above_reward", False),
)
_FIELD_KINDS = {
    **{field: _MONEY for field in (*MONEY_FIELDS, "total_sales")},
    **{field: _FLAG for field, _default in FLAG_FIELDS},
    "parcels": _COUNT,
}
DEMONSTRATION_FIELDS = frozenset({"level", "first_time", "amount"})
COMMITMENT_FIELDS = frozenset({"article", "label", "amount"})
COMMITMENT_ARTICLES = ("11", "12", "13", "22")
BUDGET_KEYS = ("total", "7", "8", "10")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class RoundFileError(ValueError):
    """Bad input: which applicant, which field, what is wrong — in English and Chinese."""

    def __init__(self, en: str, zh: str, *, applicant: str | None = None, field: str | None = None) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh
        self.applicant = applicant
        self.field = field

    def one_line(self) -> str:
        return f"错误：{self.zh} | error: {self.en}"


def _where(applicant: str | None, position: int | None, field: str) -> tuple[str, str]:
    if applicant is None and position is None:
        return f"field {field!r}", f"字段 {field!r}"
    who = repr(applicant) if applicant is not None else "(no id)"
    return (
        f"applicant {who} (no. {position}), field {field!r}",
        f"申请人 {who}（第 {position} 个）字段 {field!r}",
    )


def _fail(
    field: str, en: str, zh: str, applicant: str | None = None, position: int | None = None
) -> RoundFileError:
    where_en, where_zh = _where(applicant, position, field)
    return RoundFileError(f"{where_en}: {en}", f"{where_zh}：{zh}", applicant=applicant, field=field)


def _money(value: object, field: str, applicant: str | None = None, position: int | None = None) -> int:
    try:
        return parse_fen(value)
    except MoneyError as exc:
        raise _fail(field, exc.en, exc.zh, applicant, position) from None


def _date(value: object, field: str, applicant: str | None = None, position: int | None = None) -> dt.date:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail(
        field,
        f"not a valid date (YYYY-MM-DD): {value!r}",
        f"不是有效日期（YYYY-MM-DD）：{value!r}",
        applicant,
        position,
    )


def _mapping(value: object, field: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _fail(field, "must be a JSON object", "必须是 JSON 对象")
    return value


def load_json(text: str | bytes) -> Any:
    """Parse JSON keeping every number exact (Decimal).

    Bare NaN/Infinity literals become non-finite Decimals, so that the field that holds one is refused
    with its applicant and field named (as a string "NaN" would be).
    """
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RoundFileError(f"not valid JSON: {exc}", f"不是有效的 JSON：{exc}") from None
    except RecursionError:
        raise RoundFileError("JSON nested too deeply", "JSON 嵌套层级过深") from None


def parse_round(
    data: object, parameters_file: Any = DEFAULT_PARAMETERS_FILE
) -> tuple[RoundFacts, Parameters]:
    """Validate a round document (the parsed JSON) and return its facts and the parameters in force."""
    if not isinstance(data, dict):
        raise RoundFileError("the round file must be a JSON object", "轮次文件必须是 JSON 对象")
    unknown = sorted(set(data) - TOP_LEVEL_FIELDS)
    if unknown:
        raise _fail(unknown[0], "unknown field", "未知字段")
    if "sales_year" not in data:
        raise _fail("sales_year", "is required", "必填")
    if "applicants" not in data:
        raise _fail("applicants", "is required", "必填")
    sales_year = data["sales_year"]
    if isinstance(sales_year, bool) or not isinstance(sales_year, int):
        raise _fail(
            "sales_year", f"must be a whole year, got {sales_year!r}", f"必须是整数年份：{sales_year!r}"
        )
    try:
        if not 1 <= sales_year <= 9998:
            raise OutsidePolicyPeriod(sales_year, "2025–2027")
        params = parameters_for(sales_year, parameters_file)
    except OutsidePolicyPeriod as exc:
        raise _fail(
            "sales_year",
            f"OUTSIDE_POLICY_PERIOD: {exc}",
            f"OUTSIDE_POLICY_PERIOD：销售年度 {sales_year} 不在本办法执行期间 {exc.period} 内（第二十三条）",
        ) from None
    except ParameterError as exc:
        raise _fail("sales_year", str(exc), f"参数文件未覆盖该年度：{exc}") from None

    as_of = _date(data["as_of"], "as_of") if data.get("as_of") is not None else params.default_as_of

    try:
        interpretation = Interpretation.from_mapping(
            _mapping(data.get("interpretation", {}), "interpretation")
        )
    except InterpretationError as exc:
        raise _fail(f"interpretation.{exc.switch}", exc.en, exc.zh) from None

    budgets = _mapping(data.get("budgets", {}), "budgets")
    for key in budgets:
        if key not in BUDGET_KEYS:
            raise _fail(
                f"budgets.{key}",
                "unknown budget (allowed: total, 7, 8, 10)",
                "未知预算项（可选：total、7、8、10）",
            )
    annual_budget = _money(budgets["total"], "budgets.total") if "total" in budgets else params.annual_cap
    category_budgets = {
        line: _money(budgets[line], f"budgets.{line}") if line in budgets else params.category_budget(line)
        for line in ("7", "8", "10")
    }

    commitments = _parse_commitments(data.get("commitments", []), params)
    committed = sum(c.amount for c in commitments)
    if committed > annual_budget:
        raise _fail(
            "commitments",
            f"commitments total {format_fen_grouped(committed)} exceeds the annual cap "
            f"{format_fen_grouped(annual_budget)} (Art. 3)",
            f"承诺事项合计 {format_fen_grouped(committed)} 超过年度资金上限 {format_fen_grouped(annual_budget)}（第三条）",
        )

    facts = RoundFacts(
        sales_year=sales_year,
        as_of=as_of,
        annual_budget=annual_budget,
        category_budgets=category_budgets,
        commitments=commitments,
        interpretation=interpretation,
        applicants=_parse_applicants(data["applicants"]),
    )
    return facts, params


def _parse_commitments(raw: object, params: Parameters) -> tuple[Commitment, ...]:
    if not isinstance(raw, list):
        raise _fail("commitments", "must be a list", "必须是列表")
    result = []
    per_article: dict[str, int] = {}
    for number, item in enumerate(raw, start=1):
        field = f"commitments[{number}]"
        if not isinstance(item, dict):
            raise _fail(field, "must be a JSON object", "必须是 JSON 对象")
        unknown = sorted(set(item) - COMMITMENT_FIELDS)
        if unknown:
            raise _fail(f"{field}.{unknown[0]}", "unknown field", "未知字段")
        article = item.get("article")
        if isinstance(article, int) and not isinstance(article, bool):
            article = str(article)
        if article not in COMMITMENT_ARTICLES:
            raise _fail(
                f"{field}.article",
                f"must be one of {', '.join(COMMITMENT_ARTICLES)} (got {article!r})",
                f"必须是 {'、'.join(COMMITMENT_ARTICLES)} 之一（{article!r}）",
            )
        if "amount" not in item:
            raise _fail(f"{field}.amount", "is required", "必填")
        label = item.get("label", "")
        if not isinstance(label, str):
            raise _fail(f"{field}.label", "must be a string", "必须是字符串")
        amount = _money(item["amount"], f"{field}.amount")
        per_article[article] = per_article.get(article, 0) + amount
        result.append(Commitment(article=article, label=label, amount=amount))
    limits = {"12": params.art12_big_data_fee, "13": params.art13_service_fee_cap}
    for article, limit in limits.items():
        if per_article.get(article, 0) > limit:
            raise _fail(
                "commitments",
                f"Art. {article} commitments total {format_fen_grouped(per_article[article])} exceed "
                f"{format_fen_grouped(limit)} a year",
                f"第{_ZH_ARTICLE[article]}条承诺事项合计 {format_fen_grouped(per_article[article])} "
                f"超过每年 {format_fen_grouped(limit)}",
            )
    return tuple(result)


_ZH_ARTICLE = {"12": "十二", "13": "十三"}


def _parse_applicants(raw: object) -> ApplicantTable:
    if not isinstance(raw, list):
        raise _fail("applicants", "must be a list", "必须是列表")
    n = len(raw)
    ids: list[str] = []
    names: list[str] = []
    seen: set[str] = set()
    entity: list[int] = []
    money: dict[str, list[int]] = {name: [0] * n for name in (*MONEY_FIELDS, "total_sales", "parcels")}
    demo_national: list[int] = []
    demo_provincial: list[int] = []
    flags: dict[str, list[bool]] = {name: [default] * n for name, default in FLAG_FIELDS}
    banned_until: list[int] = []
    entity_codes = {name: code for code, name in enumerate(ENTITY_TYPES)}
    allowed = APPLICANT_FIELDS

    for index, item in enumerate(raw):
        position = index + 1
        if not isinstance(item, dict):
            raise _fail(
                "applicants",
                f"entry no. {position} must be a JSON object",
                f"第 {position} 个申请人必须是 JSON 对象",
            )
        applicant_id = item.get("id")
        if not isinstance(applicant_id, str) or not applicant_id.strip():
            raise _fail(
                "id",
                f"is required and must be a non-empty string (got {applicant_id!r})",
                f"必填且必须是非空字符串（{applicant_id!r}）",
                None,
                position,
            )
        if applicant_id in seen:
            raise _fail("id", "duplicate id", "申请人编号重复", applicant_id, position)
        seen.add(applicant_id)
        if not allowed.issuperset(item):
            unknown = sorted(set(item) - allowed)[0]
            raise _fail(unknown, "unknown field", "未知字段", applicant_id, position)
        ids.append(applicant_id)

        name = item.get("name", "")
        if not isinstance(name, str):
            raise _fail("name", "must be a string", "必须是字符串", applicant_id, position)
        names.append(name)

        kind = item.get("entity_type", "enterprise")
        code = entity_codes.get(kind) if isinstance(kind, str) else None
        if code is None:
            raise _fail(
                "entity_type",
                f"unknown entity type {kind!r} (allowed: {', '.join(ENTITY_TYPES)})",
                f"未知的主体类型 {kind!r}（可选：{'、'.join(ENTITY_TYPES)}）",
                applicant_id,
                position,
            )
        entity.append(code)

        # Only the fields present are read: most applicants claim few lines.
        for field, value in item.items():
            kind = _FIELD_KINDS.get(field)
            if kind is _MONEY:
                fen = simple_fen(value) if type(value) is str else None  # inline fast path (hot loop)
                money[field][index] = fen if fen is not None else _money(value, field, applicant_id, position)
            elif kind is _FLAG:
                if value is not True and value is not False:
                    raise _fail(
                        field,
                        f"must be true or false (got {value!r})",
                        f"必须是 true 或 false（{value!r}）",
                        applicant_id,
                        position,
                    )
                flags[field][index] = value
            elif kind is _COUNT:
                try:
                    money[field][index] = parse_count(value)
                except MoneyError as exc:
                    raise _fail(field, exc.en, exc.zh, applicant_id, position) from None
        if "total_sales" not in item:
            money["total_sales"][index] = money["online_sales"][index]

        banned = item.get("banned_until")
        banned_until.append(
            0 if banned is None else _date(banned, "banned_until", applicant_id, position).toordinal()
        )

        if "demonstrations" in item:
            national, provincial = _parse_demonstrations(item["demonstrations"], applicant_id, position)
        else:
            national = provincial = NO_SELECTION
        demo_national.append(national)
        demo_provincial.append(provincial)

    def ints(values: list[int]) -> IntArray:
        return np.array(values, dtype=np.int64) if n else np.zeros(0, dtype=np.int64)

    def bools(values: list[bool]) -> BoolArray:
        return np.array(values, dtype=np.bool_) if n else np.zeros(0, dtype=np.bool_)

    return ApplicantTable(
        ids=ids,
        names=names,
        entity_type=np.array(entity, dtype=np.int8),
        online_sales=ints(money["online_sales"]),
        total_sales=ints(money["total_sales"]),
        loan_interest_paid=ints(money["loan_interest_paid"]),
        promotion_fees=ints(money["promotion_fees"]),
        inland_warehouse_rent=ints(money["inland_warehouse_rent"]),
        parcels=ints(money["parcels"]),
        demo_national=ints(demo_national),
        demo_provincial=ints(demo_provincial),
        local_brand_seller=bools(flags["local_brand_seller"]),
        local_product_seller=bools(flags["local_product_seller"]),
        registered_in_jurisdiction=bools(flags["registered_in_jurisdiction"]),
        credit_or_tax_violation_3y=bools(flags["credit_or_tax_violation_3y"]),
        false_material_3y=bools(flags["false_material_3y"]),
        statistics_reported=bools(flags["statistics_reported"]),
        major_incident=bools(flags["major_incident"]),
        four_above_reward=bools(flags["four_above_reward"]),
        banned_until=ints(banned_until),
    )


def _parse_demonstrations(raw: object, applicant_id: str, position: int) -> tuple[int, int]:
    """Art. 9 selections: the largest first-time request per level (one award per level)."""
    if not isinstance(raw, list):
        raise _fail("demonstrations", "must be a list", "必须是列表", applicant_id, position)
    best = {level: NO_SELECTION for level in DEMONSTRATION_LEVELS}
    for number, entry in enumerate(raw, start=1):
        field = f"demonstrations[{number}]"
        if not isinstance(entry, dict):
            raise _fail(field, "must be a JSON object", "必须是 JSON 对象", applicant_id, position)
        unknown = sorted(set(entry) - DEMONSTRATION_FIELDS)
        if unknown:
            raise _fail(f"{field}.{unknown[0]}", "unknown field", "未知字段", applicant_id, position)
        level = entry.get("level")
        level = LEVEL_ALIASES.get(level, level) if isinstance(level, str) else level
        if level not in DEMONSTRATION_LEVELS:
            raise _fail(
                f"{field}.level",
                f"unknown level {entry.get('level')!r} (allowed: national, provincial)",
                f"未知的示范级别 {entry.get('level')!r}（可选：national、provincial）",
                applicant_id,
                position,
            )
        first_time = entry.get("first_time", True)
        if not isinstance(first_time, bool):
            raise _fail(
                f"{field}.first_time",
                f"must be true or false (got {first_time!r})",
                f"必须是 true 或 false（{first_time!r}）",
                applicant_id,
                position,
            )
        if "amount" not in entry:
            amount = AMOUNT_UP_TO_CAP
        else:
            amount = _money(entry["amount"], f"{field}.amount", applicant_id, position)
        if first_time:
            best[level] = max(best[level], amount)
    return best["national"], best["provincial"]
