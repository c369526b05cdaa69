"""Finding and launching the browser of the end-to-end tests (docs/e2e.md, docs/adr/0016).

Playwright drives Debian's chromium (``apt-get install chromium``), never a browser of its own download.
Where it is not found, a developer's run skips the end-to-end tests with the reason; a CI run
(``CI=true``) fails instead, so that a CI machine without a browser never passes by skipping them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CHROMIUM = "/usr/bin/chromium"
#: Exactly the flags the issue gives: headless, no sandbox (containers), and nothing that phones home.
LAUNCH_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
INSTALL_HINT = "install it with `apt-get install -y chromium`, or set ALARFUND_CHROMIUM to its path"


@dataclass(frozen=True)
class Found:
    """Where the browser is (``path``), or why it cannot be used (``problem``)."""

    path: str = ""
    problem: str = ""


def on_ci(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def find_chromium(environ: Mapping[str, str] = os.environ) -> Found:
    """``ALARFUND_CHROMIUM`` if set, else ``/usr/bin/chromium``; it must be an executable file."""
    path = environ.get("ALARFUND_CHROMIUM", "").strip() or DEFAULT_CHROMIUM
    candidate = Path(path)
    if not candidate.is_file() or not os.access(candidate, os.X_OK):
        return Found(problem=f"no chromium at {path}: {INSTALL_HINT}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return Found(problem="the playwright package is not installed (dev extra of pyproject.toml)")
    return Found(path=str(candidate))


def cjk_font_missing() -> bool:
    """True when fontconfig knows no Chinese font (the screenshots would show empty boxes)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False  # cannot tell; the browser may still have one
    result = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return result.returncode == 0 and not result.stdout.strip()


def verdict(found: Found, environ: Mapping[str, str] = os.environ) -> tuple[str, str]:
    """What to do: ("run", path), ("skip", reason) on a developer machine, ("fail", reason) on CI."""
    if found.path:
        return "run", found.path
    reason = f"end-to-end tests need a browser: {found.problem}"
    if on_ci(environ):
        return "fail", f"{reason} (CI=true: a missing browser is a failure, not a skip)"
    return "skip", reason
