"""The figure lines of an application, as the reviewers, the auditor and the bureau handle them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from alarfund.applications.services import FIGURE_FIELDS, MONEY_FIELDS, REQUESTABLE_FIELDS

LABELS: dict[str, Any] = {
    "online_sales": _("Online sales in the sales year (yuan)"),
    "total_sales": _("Total sales per the VAT returns (yuan)"),
    "loan_interest_paid": _("Interest paid on operating bank loans (yuan)"),
    "promotion_fees": _("Online promotion fees paid to platforms (yuan)"),
    "inland_warehouse_rent": _("Rent of the forward warehouse outside Xinjiang (yuan)"),
    "parcels": _("Parcels shipped by express (number)"),
}
#: What else a reviewer can ask to be supplemented (besides materials and figures).
OTHER_LABELS: dict[str, Any] = {
    "claimed_lines": _("the rewards claimed"),
    "warehouse_province": _("the province of the forward warehouse"),
    "demonstrations": _("the demonstration cases"),
    "declarations": _("the declarations"),
    "local_brand_seller": _("sells local brand products (Art. 6)"),
    "local_product_seller": _("sells local products (Art. 7)"),
}
#: The line whose claim makes a figure matter (the others always matter).
LINE_OF = {
    "loan_interest_paid": "5.2",
    "promotion_fees": "7",
    "inland_warehouse_rent": "8",
    "parcels": "10",
}

assert set(LABELS) == set(FIGURE_FIELDS)
assert set(OTHER_LABELS) | set(LABELS) == set(REQUESTABLE_FIELDS)


def relevant_fields(application: Any) -> list[str]:
    """The figures the engine reads for this application's claims, in a stable order."""
    claimed = set(application.claimed_lines)
    return [f for f in FIGURE_FIELDS if f not in LINE_OF or LINE_OF[f] in claimed]


def label(field: str) -> str:
    return str(LABELS.get(field) or OTHER_LABELS.get(field) or field)


def is_money(field: str) -> bool:
    return field in MONEY_FIELDS
