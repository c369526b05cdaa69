"""How the end-to-end tests find their browser: skipped with a reason on a developer machine, a
failure on CI. Plain unit tests (no browser needed), so they run in every suite."""

from __future__ import annotations

import stat
from pathlib import Path

from .browser import DEFAULT_CHROMIUM, LAUNCH_ARGS, Found, find_chromium, on_ci, verdict


def test_the_launch_flags_are_exactly_the_issues() -> None:
    assert LAUNCH_ARGS == (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    )


def test_alarfund_chromium_names_the_browser(tmp_path: Path) -> None:
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(browser.stat().st_mode | stat.S_IXUSR)
    assert find_chromium({"ALARFUND_CHROMIUM": str(browser)}) == Found(path=str(browser))


def test_a_missing_or_non_executable_browser_is_not_found(tmp_path: Path) -> None:
    missing = find_chromium({"ALARFUND_CHROMIUM": str(tmp_path / "nowhere")})
    assert not missing.path and "apt-get install -y chromium" in missing.problem
    plain = tmp_path / "chromium"
    plain.write_text("not a program")
    assert not find_chromium({"ALARFUND_CHROMIUM": str(plain)}).path


def test_the_default_is_debians_chromium() -> None:
    found = find_chromium({})
    assert found.path == DEFAULT_CHROMIUM or DEFAULT_CHROMIUM in found.problem


def test_a_developer_machine_skips_with_the_reason() -> None:
    action, reason = verdict(Found(problem="no chromium at /x"), {})
    assert action == "skip" and "no chromium at /x" in reason


def test_ci_fails_instead_of_skipping() -> None:
    for value in ("true", "TRUE", "1"):
        action, reason = verdict(Found(problem="no chromium at /x"), {"CI": value})
        assert action == "fail" and "CI=true" in reason
    assert not on_ci({"CI": "false"}) and not on_ci({})


def test_a_found_browser_runs() -> None:
    assert verdict(Found(path="/usr/bin/chromium"), {"CI": "true"}) == ("run", "/usr/bin/chromium")
