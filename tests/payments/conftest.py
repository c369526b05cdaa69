"""Fixtures of the payment tests: an approved plan version of three applicants (Art. 10 parcels)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.plans.conftest import approver, make_plan_round, make_ready, officer  # noqa: F401

from .helpers import approved_version


@pytest.fixture
def approved(officer: Any, make_plan_round: Callable[..., Any], make_ready: Callable[..., Any]) -> Any:  # noqa: F811
    round_ = make_plan_round()
    for parcels in (60000, 70000, 92000):  # 30,000 + 35,000 + 46,000 (Art. 10: 0.5 yuan a parcel)
        make_ready(round_, lines=["10"], parcels=parcels, sources=("declared", "final"))
    return approved_version(officer, round_)


@pytest.fixture(autouse=True)
def english() -> Any:
    from django.utils import translation

    with translation.override("en"):
        yield
