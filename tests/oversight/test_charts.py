"""The SVG charts: accessible, scalable, no script or inline style, escaped text, drawn from the rows."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # our own markup, not untrusted input
from decimal import Decimal

import pytest

from alarfund.oversight import charts, tables
from alarfund.oversight.tables import Chart, Column, Table

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - markup this test generated


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


@pytest.mark.parametrize("draw", [charts.horizontal_bars, charts.bars, charts.stacked_bars])
def test_every_chart_is_an_accessible_scalable_image(draw) -> None:
    series = [
        charts.Series("已核定", [Decimal("100"), Decimal("50")]),
        charts.Series("应得", [Decimal("80"), None]),
    ]
    svg = str(draw("标题 <b>&", ["第五条", "<script>x</script>"], series, money))
    root = parse(svg)  # well-formed XML: every text is escaped
    assert root.get("role") == "img" and root.get("width") == "100%"
    assert root.get("viewBox", "").startswith("0 0 400 ")
    assert root.get("aria-label") == "标题 <b>&"
    title = root.find(f"{NS}title")
    assert title is not None and title.text == "标题 <b>&"
    assert root.get("aria-labelledby", "").split()[0] == title.get("id")
    assert (
        "<script" not in svg and not re.search(r"\sstyle\s*=", svg) and not re.search(r"\son[a-z]+\s*=", svg)
    )
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "<script>x</script>" in texts  # escaped in the markup, intact as text
    description = root.find(f"{NS}desc")
    assert description is not None and "100.00" in description.text


def test_horizontal_bars_are_proportional_to_the_values() -> None:
    svg = str(
        charts.horizontal_bars("t", ["a", "b"], [charts.Series("s", [Decimal("200"), Decimal("50")])], money)
    )
    widths = [Decimal(r.get("width")) for r in parse(svg).iter(f"{NS}rect")]
    assert widths[0] == 4 * widths[1] > 0
    assert "200.00" in svg and "50.00" in svg


def test_stacked_bars_show_the_total_of_each_bar() -> None:
    svg = str(charts.stacked_bars("t", ["x"], [charts.Series("a", [3]), charts.Series("b", [4])], str))
    assert [t.text for t in parse(svg).iter(f"{NS}text") if t.text == "7"]


def test_a_table_chart_uses_the_same_rows_as_the_table() -> None:
    table = Table(
        "k",
        "每条",
        [Column("line", "条款"), Column("amount", "金额", tables.MONEY)],
        [{"line": "第七条", "amount": Decimal("1234.5")}, {"line": "第八条", "amount": Decimal("10")}],
        chart=Chart("hbar", ("amount",)),
    )
    svg = str(table.svg())
    assert table.body == [["第七条", "1,234.50"], ["第八条", "10.00"]]
    for category, value in table.body:
        assert f">{category}<" in svg and f">{value}<" in svg
    assert Table("e", "空", table.columns, [], chart=table.chart).svg() is None
