"""Money and line labels in templates: fen and Decimal yuan, grouped with two decimals."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

from alarfund.policy.money import format_fen_grouped
from alarfund.rounds.call import LINE_TITLES

register = template.Library()


@register.filter
def fen(value: Any) -> str:
    """12345600 (fen) -> '123,456.00'."""
    try:
        return format_fen_grouped(int(value))
    except (TypeError, ValueError):
        return ""


@register.filter
def yuan(value: Any) -> str:
    """Decimal('123456') -> '123,456.00'."""
    if value in (None, ""):
        return ""
    try:
        return f"{Decimal(value):,.2f}"
    except ArithmeticError:
        return str(value)


@register.filter
def line_title(line: Any) -> str:
    return str(LINE_TITLES.get(str(line), line))


_ARTICLE = re.compile(r"^(\d+)(?:\((.+)\))?$")


@register.filter
def article_ref(article: Any) -> str:
    """'16(二)' -> '第十六条（二）' in Chinese, 'Art. 16(2)' in English."""
    import cn2an

    match = _ARTICLE.match(str(article))
    if match is None:
        return str(article)
    number, item = match.groups()
    if (get_language() or "zh-hans").startswith("zh"):
        return f"第{cn2an.an2cn(number)}条" + (f"（{item}）" if item else "")
    if item and not item.isdigit():
        try:
            item = str(cn2an.cn2an(item, "strict"))
        except ValueError:
            pass
    return f"Art. {number}" + (f"({item})" if item else "")


@register.filter
def status_label(code: Any) -> str:
    """An application status code as its translated label (snapshots keep codes)."""
    from alarfund.applications.models import ApplicationStatus

    return str(ApplicationStatus(code).label) if code in ApplicationStatus.values else str(code)


@register.filter
def level_label(code: Any) -> str:
    """An Art. 9 demonstration level code as its translated label."""
    from alarfund.applications.models import DemonstrationLevel

    return str(DemonstrationLevel(code).label) if code in DemonstrationLevel.values else str(code)
