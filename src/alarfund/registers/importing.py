"""Reading a register spreadsheet (CSV or XLSX) into rows of raw values, with their row numbers.

The file has already passed the evidence checks (content sniffing, zip-bomb limits). The first non-empty
row is the header; columns are recognised by their code (``uscc``) or their Chinese or English heading
(``统一社会信用代码``, ``Unified social credit code``). Values are returned as read; `entries.clean_entry`
validates each row.
"""

from __future__ import annotations

from typing import IO, Any

from alarfund.spreadsheets import read_cells

from .models import Category, Register

#: Heading → field. Codes, Chinese and English headings are all accepted (case and spaces ignored).
HEADINGS: dict[str, str] = {}
_ALIASES = {
    "register": ("register", "登记簿", "名录", "类别（名录）", "register name"),
    "category": ("category", "类型", "情形", "具体情形"),
    "uscc": ("uscc", "统一社会信用代码", "信用代码", "unified social credit code", "credit code"),
    "name": ("name", "企业名称", "名称", "enterprise name", "enterprise"),
    "occurred_on": (
        "occurred_on",
        "日期",
        "认定日期",
        "记录日期",
        "发生日期",
        "date",
        "date of the finding or record",
    ),
    "end_date": ("end_date", "截止日期", "禁止享受截止日期", "ban ends on", "end date"),
    "year": ("year", "年度", "奖励年度", "reward year"),
    "source_reference": (
        "source_reference",
        "来源文件",
        "文号",
        "来源文件（文号）",
        "source",
        "source document",
        "source document (reference)",
    ),
    "description": ("description", "说明", "备注", "notes"),
}
for _field, _names in _ALIASES.items():
    for _name in _names:
        HEADINGS["".join(_name.lower().split())] = _field

#: Chinese and English names of registers and categories, besides their codes.
_REGISTER_NAMES: dict[str, tuple[str, ...]] = {
    Register.BAN: ("禁止享受", "禁止享受名单", "弄虚作假禁止享受", "ban", "bans"),
    Register.CREDIT_TAX: ("失信和税收违法", "失信", "税收违法", "credit", "credit_tax"),
    Register.FALSE_MATERIAL: ("虚假材料", "提供虚假材料", "false material"),
    Register.MAJOR_INCIDENT: ("重大事故和偷税漏税", "重大事故", "major incident"),
    Register.FOUR_ABOVE: ("四上企业奖励", "四上企业", "四上", "four above", "four-above"),
}
_CATEGORY_NAMES: dict[str, tuple[str, ...]] = {
    Category.FRAUD: ("弄虚作假套取骗取资金", "弄虚作假"),
    Category.DISHONESTY: ("失信", "失信记录", "失信被执行人"),
    Category.TAX_VIOLATION: ("税收违法", "税收违法案件"),
    Category.FALSE_MATERIAL: ("虚假材料", "提供虚假材料"),
    Category.SAFETY_ACCIDENT: ("安全生产事故", "安全生产"),
    Category.FOOD_SAFETY: ("食品安全事故", "食品安全"),
    Category.ENVIRONMENT: ("环境污染事故", "环境污染"),
    Category.TAX_EVASION: ("偷税漏税", "偷税漏税立案查处"),
    Category.MASS_INCIDENT: ("重大群体性事件", "群体性事件"),
    Category.FOUR_ABOVE: ("四上企业奖励", "四上"),
}
MAX_ROWS = 5000  # one import; larger lists are split (a processing bound, not a policy value)


def _key(text: Any) -> str:
    return "".join(str(text or "").lower().split())


def _lookup(names: dict[str, tuple[str, ...]], labels: dict[str, Any]) -> dict[str, str]:
    table = {}
    for code, aliases in names.items():
        for alias in (code, *aliases, str(labels[code])):
            table[_key(alias)] = code
    return table


def register_code(value: Any) -> str:
    """The register's code for a cell (its code, a Chinese or English name); the text itself if unknown."""
    table = _lookup(_REGISTER_NAMES, {c: Register(c).label for c in Register.values})
    return table.get(_key(value), str(value or "").strip())


def category_code(value: Any) -> str:
    table = _lookup(_CATEGORY_NAMES, {c: Category(c).label for c in Category.values})
    return table.get(_key(value), str(value or "").strip())


class SheetError(ValueError):
    """The sheet cannot be read at all (no header, unknown columns, too many rows)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def read_rows(kind: str, content: IO[bytes], content_type: str = "") -> list[tuple[int, dict[str, Any]]]:
    """(row number as the spreadsheet shows it, {field: raw value}) for every non-empty data row."""
    header: list[str | None] | None = None
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, cells in enumerate(read_cells(kind, content, content_type), start=1):
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        if header is None:
            header = [HEADINGS.get(_key(cell)) for cell in cells]
            unknown = [str(cell) for cell, field in zip(cells, header, strict=True) if field is None and cell]
            if unknown:
                raise SheetError("unknown_columns", ", ".join(unknown))
            missing = {"register", "uscc", "name"} - {f for f in header if f}
            if missing:
                raise SheetError("missing_columns", ", ".join(sorted(missing)))
            continue
        if len(rows) >= MAX_ROWS:
            raise SheetError("too_many_rows", str(MAX_ROWS))
        values: dict[str, Any] = {}
        for field, cell in zip(header, cells, strict=False):
            if field is not None:
                values[field] = cell.strip() if isinstance(cell, str) else cell
        if len(cells) > len(header) and any(c is not None and str(c).strip() for c in cells[len(header) :]):
            values["__extra__"] = True
        values["register"] = register_code(values.get("register"))
        values["category"] = category_code(values.get("category"))
        rows.append((number, values))
    if header is None:
        raise SheetError("empty")
    return rows
