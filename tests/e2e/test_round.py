"""A whole yearly round through the real UI, in Chinese, as every role of Art. 17–18.

One test, in named steps that share the round's state (:class:`Flow`): the live server's database is
flushed after each test (``transactional_db``), so the round has to be run in one test. A failing step
is reported by its name, with a screenshot per person ``artifacts/e2e/FAILED-<nn>-<step>-<person>.png``.
The steps live in ``steps_apply``, ``steps_review`` and ``steps_after_plan``; their shared state in ``flow``.

Every page visited is checked by ``pages.a11y_smoke``; the key pages are saved at 1280 and 375 px.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from alarfund.accounts.models import User

from .flow import Flow
from .steps_after_plan import (
    administrator_confirms_working_days,
    approver_approves_plan,
    banned_enterprise_sees_why,
    bureau_dismisses_objection,
    bureau_publishes_notice,
    clawback_bans_enterprise,
    finance_oversees_the_round,
    notice_ends_and_is_closed,
    payments_are_made,
    payments_are_reconciled,
    public_files_objection,
)
from .steps_apply import (
    association_accepts_both,
    association_returns_one,
    bureau_opens_round,
    enterprise_supplements,
    enterprises_apply,
    enterprises_register,
)
from .steps_review import (
    approver_and_finance_read_the_plan,
    auditor_audits,
    bureau_accepts_and_engages_auditor,
    bureau_computes_and_freezes_plan,
    bureau_finalises,
    departments_give_opinions,
)

pytestmark = pytest.mark.e2e

#: The whole round, in order.
STEPS: tuple[Callable[[Flow], None], ...] = (
    bureau_opens_round,
    enterprises_register,
    enterprises_apply,
    association_returns_one,
    enterprise_supplements,
    association_accepts_both,
    bureau_accepts_and_engages_auditor,
    auditor_audits,
    departments_give_opinions,
    bureau_finalises,
    bureau_computes_and_freezes_plan,
    approver_and_finance_read_the_plan,
    administrator_confirms_working_days,
    bureau_publishes_notice,
    public_files_objection,
    bureau_dismisses_objection,
    notice_ends_and_is_closed,
    approver_approves_plan,
    payments_are_made,
    payments_are_reconciled,
    clawback_bans_enterprise,
    banned_enterprise_sees_why,
    finance_oversees_the_round,
)


def test_a_whole_round_in_the_browser(person: Any, staff: dict[str, User], password: str, album: Any) -> None:
    flow = Flow(person=person, staff=staff, password=password)
    for number, step in enumerate(STEPS, start=1):
        try:
            step(flow)
        except Exception as exc:
            for role, someone in flow.people.items():
                album.folder.mkdir(parents=True, exist_ok=True)
                someone.page.screenshot(
                    path=str(album.folder / f"FAILED-{number:02d}-{step.__name__}-{role}.png")
                )
            raise AssertionError(f"step {number} ({step.__name__}) failed: {exc}") from exc
    pages_checked = sum(len(p.checked) for p in flow.people.values()) + sum(
        len(e.person.checked) for e in flow.enterprises.values() if e.person
    )
    assert pages_checked > 60
    assert len(album.taken) >= 15
