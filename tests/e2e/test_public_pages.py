"""What the public sees, in a real browser: the home page, the call for applications, the calculator and
the sign-in and registration pages — Chinese, titled, labelled, and usable at 375 px."""

from __future__ import annotations

from typing import Any

import pytest

from tests.applications.helpers import make_round

from .pages import zh

pytestmark = pytest.mark.e2e


def test_the_public_pages(person: Any, make_user: Any) -> None:
    from alarfund.accounts.choices import Role

    round_ = make_round(make_user(Role.BUREAU_OFFICER))
    visitor = person("访客")
    visitor.goto("/")
    visitor.sees(zh("Commerce Bureau"))
    visitor.goto("/rounds/")
    visitor.follow(visitor.link(zh("Call for applications for the sales year %(year)s", year=2025)))
    assert visitor.page.url.endswith(f"/rounds/{round_.pk}/")
    visitor.shoot("public-call")
    visitor.goto("/calculator/")
    visitor.heading(zh("Policy calculator"))
    visitor.page.get_by_label(zh("Online sales in the sales year (yuan)")).fill("1,500,000")
    visitor.page.get_by_role("button", name=zh("Calculate")).click()  # htmx: the result replaces the form
    result = visitor.page.get_by_role(
        "heading", name=zh("Result for the sales year %(sales_year)s", sales_year=2025)
    )
    result.wait_for()
    visitor.sees("50,000.00")
    visitor.check()
    visitor.shoot("public-calculator")
    visitor.goto("/accounts/login/")
    visitor.heading(zh("Sign in"))
    visitor.follow(visitor.link(zh("Register your organisation")))
    visitor.heading(zh("Register your organisation"))
    assert len(visitor.checked) == 7
