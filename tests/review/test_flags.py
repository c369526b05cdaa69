"""Duplicate and linked-entity flags across the applications of a round, and what they do to bulk accept."""

from __future__ import annotations

import itertools

import pytest

from alarfund.accounts.choices import Role
from alarfund.applications.models import ApplicationStatus as S
from alarfund.review.flags import application_flags, round_flags
from alarfund.review.services import review_bulk_accept
from tests.applications.helpers import make_round

from .helpers import submitted

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)


def distinct(make_org, **fields):
    """An organisation whose bank account, phone, representative and ID number are its own."""
    n = next(_numbers)
    defaults = {
        "bank_account": f"62170000{n:011d}",
        "contact_phone": f"1380000{n:04d}",
        "legal_representative": f"代表人{n}",
        "representative_id_number": "",
    }
    return make_org(**{**defaults, **fields})


def applicant_of(make_user, organisation):
    return make_user(Role.APPLICANT, organisation=organisation)


def test_two_organisations_sharing_a_bank_account_are_flagged(make_user, make_org, staff, round_):
    shared = "6228 4801 2345 6789 012"
    first = submitted(applicant_of(make_user, distinct(make_org, bank_account=shared)), round_)
    second = submitted(
        applicant_of(make_user, distinct(make_org, bank_account=shared.replace(" ", ""))), round_
    )
    third = submitted(applicant_of(make_user, distinct(make_org)), round_)
    flags = round_flags(round_.pk)
    assert [f.kind for f in flags[first.pk]] == ["bank_account"]
    assert [o.application_id for o in flags[first.pk][0].others] == [second.pk]
    assert [o.application_id for o in flags[second.pk][0].others] == [first.pk]
    assert third.pk not in flags


def test_representative_id_name_phone_and_organisation_code(make_user, make_org, staff, round_):
    from alarfund.accounts.uscc import make_uscc

    id_number = "659002198501010018"
    a = submitted(
        applicant_of(
            make_user,
            distinct(
                make_org,
                representative_id_number=id_number,
                legal_representative="王 五",
                contact_phone="+86 139 9970 0001",
                uscc=make_uscc(authority_and_type="91", region="659002", org_body="MA7QK7Q1"),
            ),
        ),
        round_,
    )
    b = submitted(
        applicant_of(
            make_user,
            distinct(
                make_org,
                representative_id_number=id_number,
                legal_representative="王五",
                contact_phone="13999700001",
                # The same organisation code registered again under another authority / type.
                uscc=make_uscc(authority_and_type="92", region="659001", org_body="MA7QK7Q1"),
            ),
        ),
        round_,
    )
    kinds = {f.kind for f in application_flags(a)}
    assert kinds == {"representative_id", "representative_name", "contact_phone", "org_code"}
    assert {f.kind for f in application_flags(b)} == kinds


def test_flags_are_per_round_and_ignore_drafts(make_user, make_org, staff, round_):
    shared = "6228480000000000001"
    first = submitted(applicant_of(make_user, distinct(make_org, bank_account=shared)), round_)
    from tests.applications.helpers import started

    started(applicant_of(make_user, distinct(make_org, bank_account=shared)), round_)  # a draft
    assert application_flags(first) == []
    other_round = make_round(staff.officer, 2026, publish=False)
    assert round_flags(other_round.pk) == {}


def test_bulk_accept_accepts_the_safe_and_skips_the_flagged(make_user, make_org, staff, round_):
    shared = "6228480000000000002"
    safe = submitted(applicant_of(make_user, distinct(make_org)), round_)
    flagged_a = submitted(applicant_of(make_user, distinct(make_org, bank_account=shared)), round_)
    flagged_b = submitted(applicant_of(make_user, distinct(make_org, bank_account=shared)), round_)
    result = review_bulk_accept(by=staff.association, applications=[safe, flagged_a, flagged_b])
    assert [a.pk for a in result.accepted] == [safe.pk]
    skipped = {a.pk: reasons for a, reasons in result.skipped}
    assert set(skipped) == {flagged_a.pk, flagged_b.pk}
    assert "Same bank account" in skipped[flagged_a.pk][0]
    safe.refresh_from_db()
    flagged_a.refresh_from_db()
    assert safe.status == S.ASSOCIATION_ACCEPTED and flagged_a.status == S.SUBMITTED
    # The bureau can bulk-accept what the association passed.
    result = review_bulk_accept(by=staff.officer, applications=[safe])
    assert [a.status for a in result.accepted] == [S.BUREAU_ACCEPTED]


def test_bulk_accept_skips_incomplete_and_ineligible(make_user, make_org, staff, round_):
    from alarfund.evidence.models import Document

    ineligible = submitted(applicant_of(make_user, distinct(make_org)), round_, four_above_reward=True)
    incomplete = submitted(applicant_of(make_user, distinct(make_org)), round_)
    # A material disappears after submission (e.g. the checklist grew): not complete any more.
    from alarfund.rounds.models import ExtraMaterial

    ExtraMaterial.objects.create(
        round=round_, code="extra_proof", label_zh="补充证明", label_en="Proof", required=True
    )
    result = review_bulk_accept(by=staff.association, applications=[ineligible, incomplete])
    assert not result.accepted
    reasons = {a.pk: " ".join(r) for a, r in result.skipped}
    assert "FOUR_ABOVE_CONFLICT" in reasons[ineligible.pk]
    assert "Proof" in reasons[incomplete.pk]
    assert Document.objects.exists()
