"""Generic error pages: no stack trace, a reference id, translated."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom/", boom), path("", include("alarfund.config.urls"))]
handler500 = "alarfund.web.errors.server_error"
handler404 = "alarfund.web.errors.page_not_found"


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_unhandled_exception_gives_a_generic_page_with_reference() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "secret internal detail" not in body and "Traceback" not in body
    assert response["X-Request-ID"] in body
    assert "出错了" in body
