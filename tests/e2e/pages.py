"""Driving the platform's pages as one person: navigation that checks every page it lands on, sign-in
through the real password and TOTP pages, screenshots at two widths, and the accessibility smoke checks.

Every navigation of the end-to-end tests goes through :class:`Person` (``goto``, ``submit``,
``follow``), so every page visited gets :func:`a11y_smoke`; ``shoot`` saves the key pages.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import BrowserContext, Locator, Page, ViewportSize, expect

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e"
DESKTOP = ViewportSize(width=1280, height=800)
PHONE = ViewportSize(width=375, height=812)
CJK = re.compile(r"[\u4e00-\u9fff]")


def zh(msgid: str, **values: Any) -> str:
    """The page text for ``msgid`` in Simplified Chinese; fails if it has no Chinese translation."""
    with translation.override("zh-hans"):
        text = gettext(msgid)
    assert CJK.search(text), f"no Chinese translation for {msgid!r}"
    return text % values if values else text


def zh_of(text: Any) -> str:
    """A lazy translation (a TextChoices label, a material's label) as the Chinese page shows it."""
    with translation.override("zh-hans"):
        rendered = str(text)
    assert CJK.search(rendered), f"no Chinese translation for {text!r}"
    return rendered


# -- the accessibility smoke checks ---------------------------------------------------------------

UNLABELLED_CONTROLS = """() => {
  const skip = new Set(['hidden', 'submit', 'button', 'reset', 'image']);
  const named = (el) => {
    if ((el.getAttribute('aria-label') || '').trim()) return true;
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    if (ids.some((id) => (document.getElementById(id)?.textContent || '').trim())) return true;
    return Array.from(el.labels || []).some((label) => label.textContent.trim());
  };
  // checkVisibility also knows content that is not rendered, such as a closed <details>
  const shown = (el) => el.checkVisibility({checkVisibilityCSS: true, checkOpacity: false});
  return Array.from(document.querySelectorAll('input, select, textarea'))
    .filter((el) => !skip.has((el.getAttribute('type') || '').toLowerCase()))
    .filter((el) => shown(el) && !named(el))
    .map((el) => el.outerHTML.slice(0, 160));
}"""
HORIZONTAL_OVERFLOW = """() => {
  const width = window.innerWidth;
  const doc = document.documentElement;
  if (doc.scrollWidth <= width) return null;
  const wide = Array.from(document.querySelectorAll('body *'))
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => !el.closest('.table-wrap'))
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).replace(/\\s+/g, '.') : '')
      + ' right=' + Math.round(el.getBoundingClientRect().right));
  return {scrollWidth: doc.scrollWidth, innerWidth: width, widest: wide};
}"""


def a11y_smoke(page: Page) -> None:
    """A non-empty title, a label for every visible form control, no horizontal scrolling at 375 px."""
    where = page.url
    title = page.title().strip()
    assert title and not title.startswith("·"), f"{where}: the page has no title of its own ({title!r})"
    assert page.evaluate("document.documentElement.lang").startswith("zh"), f"{where}: not a Chinese page"
    unlabelled = page.evaluate(UNLABELLED_CONTROLS)
    assert not unlabelled, f"{where}: form controls without an accessible label: {unlabelled}"
    size = page.viewport_size or DESKTOP
    page.set_viewport_size(PHONE)
    try:
        overflow = page.evaluate(HORIZONTAL_OVERFLOW)
    finally:
        page.set_viewport_size(size)
    assert overflow is None, f"{where}: scrolls horizontally at 375 px: {overflow}"


# -- screenshots ------------------------------------------------------------------------------------


@dataclass
class Album:
    """The numbered screenshots of one run: ``artifacts/e2e/<nn>-<name>-desktop.png`` and ``-375.png``."""

    folder: Path = ARTIFACTS
    taken: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()

    def shoot(self, page: Page, name: str) -> None:
        stem = f"{len(self.taken) + 1:02d}-{name}"
        size = page.viewport_size or DESKTOP
        page.screenshot(path=str(self.folder / f"{stem}-desktop.png"), full_page=True)
        page.set_viewport_size(PHONE)
        try:
            page.screenshot(path=str(self.folder / f"{stem}-375.png"), full_page=True)
        finally:
            page.set_viewport_size(size)
        self.taken.append(stem)


# -- one person at the keyboard ---------------------------------------------------------------------


def totp_code(user: Any) -> str:
    """The code the person's authenticator app shows now (as `alarfund manage demo_totp` prints it).

    Codes work once: if this step's code was already used, wait for the next step."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    assert device is not None, f"{user.username} has no authenticator"
    step = int((time.time() - device.t0) // device.step)
    if device.last_t is not None and device.last_t >= step:
        time.sleep(device.t0 + (device.last_t + 1) * device.step - time.time() + 0.2)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


class Person:
    """A browser context of its own (cookies, session) for one user, and the page they work in."""

    def __init__(self, name: str, context: BrowserContext, base_url: str, album: Album) -> None:
        self.name = name
        self.context = context
        self.base_url = base_url.rstrip("/")
        self.album = album
        self.page = context.new_page()
        self.page.set_viewport_size(DESKTOP)
        self.checked: list[str] = []

    # navigation: every page landed on is checked
    def goto(self, path: str) -> Page:
        response = self.page.goto(self.base_url + path)
        assert response is not None
        self._landed(response.status)
        return self.page

    def submit(self, button: Locator, *, status: int | None = None) -> Page:
        """Click a button (or link) that loads a new page; that page must not be an error page."""
        with self.page.expect_navigation() as navigation:
            button.click()
        self._landed(navigation.value.status if navigation.value else 200, expected=status)
        return self.page

    follow = submit

    def _landed(self, status: int, *, expected: int | None = None) -> None:
        self.page.wait_for_load_state("load")
        if expected is None:
            assert status < 400, f"{self.name} at {self.page.url}: HTTP {status}\n{self.problems()}"
        else:
            assert status == expected, f"{self.name} at {self.page.url}: HTTP {status}, not {expected}"
        self.check()

    def check(self) -> None:
        """The smoke checks on the page as it is now (also after an htmx swap)."""
        a11y_smoke(self.page)
        self.checked.append(self.page.url)

    def problems(self) -> str:
        """The error notices and field errors on the page (for failure messages)."""
        texts = self.page.locator(".notice.error, .errorlist, [role=alert]").all_inner_texts()
        return (
            "\n".join(t.strip() for t in texts if t.strip()) or self.page.locator("main").inner_text()[:800]
        )

    def shoot(self, name: str) -> None:
        self.album.shoot(self.page, name)

    # what is on the page
    def heading(self, text: str) -> None:
        expect(self.page.get_by_role("heading", level=1)).to_contain_text(text)

    def sees(self, *texts: str) -> None:
        main = self.page.locator("main")
        for text in texts:
            expect(main).to_contain_text(text)

    def flash(self, text: str) -> None:
        """The success message of the last step."""
        expect(self.page.locator(".messages, [role=status]").first).to_contain_text(text)

    def button(self, name: str, *, within: Locator | None = None) -> Locator:
        return (within or self.page).get_by_role("button", name=name, exact=True)

    def link(self, name: str, *, within: Locator | None = None) -> Locator:
        return (within or self.page).get_by_role("link", name=name, exact=True)

    # signing in and out through the real pages
    def sign_in(self, user: Any, password: str) -> None:
        self.goto("/accounts/login/")
        self.heading(zh("Sign in"))
        self.page.get_by_label(zh("username")).fill(user.username)
        self.page.get_by_label(zh("Password"), exact=True).fill(password)
        self.submit(self.button(zh("Sign in")))
        if user.is_staff_role:
            self.heading(zh("Two-factor authentication"))
            self.page.get_by_label(zh("6-digit code from your authenticator app")).fill(totp_code(user))
            self.submit(self.button(zh("Verify")))
        self.heading(zh("Dashboard"))

    def sign_out(self) -> None:
        self.submit(self.button(zh("Sign out")))
