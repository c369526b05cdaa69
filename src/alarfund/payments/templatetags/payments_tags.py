"""`{% application_payments application %}`: the applicant's payments on its application page."""

from __future__ import annotations

from typing import Any

from django import template

from alarfund.payments.selectors import payments_of_application

register = template.Library()


@register.inclusion_tag("payments/_application_payments.html")
def application_payments(application: Any) -> dict[str, Any]:
    return {"payments": list(payments_of_application(application))}
