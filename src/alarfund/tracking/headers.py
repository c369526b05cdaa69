"""Finding the columns of a list by their headers, in Chinese or English.

The header row is the first of the first ``SCAN_ROWS`` rows that names a tracking-number column (lists
often start with a title line or two). Headers are compared after removing spaces, punctuation such as
``*``, ``:`` and brackets, and case. Exact names first; then, for cells of at most 12 characters, a few safe substrings (``运单`` but never
``订单``: an order number is not a tracking number).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

NUMBER = "number"
COURIER = "courier"
SHIP_DATE = "ship_date"

SCAN_ROWS = 30
#: Longer cells are titles or notes, not headers (exact names still match).
MAX_HEADER = 12

EXACT: dict[str, tuple[str, ...]] = {
    NUMBER: (
        "快递单号",
        "运单号",
        "单号",
        "运单编号",
        "快递运单号",
        "物流单号",
        "物流运单号",
        "快递单号码",
        "运单号码",
        "邮件号",
        "邮件号码",
        "面单号",
        "快件单号",
        "包裹单号",
        "寄件单号",
        "trackingnumber",
        "trackingno",
        "trackingnum",
        "tracking",
        "trackingcode",
        "waybill",
        "waybillno",
        "waybillnumber",
        "awb",
        "awbno",
        "expressnumber",
        "expressno",
        "shipmentnumber",
    ),
    COURIER: (
        "快递公司",
        "承运商",
        "物流公司",
        "快递",
        "承运公司",
        "快递名称",
        "快递品牌",
        "物流商",
        "快递商",
        "承运人",
        "快递公司名称",
        "courier",
        "carrier",
        "couriercompany",
        "expresscompany",
        "logisticscompany",
        "shippingcompany",
        "shippingcarrier",
    ),
    SHIP_DATE: (
        "发货日期",
        "寄件日期",
        "发货时间",
        "寄件时间",
        "揽收日期",
        "揽收时间",
        "发件日期",
        "发件时间",
        "揽件时间",
        "揽件日期",
        "出库日期",
        "出库时间",
        "shipdate",
        "shippingdate",
        "shippeddate",
        "dateshipped",
        "dispatchdate",
        "shiptime",
        "shippingtime",
        "pickupdate",
    ),
}
_BY_NAME = {name: role for role, names in EXACT.items() for name in names}
_PUNCTUATION = re.compile(r"[\s\*:：_\-—()（）\[\]【】#.。/、]+")


def normalise_header(text: object) -> str:
    value = unicodedata.normalize("NFKC", str(text or ""))
    return _PUNCTUATION.sub("", value).lower()


def role_of(text: object) -> str | None:
    """Which column a header names: NUMBER, COURIER, SHIP_DATE or None."""
    key = normalise_header(text)
    if not key:
        return None
    if key in _BY_NAME:
        return _BY_NAME[key]
    if "订单" in key or "order" in key or len(key) > MAX_HEADER:
        return None  # an order number, or a title line such as "…公司2025年快递单号明细"
    if "运单" in key or "快递单" in key or "tracking" in key or "waybill" in key or "物流单" in key:
        return NUMBER
    if ("快递" in key or "物流" in key) and ("公司" in key or "名称" in key):
        return COURIER
    if ("发货" in key or "寄件" in key or "揽收" in key) and ("日期" in key or "时间" in key):
        return SHIP_DATE
    return None


@dataclass
class Columns:
    """Positions (0-based) of the columns found in a header row, and the other columns' names."""

    number: int
    courier: int | None = None
    ship_date: int | None = None
    names: dict[str, str] = field(default_factory=dict)
    others: list[str] = field(default_factory=list)

    @property
    def needed(self) -> list[int]:
        """Positions read for every row: number, courier, ship date (those present), in that order."""
        return [p for p in (self.number, self.courier, self.ship_date) if p is not None]


def find_columns(cells: list[object]) -> Columns | None:
    """The columns named by one row, or None if it names no tracking-number column."""
    found: dict[str, int] = {}
    for position, cell in enumerate(cells):
        role = role_of(cell)
        if role and role not in found:
            found[role] = position
    if NUMBER not in found:
        return None
    used = set(found.values())
    others = [
        str(cell).strip()[:60]
        for position, cell in enumerate(cells)
        if position not in used and str(cell or "").strip()
    ]
    return Columns(
        number=found[NUMBER],
        courier=found.get(COURIER),
        ship_date=found.get(SHIP_DATE),
        names={role: str(cells[position]).strip()[:60] for role, position in found.items()},
        others=others[:100],
    )
