from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from alarfund.accounts.choices import Role


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user(Role.BUREAU_OFFICER)
