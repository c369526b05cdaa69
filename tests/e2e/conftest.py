"""Fixtures of the end-to-end tests: the browser (found, or a visible skip; a failure on CI), the live
server on the test database, and the people of a round, each in a browser context of their own.

The live server is pytest-django's ``live_server``: it serves the test database (SQLite in memory or
PostgreSQL) from a thread of this process, so the tests use ``transactional_db`` (a real commit is
needed for the server to see the test's rows and the other way round) and the settings fixtures of
tests/conftest.py (the private documents folder) apply to the server too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from alarfund.accounts.choices import Department, Role
from tests.conftest import PASSWORD, totp_device

from .browser import LAUNCH_ARGS, cjk_font_missing, find_chromium, on_ci, verdict


@pytest.fixture(scope="session")
def chromium_path() -> str:
    action, detail = verdict(find_chromium())
    if action == "fail":
        pytest.fail(detail, pytrace=False)
    if action == "skip":
        pytest.skip(detail)
    if on_ci() and cjk_font_missing():
        pytest.fail(
            "no Chinese font: the screenshots would show empty boxes "
            "(install one with `apt-get install -y fonts-wqy-zenhei`)",
            pytrace=False,
        )
    return detail


@pytest.fixture
def browser(chromium_path: str, live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Chromium, for one test. Playwright's sync API runs an event loop in this thread, so Django's
    guard against ORM calls from async code is lifted while it runs (the calls here are synchronous:
    reading a TOTP device, checking an outcome). It stops before the database is flushed."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=list(LAUNCH_ARGS))
        try:
            yield launched
        finally:
            launched.close()
            # While Playwright's loop runs, Django keeps this thread's connections apart (as for async
            # code): close the ones opened meanwhile, or they outlive the test database.
            connections.close_all()


@pytest.fixture(scope="session")
def album() -> Any:
    """The run's screenshots: the folder is emptied once, at the start of the run."""
    from .pages import Album

    shots = Album()
    shots.clear()
    return shots


@pytest.fixture
def person(browser: Any, live_server: Any, album: Any) -> Iterator[Callable[[str], Any]]:
    """``person("企业甲")``: a new browser context (its own cookies), Chinese and in China's time zone."""
    from .pages import Person

    contexts: list[Any] = []

    def make(name: str) -> Any:
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return Person(name, context, live_server.url, album)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def staff(make_user: Callable[..., Any]) -> dict[str, Any]:
    """One user per staff role of the round, each with a confirmed authenticator (TOTP)."""
    people = {
        "officer": make_user(Role.BUREAU_OFFICER, username="shangwu-zhang", full_name="张商务"),
        "association": make_user(Role.ASSOCIATION_REVIEWER, username="xiehui-li", full_name="李协会"),
        "auditor": make_user(
            Role.AUDITOR, username="shenji-wang", full_name="王审计", affiliation="阿拉尔信达会计师事务所"
        ),
        "statistics": make_user(
            Role.DEPARTMENT_OFFICER,
            username="tongji-zhao",
            full_name="赵统计",
            department=Department.STATISTICS,
        ),
        "tax": make_user(
            Role.DEPARTMENT_OFFICER, username="shuiwu-qian", full_name="钱税务", department=Department.TAX
        ),
        "market": make_user(
            Role.DEPARTMENT_OFFICER,
            username="shichang-sun",
            full_name="孙市场",
            department=Department.MARKET_REGULATION,
        ),
        "approver": make_user(Role.BUREAU_APPROVER, username="shangwu-zhou", full_name="周局长"),
        "finance": make_user(Role.FINANCE_OFFICER, username="caizheng-wu", full_name="吴财政"),
        "admin": make_user(Role.ADMINISTRATOR, username="xitong-zheng", full_name="郑系统"),
    }
    for user in people.values():
        totp_device(user)
    return people


@pytest.fixture
def password() -> str:
    return PASSWORD
