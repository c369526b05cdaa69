"""Chinese by default, a complete English translation, a language switch, shipped .mo files in sync."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from alarfund.accounts.choices import Role
from alarfund.accounts.permissions import PERMISSIONS
from alarfund.web.i18n_tools import catalogue, compile_mo, parse_po
from alarfund.web.workspaces import WORKSPACES

PO = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def entries():
    return parse_po(PO.read_text(encoding="utf-8"))


def test_every_message_is_translated_and_not_fuzzy() -> None:
    missing = [e.msgid for e in entries() if e.msgid and (not e.translated or e.fuzzy)]
    assert missing == []


def test_placeholders_survive_translation() -> None:
    for entry in entries():
        if not entry.msgid:
            continue
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        values = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for value in values:
            assert sorted(PLACEHOLDER.findall(value)) == expected, entry.msgid


def test_shipped_mo_matches_the_po() -> None:
    """The .mo files are committed (no gettext tools needed); they must be compiled from the .po."""
    import gettext

    mo_path = PO.with_suffix(".mo")
    with mo_path.open("rb") as handle:
        shipped = gettext.GNUTranslations(handle)
    expected = {k: v for k, v in catalogue(entries()).items() if k}
    shipped_catalog = {
        (k if isinstance(k, str) else f"{k[0]}"): v
        for k, v in shipped._catalog.items()  # type: ignore[attr-defined]
        if k != ""
    }
    singular = {k: v for k, v in expected.items() if "\0" not in k}
    for key, value in singular.items():
        assert shipped_catalog.get(key) == value, key
    # Byte-for-byte: what compile_translations would write.
    assert mo_path.read_bytes() == compile_mo(entries())


def test_plural_forms_header_for_chinese() -> None:
    header = entries()[0].msgstr
    assert "Plural-Forms: nplurals=1; plural=0;" in header
    assert "charset=UTF-8" in header


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["web:home", "accounts:login", "accounts:register"],
)
def test_public_pages_in_both_languages(name: str) -> None:
    chinese = Client().get(reverse(name))
    assert chinese["Content-Language"] == "zh-hans"
    body = chinese.content.decode()
    assert 'lang="zh-Hans"' in body and "阿拉尔" in body
    english_client = Client()
    english_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = english_client.get(reverse(name)).content.decode()
    assert 'lang="en"' in english and "Alar e-commerce fund" in english
    assert not re.search(r"[\u4e00-\u9fff]", _visible_text_without_language_names(english)), name


def _visible_text_without_language_names(html: str) -> str:
    text = re.sub(r"<[^>]+>", " ", html)
    return text.replace("简体中文", "")


@pytest.mark.django_db
def test_browser_language_is_not_used_chinese_stays_default() -> None:
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_language_switch_sets_the_cookie_and_returns() -> None:
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    cookie = client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "Sign in" in client.get("/accounts/login/").content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "登录" in client.get("/accounts/login/").content.decode()
    # An unsafe "next" is not followed.
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert "evil" not in response.get("Location", "")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_page_of_every_role_in_english_has_no_chinese_chrome(client_as, make_org, role: str) -> None:
    """Data may be Chinese; here it is not, so any Chinese character would be an untranslated label."""
    latin = {"legal_representative": "Wang", "contact_name": "Li", "bank_name": "ABC Bank"}
    extra = {"organisation": make_org(name="Tarim Trading Co.", **latin)} if role == "applicant" else {}
    make_org(name="Another Co.", **latin)
    client, _user = client_as(role, full_name="Test User", **extra)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    urls = ["/dashboard/", reverse("accounts:password_change")]
    urls += [reverse(w.url_name) for w in WORKSPACES if role in PERMISSIONS[w.capability]]
    refused = next(reverse(w.url_name) for w in WORKSPACES if role not in PERMISSIONS[w.capability])
    for url in [*urls, refused]:
        body = client.get(url).content.decode()
        visible = _visible_text_without_language_names(body)
        assert not re.findall(r"[\u4e00-\u9fff]+", visible), (role, url)


def test_no_message_is_defined_twice() -> None:
    """Several apps append to one catalogue: a duplicate msgid would silently shadow a translation."""
    from collections import Counter

    counts = Counter((getattr(e, "msgctxt", None), e.msgid) for e in entries() if e.msgid)
    assert [key for key, count in counts.items() if count > 1] == []
