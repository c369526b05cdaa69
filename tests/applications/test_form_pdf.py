"""The generated application form: printable page and PDF with Chinese glyphs and the total in 大写."""

from __future__ import annotations

import io
import re
import time
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from alarfund.accounts.choices import Role
from alarfund.applications import pdf
from alarfund.applications.selectors import application_estimate
from alarfund.policy.money import fen_to_decimal

from .helpers import make_round, started, text_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "capital"),
    [
        (Decimal("155000.00"), "壹拾伍万伍仟元整"),
        (Decimal("0.005"), "壹分"),  # half-up to the fen first (cn2an alone would truncate to 零元整)
        (Decimal("12.345"), "壹拾贰元叁角伍分"),
        (Decimal("0"), "零元整"),
    ],
)
def test_capital_numerals_round_half_up_first(amount: Decimal, capital: str) -> None:
    assert pdf.capital_rmb(amount) == capital


def test_the_font_ships_with_the_code() -> None:
    assert pdf.FONT_FILE.is_file() and pdf.FONT_FILE.stat().st_size > 1_000_000
    assert (pdf.FONT_FILE.parent / "COPYRIGHT.txt").is_file()


def test_the_pdf_fetches_nothing_but_its_font() -> None:
    fetcher = pdf._font_only_fetcher()
    for url in ("file:///etc/passwd", "http://127.0.0.1/x.png", pdf.FONT_FILE.as_uri() + "x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    response = fetcher.fetch(pdf.FONT_FILE.as_uri())
    assert response is not None


@pytest.fixture
def application(make_user):
    officer = make_user(Role.BUREAU_OFFICER)
    round_ = make_round(officer)
    applicant = make_user(Role.APPLICANT)
    return started(
        applicant,
        round_,
        claimed_lines=["5.2", "7", "10"],
        online_sales="1500000.00",
        loan_interest_paid="40000",
        promotion_fees="80000",
        parcels=60000,
        local_product_seller=True,
    ), applicant


def test_pdf_has_the_chinese_name_and_the_capital_total(client_as, application) -> None:
    app, applicant = application
    client = client_as(Role.APPLICANT, organisation=applicant.organisation)[0]
    started_at = time.monotonic()
    response = client.get(reverse("applications:form_pdf", args=[app.pk]))
    elapsed = time.monotonic() - started_at
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="application-form-2025-')
    total = fen_to_decimal(application_estimate(app).total)
    assert total > 0
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    compact = re.sub(r"\s+", "", text)
    assert app.organisation.name in compact
    assert pdf.capital_rmb(total) in compact
    assert "奖励和支持资金申请书" in compact
    assert f"{total:,.2f}" in compact
    assert elapsed < 20, elapsed  # about a second here; generous for slow CI machines


def test_printable_page(client_as, application) -> None:
    app, applicant = application
    client = client_as(Role.APPLICANT, organisation=applicant.organisation)[0]
    response = client.get(reverse("applications:form", args=[app.pk]))
    assert response.status_code == 200
    body = text_of(response.content.decode())
    total = fen_to_decimal(application_estimate(app).total)
    assert app.organisation.name in body and pdf.capital_rmb(total) in body
    assert "法定代表人（经营者）签字" in body and "申报单位（盖章）" in body
