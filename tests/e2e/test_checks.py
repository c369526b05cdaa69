"""The accessibility smoke checks themselves, in the browser: they pass a good page and catch each fault."""

from __future__ import annotations

from typing import Any

import pytest

from .pages import PHONE, a11y_smoke

pytestmark = pytest.mark.e2e

GOOD = """<!doctype html><html lang="zh-Hans"><head><title>申报 · 阿拉尔电商资金</title></head><body>
<label for="a">名称</label><input id="a"><label><input type="checkbox"> 同意</label>
<input aria-label="搜索"><span id="l">金额</span><select aria-labelledby="l"><option>1</option></select>
<input type="hidden" name="csrf"><input type="submit" value="提交"><details><summary>更多</summary><input></details>
<div style="overflow-x:auto"><table><tr><td style="min-width:900px">宽表格</td></tr></table></div>
</body></html>"""


FAULTS = {
    "no title": GOOD.replace("<title>申报 · 阿拉尔电商资金</title>", "<title> · 阿拉尔电商资金</title>"),
    "not a Chinese page": GOOD.replace('lang="zh-Hans"', 'lang="en"'),
    "without an accessible label": GOOD.replace('<label for="a">名称</label>', ""),
    "without an accessible label: .*aria-label": GOOD.replace('aria-label="搜索"', 'aria-label=" "'),
    "without an accessible label: .*aria-labelledby": GOOD.replace('<span id="l">金额</span>', ""),
    "scrolls horizontally": GOOD.replace("</body>", '<div style="width:600px">太宽</div></body>'),
}


def test_a_good_page_passes_and_each_fault_is_caught(browser: Any) -> None:
    """One browser for all the cases (launching one per case would cost more than the checks)."""
    context = browser.new_context()
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.set_content(GOOD)
    a11y_smoke(page)
    for message, fault in FAULTS.items():
        page.set_content(fault)
        with pytest.raises(AssertionError, match=message):
            a11y_smoke(page)
        assert page.viewport_size != PHONE  # the check puts the width back
    context.close()
