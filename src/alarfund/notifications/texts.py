"""A notification's text, rendered from its kind and parameters in the active language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override

from alarfund.accounts.choices import Department

from .models import Kind


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def _item_label(notification: Any, item: dict[str, Any]) -> str:
    if item.get("kind") == "material" and notification.application is not None:
        from alarfund.applications.selectors import checklist_for

        labels = {m.code: str(m.label) for m in checklist_for(notification.application)}
        return labels.get(item.get("code", ""), item.get("code", ""))
    from alarfund.review.figures import label

    return label(item.get("field", ""))


def render(notification: Any) -> Rendered:
    """Subject and body in the active language."""
    p = notification.params or {}
    who = {"organisation": p.get("organisation", ""), "year": p.get("round_year", "")}
    kind = notification.kind
    if kind == Kind.REVIEW_REQUESTED:
        if p.get("stage") == "second":
            subject = _("Second review: %(organisation)s (sales year %(year)s)") % who
            body = (
                _(
                    "The association passed the application of %(organisation)s for sales year %(year)s. "
                    "It waits for the Commerce Bureau's second review."
                )
                % who
            )
        else:
            subject = _("First review: %(organisation)s (sales year %(year)s)") % who
            body = (
                _(
                    "%(organisation)s submitted its application for sales year %(year)s. "
                    "It waits for the association's first review."
                )
                % who
            )
            if p.get("resubmitted"):
                body += " " + _("It was resubmitted after a return for supplement.")
    elif kind == Kind.SUPPLEMENT_REQUESTED:
        subject = _("Your application for sales year %(year)s was returned for supplement") % who
        lines = [
            f"- {_item_label(notification, item)}: {item.get('reason', '')}" for item in p.get("items", [])
        ]
        body = (
            _("The reviewer asks you to supplement the following, then submit the application again:")
            + "\n"
            + "\n".join(lines)
        )
    elif kind == Kind.AUDIT_REQUESTED:
        subject = _("Audit: %(organisation)s (sales year %(year)s)") % who
        body = (
            _(
                "The Commerce Bureau passed the application of %(organisation)s for sales year %(year)s. "
                "Enter the audited figures and upload the audit report."
            )
            % who
        )
    elif kind == Kind.OPINION_REQUESTED:
        subject = _("Opinion requested: %(organisation)s (sales year %(year)s)") % who
        body = (
            _(
                "The Commerce Bureau asks your department's opinion on %(organisation)s (sales year "
                "%(year)s): no objection, or an objection with its reason."
            )
            % who
        )
    elif kind == Kind.OPINION_GIVEN:
        department = Department(p["department"]).label if p.get("department") in Department.values else ""
        values = {**who, "department": department, "reason": p.get("reason", "")}
        if p.get("verdict") == "objection":
            subject = _("Objection: %(organisation)s (sales year %(year)s)") % who
            body = _("%(department)s objects to the application of %(organisation)s: %(reason)s") % values
        else:
            subject = _("Opinions complete: %(organisation)s (sales year %(year)s)") % who
            body = (
                _(
                    "The statistics, tax and market regulation departments have no objection to the application "
                    "of %(organisation)s. Enter the final figures and decide."
                )
                % values
            )
    elif kind == Kind.REOPENED:
        subject = _("Your application for sales year %(year)s was reopened after the public notice") % who
        body = (
            _(
                "An objection raised during the public notice was upheld. The Commerce Bureau examines "
                "your application again; the reward plan and its notice will be issued anew."
            )
            + "\n"
            + _("Reason: %(reason)s") % {"reason": p.get("note", "")}
        )
    else:  # DECISION_MADE
        if p.get("status") == "rejected":
            subject = _("Your application for sales year %(year)s was rejected") % who
            body = _("Reason: %(reason)s") % {"reason": p.get("note", "")}
        else:
            subject = _("Your application for sales year %(year)s passed the review") % who
            body = _(
                "The review, the audit and the departments' consultation are complete. The application "
                "goes into the reward plan, which is published for public notice before it is decided."
            )
    return Rendered(subject=str(subject), body=str(body))


def render_email(notification: Any, link: str) -> Rendered:
    """Both languages, Chinese first (the recipient's language is not known)."""
    with override("zh-hans"):
        zh = render(notification)
        zh_more = _("Sign in to the platform to see it: %(link)s") % {"link": link} if link else ""
    with override("en"):
        en = render(notification)
        en_more = _("Sign in to the platform to see it: %(link)s") % {"link": link} if link else ""
    subject = f"{zh.subject} / {en.subject}"
    body = "\n\n".join(part for part in (zh.body, zh_more, "----", en.body, en_more) if part)
    return Rendered(subject=subject[:250], body=body + "\n")
