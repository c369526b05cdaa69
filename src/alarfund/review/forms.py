"""The review pages' forms: parsing what was posted into the services' arguments, and the filters.

The decision form is built from the application's own checklist (one radio pair and reason per material,
a "needs supplement" box and reason per figure), so it is read from the POST by name here; only the
declared names are read, anything else posted is ignored.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from alarfund.applications.services import REQUESTABLE_FIELDS
from alarfund.evidence.forms import DocumentFilesField

from .models import OpinionVerdict, Verdict
from .selectors import QueueFilters


def decision_marks(post: QueryDict, material_codes: list[str]) -> list[dict[str, str]]:
    """The reviewer's marks: every material (accepted / needs supplement + reason), and the figures or
    other items ticked as needing a supplement (with their reasons)."""
    marks = []
    for code in material_codes:
        verdict = post.get(f"m-{code}", "")
        if verdict:
            marks.append(
                {"kind": "material", "code": code, "verdict": verdict, "reason": post.get(f"mr-{code}", "")}
            )
    for name in REQUESTABLE_FIELDS:
        flagged = post.get(f"f-{name}") == Verdict.NEEDS_SUPPLEMENT
        reason = post.get(f"fr-{name}", "")
        marks.append(
            {
                "kind": "figure",
                "code": name,
                "verdict": Verdict.NEEDS_SUPPLEMENT if flagged else Verdict.ACCEPTED,
                "reason": reason if flagged else "",
            }
        )
    return marks


def prefixed(post: QueryDict, prefix: str, names: list[str]) -> dict[str, str]:
    return {name: post.get(f"{prefix}{name}", "") for name in names}


def version_of(post: QueryDict) -> int | None:
    raw = post.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() else None


class AuditReportForm(forms.Form):
    """Only the report's files (the figures are read by name, one per claimed line)."""

    findings = forms.CharField(
        label=_("Findings"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per form: the field's help text is formatted in the language of the request.
        self.fields["report"] = DocumentFilesField(material_code="audit_report", label=_("Audit report"))


class OpinionForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Your department's opinion"), choices=OpinionVerdict.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (required for an objection)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QueueFilterForm(forms.Form):
    round = forms.ChoiceField(label=_("Round"), required=False)
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=100)
    line = forms.ChoiceField(
        label=_("Claims line"),
        required=False,
        choices=[("", _("any"))] + [(line, line) for line in ("5.1", "5.2", "6", "7", "8", "9", "10")],
    )
    flagged = forms.BooleanField(label=_("Only flagged applications"), required=False)
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("waiting", _("What waits for me")), ("all", _("Everything I may open"))],
    )

    def __init__(self, *args: Any, rounds: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [("", _("all rounds"))] + [
            (str(r.pk), str(r.sales_year)) for r in rounds
        ]

    def filters(self) -> QueueFilters:
        if not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        return QueueFilters(
            round_id=data.get("round") or "",
            query=data.get("q") or "",
            flagged=bool(data.get("flagged")),
            show=data.get("show") or "waiting",
            line=data.get("line") or "",
        )
