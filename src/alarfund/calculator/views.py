"""The public policy calculator (no login). Plain POST works; with htmx only the calculator is swapped."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from alarfund.applications.records import estimate
from alarfund.policy.parameters import Parameters, parameters_for
from alarfund.rounds.call import LINE_TITLES, covered_sales_years, extras_of
from alarfund.rounds.materials import checklist
from alarfund.rounds.models import Round, RoundStatus

from .forms import CalculatorForm

PUBLIC_STATUSES = (RoundStatus.PUBLISHED, RoundStatus.CLOSED)


def _default_year(years: list[int]) -> int:
    """The latest published round's sales year, else the first year of the measure."""
    latest = (
        Round.objects.filter(status__in=PUBLIC_STATUSES, sales_year__in=years).order_by("-sales_year").first()
    )
    return latest.sales_year if latest else years[0]


def _params(requested: str | None, years: list[int]) -> Parameters:
    """The parameters of the requested year for the labels (the first year's if it is not valid)."""
    text = (requested or "").strip()
    return parameters_for(int(text) if text.isdigit() and int(text) in years else years[0])


@require_http_methods(["GET", "POST"])
def calculator(request: HttpRequest) -> HttpResponse:
    years = list(covered_sales_years())
    lang = "zh-hans" if (get_language() or "zh-hans").startswith("zh") else "en"
    context: dict[str, Any] = {"line_titles": LINE_TITLES}
    if request.method == "POST":
        form = CalculatorForm(
            request.POST, years=years, params=_params(request.POST.get("sales_year"), years)
        )
        if form.is_valid():
            sales_year = form.cleaned_data["sales_year"]
            round_ = Round.objects.filter(status__in=PUBLIC_STATUSES, sales_year=sales_year).first()
            facts = form.facts()
            result = estimate(
                facts,
                sales_year=sales_year,
                interpretation=round_.interpretation if round_ else None,
                lang=lang,
            )
            paid_lines = [line.article for line in result.lines if line.paid > 0]
            extras = extras_of(round_, lang == "zh-hans") if round_ else []
            context.update(
                {
                    "result": result,
                    "round": round_,
                    "sales_year": sales_year,
                    "materials": checklist(facts.entity_type, paid_lines, extras) if result.eligible else [],
                }
            )
    else:
        requested = request.GET.get("sales_year", "")
        year = int(requested) if requested.isdigit() and int(requested) in years else _default_year(years)
        form = CalculatorForm(initial={"sales_year": year}, years=years, params=parameters_for(year))
    context["form"] = form
    if getattr(request, "htmx", False):
        # htmx swaps only successful responses: field errors come back as 200 and replace the form.
        return render(request, "calculator/_calculator.html", context)
    return render(request, "calculator/page.html", context, status=400 if form.errors else 200)
