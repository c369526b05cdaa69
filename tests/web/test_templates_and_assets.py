"""No inline script or style (CSP), no external assets (isolated network), htmx served locally."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

TEMPLATES = Path(settings.TEMPLATES[0]["DIRS"][0])
STATIC = Path(settings.STATICFILES_DIRS[0])


def template_files() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_templates_have_no_inline_script_style_or_handlers() -> None:
    assert template_files()
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for script in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in script, (path, script)
        assert not re.search(r"<script\b[^>]*>\s*[^<\s]", text), path
        assert "<style" not in text, path
        assert not re.search(r"\sstyle\s*=", text), path
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert "javascript:" not in text.lower(), path
        assert not re.search(r"\shx-on", text), path  # htmx inline handlers would need eval


def test_no_external_assets_anywhere() -> None:
    for path in [*template_files(), *STATIC.rglob("*.css")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), path
        assert "@import" not in text and "url(http" not in text, path


def test_htmx_is_vendored_and_referenced() -> None:
    assert finders.find("vendor/htmx/htmx.min.js")
    assert (STATIC / "vendor/htmx/htmx.min.js").stat().st_size > 20_000
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    assert "{% static 'vendor/htmx/htmx.min.js' %}" in base
    assert '"includeIndicatorStyles":false' in base and '"allowEval":false' in base


@pytest.mark.django_db
def test_pages_send_csp_without_unsafe_inline(client) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_rendered_pages_have_no_inline_scripts(client_as) -> None:
    pages = [("/", Client()), ("/accounts/login/", Client()), ("/accounts/register/", Client())]
    staff, _ = client_as("administrator")
    pages += [("/dashboard/", staff), ("/accounts/users/", staff)]
    for url, client in pages:
        body = client.get(url).content.decode()
        for script in re.findall(r"<script\b[^>]*>", body):
            assert "src=" in script, url
        assert not re.search(r"\sstyle\s*=", body), url


@pytest.mark.django_db
def test_signed_in_pages_are_not_cached(client_as) -> None:
    client, _ = client_as("applicant")
    assert client.get("/dashboard/")["Cache-Control"] == "no-store"


def test_layout_is_responsive() -> None:
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in base
    css = (STATIC / "alarfund/css/site.css").read_text(encoding="utf-8")
    assert "@media (min-width:" in css and ".table-wrap" in css and "overflow-x: auto" in css
    # No fixed widths wider than a 375 px phone.
    for width in re.findall(r"(?<![-\w])width:\s*(\d+)px", css):
        assert int(width) <= 375, width
