"""An anonymous client reaches only the allow-listed public pages; object routes use UUIDs."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .test_two_factor import all_url_names

PUBLIC = {
    "web:home",
    "web:healthz",
    "accounts:login",
    "accounts:register",
    # Issue 4: the published rounds, each round's call for applications, the policy calculator.
    "rounds:public_list",
    "rounds:call",
    "calculator:form",
    # Issue 7: the public notice (Art. 17): the notices, one notice, its printable lists and exports
    # for the government website, the objection form, and the lookup by tracking code.
    "notices:public_list",
    "notices:public_detail",
    "notices:print",
    "notices:export_xlsx",
    "notices:export_csv",
    "notices:object",
    "notices:lookup",
}
#: Public pages of one object: an unknown (or unpublished) object is a plain 404, never a sign-in page.
PUBLIC_OBJECTS = {
    "rounds:call",
    "notices:public_detail",
    "notices:print",
    "notices:export_xlsx",
    "notices:export_csv",
    "notices:object",
}


@pytest.mark.django_db
def test_anonymous_client_on_every_route() -> None:
    client = Client()
    seen = set()
    for name, kwargs in all_url_names():
        url = reverse(name, kwargs=kwargs)
        seen.add(name)
        response = client.get(url)
        if name in PUBLIC_OBJECTS:
            assert response.status_code == 404, name
        elif name in PUBLIC:
            assert response.status_code == 200, name
        else:
            assert response.status_code != 200, name
            if name == "set_language":
                # GET changes nothing (the switch is POST-only) and goes back to a local page.
                assert response.status_code == 302 and response["Location"] == "/"
            elif response.status_code == 302:
                assert response["Location"].startswith(reverse("accounts:login")), name
            else:
                # POST-only endpoints answer 405 to a GET; nothing else is acceptable.
                assert response.status_code == 405, (name, response.status_code)
    assert PUBLIC <= seen


@pytest.mark.django_db
def test_anonymous_posts_to_protected_routes_do_not_succeed() -> None:
    client = Client()
    for name, kwargs in all_url_names():
        if name in PUBLIC or name in {"set_language", "accounts:uscc_check", "accounts:logout"}:
            continue
        response = client.post(reverse(name, kwargs=kwargs), {})
        assert response.status_code in {302, 403, 405}, name
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("accounts:login")), name


def test_no_integer_converters_in_routes() -> None:
    def walk(patterns: list) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                assert "<int:" not in str(pattern.pattern), pattern
                for converter in pattern.pattern.converters.values():
                    assert type(converter).__name__ == "UUIDConverter", pattern

    walk(get_resolver().url_patterns)


@pytest.mark.django_db
def test_unknown_address_gives_the_generic_404() -> None:
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    assert "找不到页面" in response.content.decode()
