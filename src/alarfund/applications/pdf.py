"""The generated application form (奖励和支持资金申请书): its content, and the PDF (WeasyPrint).

The PDF embeds the font shipped in `fonts/` (a subset of WenQuanYi Zen Hei, docs/adr/0021-application-form-pdf-and-font.md),
so Chinese renders the same on any machine, whatever fonts it has. WeasyPrint may fetch nothing but
that font file: the document holds only escaped text, and the fetcher refuses every other URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alarfund.policy.money import fen_to_decimal
from alarfund.policy.parameters import Parameters, parameters_for
from alarfund.rounds.call import LINE_TITLES

from .forms import FIGURE_LABELS, declaration_questions
from .models import Application, FigureSource
from .selectors import application_estimate, checklist_for
from .services import DECLARATIONS

FONT_FILE = Path(__file__).resolve().with_name("fonts") / "WenQuanYiZenHei-subset.ttf"

#: The figures that support each claimed line (5.1 always: online sales).
FIGURES_OF_LINE: dict[str, tuple[str, ...]] = {
    "5.1": ("online_sales",),
    "5.2": ("loan_interest_paid",),
    "6": ("total_sales",),
    "7": ("promotion_fees",),
    "8": ("inland_warehouse_rent",),
    "10": ("parcels",),
}

PLEDGE_TEXT = _(
    "We pledge that all figures and materials of this application are true, complete and accurate, that we "
    "meet the conditions of Art. 14 and are not excluded by Art. 19 and 21, and that we accept the review, "
    "audit and supervision of the competent departments. If anything proves false, we return the funds "
    "received and accept that no special fiscal funds of the Division and city are granted to us for "
    "%(years)s years (Art. 20), and bear the legal consequences."
)


def pledge_text(params: Parameters) -> str:
    return str(PLEDGE_TEXT) % {"years": params.art20_ban_years}


def capital_rmb(amount: Decimal) -> str:
    """An amount in Chinese capital numerals (大写), rounded half-up to the fen first (cn2an truncates)."""
    import cn2an  # imported here: it loads its tables at import time

    fen = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return str(cn2an.an2cn(format(fen, "f"), "rmb"))


@dataclass(frozen=True)
class FigureRow:
    label: str | Promise
    value: str


def _figure_rows(application: Application) -> list[FigureRow]:
    figures = application.figure_sets.get(source=FigureSource.DECLARED)
    claimed = set(application.claimed_lines) | {"5.1"}
    names: list[str] = []
    for line, fields in FIGURES_OF_LINE.items():
        if line in claimed:
            names += [name for name in fields if name not in names]
    rows = []
    for name in names:
        value = getattr(figures, name)
        rows.append(FigureRow(FIGURE_LABELS[name], f"{value:,}" if name == "parcels" else f"{value:,.2f}"))
    return rows


def form_context(application: Application) -> dict[str, Any]:
    """Everything the printable page and the PDF show."""
    params = parameters_for(application.round.sales_year)
    questions = declaration_questions(params)
    estimate = application_estimate(application)
    total = fen_to_decimal(estimate.total)
    claimed = ["5.1", *[line for line in application.claimed_lines if line != "5.1"]]
    return {
        "application": application,
        "organisation": application.organisation,
        "round": application.round,
        "claimed": [(line, LINE_TITLES[line]) for line in claimed if line in LINE_TITLES],
        "figure_rows": _figure_rows(application),
        "demonstrations": list(application.demonstrations.all()),
        "estimate": estimate,
        "total": total,
        "total_capital": capital_rmb(total),
        "declarations": [(questions[name], getattr(application, name)) for name in DECLARATIONS],
        "materials": checklist_for(application),
        "pledge_text": pledge_text(params),
        "generated_at": timezone.localtime(),
    }


def render_pdf(context: dict[str, Any]) -> bytes:
    """The form as PDF bytes (about a second for a page)."""
    from weasyprint import CSS, HTML  # heavy import, only where a PDF is made
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _font_only_fetcher()
    fonts = FontConfiguration()
    html = render_to_string("applications/form_pdf.html", context)
    css = render_to_string("applications/form_pdf.css", {"font_url": FONT_FILE.as_uri()})
    stylesheet = CSS(string=css, font_config=fonts, url_fetcher=fetcher)
    document = HTML(string=html, url_fetcher=fetcher, base_url=FONT_FILE.parent.as_uri() + "/")
    return bytes(document.write_pdf(stylesheets=[stylesheet], font_config=fonts))


def _font_only_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    allowed = FONT_FILE.as_uri()

    class FontOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url != allowed:
                raise ValueError("the application form loads no resource but its font")
            return super().fetch(url, headers)

    return FontOnly(allowed_protocols=("file",))
