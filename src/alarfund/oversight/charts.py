"""Server-side SVG charts: bar, stacked bar and horizontal bar, drawn from a table's own rows.

No script, no CDN, no `style=` (the CSP allows neither inline script nor inline style): geometry and
colours are SVG presentation attributes. Each chart is an image with a title and a description
(`role="img"`, `aria-labelledby`), prints its values as text next to the bars, and scales with its
`viewBox` to the width of its column (100 %), so it reads on a 375 px phone. All text is escaped.
Coordinates are computed with Decimal like the amounts they show, and written with one decimal.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: Colours distinguishable with the common colour-vision deficiencies (Okabe–Ito), on white.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9")
WIDTH = 400
FONT = 13
INK = "#1d2530"
MUTED = "#5b6675"
GRID = "#d8dde4"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[Decimal | int | None]


def _n(value: Decimal | int | float) -> str:
    """A coordinate with one decimal."""
    return f"{Decimal(str(value)).quantize(Decimal('0.1'))}"


def _text(x: Decimal | int, y: Decimal | int, content: str, *, anchor: str = "start", fill: str = INK) -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{FONT}" fill="{fill}" text-anchor="{anchor}">'
        f"{escape(content)}</text>"
    )


def _value(value: Decimal | int | None) -> Decimal:
    return Decimal(value) if value is not None else Decimal(0)


def _open(height: Decimal | int, title: str, description: str) -> tuple[str, str]:
    ident = f"chart-{uuid.uuid4().hex[:10]}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" viewBox="0 0 {WIDTH} {_n(height)}" '
        f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}" '
        f'aria-labelledby="{ident}-t {ident}-d" focusable="false">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(description)}</desc>'
    )
    return head, "</svg>"


def _legend(series: Sequence[Series], top: int) -> tuple[list[str], int]:
    """One line per series (a swatch and its name); returns the parts and the height used."""
    if len(series) < 2:
        return [], 0
    parts = []
    for i, item in enumerate(series):
        y = top + i * (FONT + 6)
        parts.append(f'<rect x="0" y="{y}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(_text(18, y + 11, item.label))
    return parts, len(series) * (FONT + 6) + 6


def _describe(categories: Sequence[str], series: Sequence[Series], fmt: Callable[[Decimal], str]) -> str:
    bits = []
    for i, category in enumerate(categories):
        values = ", ".join(f"{s.label} {fmt(_value(s.values[i]))}" for s in series)
        bits.append(f"{category}: {values}")
    return "; ".join(bits)


def horizontal_bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[Decimal], str],
    *,
    scale_max: Decimal | None = None,
) -> SafeString:
    """A bar per category and series, left to right; the category's name above its bars."""
    legend, top = _legend(series, 0)
    bar, gap, label_room = 16, 12, FONT + 6
    values_room = 110
    largest = scale_max or max([_value(v) for s in series for v in s.values] + [Decimal(0)])
    usable = Decimal(WIDTH - values_room)
    parts = list(legend)
    y = Decimal(top)
    for i, category in enumerate(categories):
        parts.append(_text(0, y + FONT, category))
        y += label_room
        for k, item in enumerate(series):
            value = _value(item.values[i])
            length = usable * value / largest if largest > 0 and value > 0 else Decimal(0)
            colour = PALETTE[k % len(PALETTE)]
            parts.append(
                f'<rect x="0" y="{_n(y)}" width="{_n(length)}" height="{bar}" fill="{colour}">'
                f"<title>{escape(f'{category} · {item.label}: {fmt(value)}')}</title></rect>"
            )
            parts.append(_text(length + 4, y + bar - 3, fmt(value), fill=MUTED))
            y += bar + 2
        y += gap
    head, tail = _open(max(y, Decimal(20)), title, _describe(categories, series, fmt))
    return mark_safe(head + "".join(parts) + tail)  # noqa: S308 - every text part is escaped above


def _vertical(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[Decimal], str],
    *,
    stacked: bool,
) -> SafeString:
    legend, top = _legend(series, 0)
    plot_top = top + FONT + 8  # room for the value above the tallest bar
    plot_height = Decimal(200)
    base = plot_top + plot_height
    slot = Decimal(WIDTH) / max(len(categories), 1)
    if stacked:
        heights = [sum((_value(s.values[i]) for s in series), Decimal(0)) for i in range(len(categories))]
    else:
        heights = [_value(v) for s in series for v in s.values]
    largest = max([*heights, Decimal(0)])
    per_group = 1 if stacked else len(series)
    bar_width = min(slot * Decimal("0.7") / per_group, Decimal(60))
    parts = list(legend)
    parts.append(f'<line x1="0" y1="{_n(base)}" x2="{WIDTH}" y2="{_n(base)}" stroke="{GRID}"/>')
    for i, category in enumerate(categories):
        left = slot * i + (slot - bar_width * per_group) / 2
        running = Decimal(0)
        for k, item in enumerate(series):
            value = _value(item.values[i])
            height = plot_height * value / largest if largest > 0 and value > 0 else Decimal(0)
            x = left if stacked else left + bar_width * k
            y = base - running - height
            parts.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(bar_width)}" height="{_n(height)}" '
                f'fill="{PALETTE[k % len(PALETTE)]}">'
                f"<title>{escape(f'{category} · {item.label}: {fmt(value)}')}</title></rect>"
            )
            if stacked:
                running += height
            else:
                parts.append(_text(x + bar_width / 2, y - 4, fmt(value), anchor="middle", fill=MUTED))
        if stacked:
            total = sum((_value(s.values[i]) for s in series), Decimal(0))
            parts.append(
                _text(left + bar_width / 2, base - running - 4, fmt(total), anchor="middle", fill=MUTED)
            )
        parts.append(_text(slot * i + slot / 2, base + FONT + 4, category, anchor="middle"))
    head, tail = _open(base + FONT + 10, title, _describe(categories, series, fmt))
    return mark_safe(head + "".join(parts) + tail)  # noqa: S308 - every text part is escaped above


def bars(
    title: str, categories: Sequence[str], series: Sequence[Series], fmt: Callable[[Decimal], str]
) -> SafeString:
    """Vertical bars, grouped side by side where there are several series (short category names)."""
    return _vertical(title, categories, series, fmt, stacked=False)


def stacked_bars(
    title: str, categories: Sequence[str], series: Sequence[Series], fmt: Callable[[Decimal], str]
) -> SafeString:
    """Vertical bars whose series add up: each bar is the category's total, split by series."""
    return _vertical(title, categories, series, fmt, stacked=True)
