"""Art. 16: the checklist for every claim combination (shared/spec/application-materials.md)."""

from itertools import combinations

import pytest
from django.utils import translation

from alarfund.rounds.materials import CLAIMABLE_LINES, ExtraRequirement, checklist


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the product's default language is Chinese)."""
    with translation.override("en"):
        yield


EVERY = ["application_form", "authenticity_pledge", "business_licence", "id_card"]
PER_LINE = {
    "5.2": ["loan_contract", "loan_receipt", "repayment_voucher", "loan_settlement", "fund_use_report"],
    "7": ["platform_contract", "promotion_invoice"],
    "8": ["warehouse_lease", "warehouse_invoice"],
    "9": ["recognition_document", "case_collection", "platform_authorisation"],
    "10": ["platform_contract", "tracking_numbers"],
}


def expected(entity_type, claimed):
    codes = [*EVERY]
    if entity_type == "enterprise":
        codes.append("vat_return")
    codes += ["platform_statement", "bank_receipt"]
    if {"6", "7"} & set(claimed):
        codes.append("brand_certificate")
    for line in CLAIMABLE_LINES:
        if line in claimed:
            codes += [c for c in PER_LINE.get(line, []) if c not in codes]
    return codes


ALL_COMBINATIONS = [
    frozenset(combo)
    for size in range(len(CLAIMABLE_LINES) + 1)
    for combo in combinations(CLAIMABLE_LINES, size)
]


@pytest.mark.parametrize("entity_type", ["enterprise", "individual"])
@pytest.mark.parametrize("claimed", ALL_COMBINATIONS, ids=lambda c: "+".join(sorted(c)) or "none")
def test_checklist_for_every_claim_combination(entity_type, claimed):
    assert [m.code for m in checklist(entity_type, claimed)] == expected(entity_type, claimed)


def test_id_card_label_and_sensitivity():
    enterprise = {m.code: m for m in checklist("enterprise", [])}
    individual = {m.code: m for m in checklist("individual", [])}
    assert "legal representative" in str(enterprise["id_card"].label)
    assert "operator" in str(individual["id_card"].label)
    assert enterprise["id_card"].sensitive and individual["id_card"].sensitive
    assert "vat_return" not in individual


def test_bureau_additions_join_the_list():
    extras = [
        ExtraRequirement("export_licence", "出口许可", True, "10"),
        ExtraRequirement("photo", "门店照片", False, "all"),
    ]
    codes = {m.code: m for m in checklist("enterprise", ["7"], extras)}
    assert "export_licence" not in codes  # only for line 10
    assert codes["photo"].extra and not codes["photo"].required
    codes = {m.code: m for m in checklist("enterprise", ["10"], extras)}
    assert codes["export_licence"].required
