"""The major Chinese carriers' tracking-number formats, and their names as lists write them.

These are *common patterns*, as printed on waybills and described by the carriers' customer-service
pages and courier-lookup services; carriers do not publish binding specifications and change formats
now and then. So a number that fits no pattern is **flagged for a look, never refused** (it still
counts), and a number that does not fit the courier named in its row is flagged the same way. The
patterns apply to the normalised number (upper case, no spaces or hyphens, see ``normalise.py``).
A digits-only number often fits several carriers (e.g. 12–15 digits); the order below decides which
one is reported when the row names no courier.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

#: code → (label, pattern). Order matters for the guess: specific prefixes first.
CARRIERS: dict[str, tuple[object, str]] = {
    "SF": (_("SF Express (顺丰)"), r"SF\d{12,13}"),
    "YTO": (_("YTO Express (圆通)"), r"YT\d{13}"),
    "JT": (_("J&T Express (极兔)"), r"JT\d{13}"),
    "JD": (_("JD Logistics (京东)"), r"JD[A-Z]{0,2}\d{10,15}"),
    "DEPPON": (_("Deppon (德邦)"), r"DPK\d{12}"),
    # UPU S10 item numbers: E…CN are EMS, the other letters China Post (registered, parcels, packets).
    "EMS": (_("EMS (邮政速递)"), r"E[A-Z]\d{9}CN|1\d{12}"),
    "POST": (_("China Post (中国邮政)"), r"[A-DF-Z][A-Z]\d{9}CN|9\d{12}"),
    "STO": (_("STO Express (申通)"), r"77\d{10,13}|268\d{9}"),
    "ZTO": (_("ZTO Express (中通)"), r"[75]\d{11,14}"),
    "YUNDA": (_("Yunda Express (韵达)"), r"\d{12,15}"),
}
CARRIER_LABELS = {code: label for code, (label, _pattern) in CARRIERS.items()}
PATTERNS = {code: re.compile(pattern) for code, (_label, pattern) in CARRIERS.items()}
#: One pass for the guess: the first alternative that matches names the carrier.
ANY_CARRIER = re.compile("|".join(f"(?P<{code}>{pattern})" for code, (_label, pattern) in CARRIERS.items()))

#: How the courier column names them (compared after removing spaces, case-insensitive).
COURIER_NAMES: dict[str, tuple[str, ...]] = {
    "SF": ("顺丰", "顺丰速运", "顺丰快递", "顺丰速递", "sf", "sfexpress", "sf express"),
    "YTO": ("圆通", "圆通速递", "圆通快递", "yto", "ytoexpress", "yt"),
    "JT": (
        "极兔",
        "极兔速递",
        "极兔快递",
        "j&t",
        "jt",
        "j&texpress",
        "jtexpress",
        "百世",
        "百世快递",
        "百世汇通",
    ),
    "JD": ("京东", "京东物流", "京东快递", "jd", "jdl", "jdlogistics"),
    "DEPPON": ("德邦", "德邦快递", "德邦物流", "deppon", "dbl"),
    "EMS": ("ems", "邮政ems", "中国邮政ems", "邮政速递", "中国邮政速递", "邮政特快专递"),
    "POST": ("邮政", "中国邮政", "邮政包裹", "邮政快递包裹", "邮政小包", "chinapost", "china post"),
    "STO": ("申通", "申通快递", "sto", "stoexpress"),
    "ZTO": ("中通", "中通快递", "zto", "ztoexpress"),
    "YUNDA": ("韵达", "韵达快递", "韵达速递", "yunda", "yd"),
}
_BY_NAME = {name.replace(" ", ""): code for code, names in COURIER_NAMES.items() for name in names}
_SUBSTRINGS = (
    ("ems", "EMS"),
    ("顺丰", "SF"),
    ("圆通", "YTO"),
    ("极兔", "JT"),
    ("京东", "JD"),
    ("德邦", "DEPPON"),
    ("邮政", "POST"),
    ("申通", "STO"),
    ("中通", "ZTO"),
    ("韵达", "YUNDA"),
)


def courier_code(text: str) -> str:
    """The carrier code a courier cell names, or "" if it names none we know."""
    key = text.strip().lower().replace(" ", "").replace("\u3000", "")
    if not key:
        return ""
    code = _BY_NAME.get(key)
    if code:
        return code
    for part, found in _SUBSTRINGS:
        if part in key:
            return found
    return ""


def guess(number: str) -> str:
    """The first carrier whose pattern the normalised number fits, or ""."""
    match = ANY_CARRIER.fullmatch(number)
    return match.lastgroup or "" if match else ""


def fits(number: str, code: str) -> bool:
    pattern = PATTERNS.get(code)
    return pattern is not None and pattern.fullmatch(number) is not None
