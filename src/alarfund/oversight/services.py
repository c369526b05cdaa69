"""The oversight exports: each checks the reader's capability, builds the file and audits the download.

Oversight writes nothing but the audit trail: every export (a dashboard table, the performance report)
is an audit event naming who, which table or report, which round, the plan basis and the file's
SHA-256, recorded in the same transaction as the file is produced (Art. 18; checklist 27).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from alarfund.accounts.permissions import Capability, require
from alarfund.audit.services import Actor, AuditContext, audit_record
from alarfund.rounds.models import Round

from . import exports, figures, report, tables


@dataclass(frozen=True)
class Export:
    data: bytes
    filename: str
    content_type: str


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _audit(by: Any, context: AuditContext | None, round_: Round | None, **details: Any) -> None:
    audit_record(
        action="oversight.export",
        actor=Actor.of(by),
        context=context,
        object_type="round" if round_ is not None else "oversight",
        object_id=round_.pk if round_ is not None else "",
        details={"sales_year": round_.sales_year if round_ is not None else None, **details},
    )


def table_export(
    *, by: Any, table: str, round: Round | None = None, context: AuditContext | None = None
) -> Export:
    """A dashboard table as XLSX: a table of `round`, or the cross-year table when `round` is None."""
    require(by, Capability.OVERSIGHT_DASHBOARD)
    if round is None:
        if table != "years":
            raise Http404
        built = tables.years_table()
        heading = _("All sales years of the measure")
        stem = "oversight-years"
        basis = ""
    else:
        builder = tables.ROUND_TABLES.get(table)
        if builder is None:
            raise Http404
        built = builder(round)
        if not built.available:
            raise Http404
        basis = figures.plan_basis(round).status
        heading = _("Sales year %(year)s · %(basis)s") % {
            "year": round.sales_year,
            "basis": tables.basis_text(basis),
        }
        stem = f"oversight-{round.sales_year}-{table}"
    with transaction.atomic():
        data = exports.table_xlsx(built, heading=heading)
        _audit(
            by,
            context,
            round,
            table=table,
            format="xlsx",
            basis=basis,
            rows=len(built.rows),
            sha256=hashlib.sha256(data).hexdigest(),
        )
    return Export(data, f"{stem}.xlsx", XLSX)


def report_export(*, by: Any, round: Round, kind: str, context: AuditContext | None = None) -> Export:
    """The performance evaluation of `round` as "pdf" or "xlsx" (finance bureau only)."""
    require(by, Capability.OVERSIGHT_VIEW)
    if kind not in ("pdf", "xlsx"):
        raise Http404
    built = report.build(round)
    with transaction.atomic():
        data = exports.report_pdf(built) if kind == "pdf" else exports.report_xlsx(built)
        _audit(
            by,
            context,
            round,
            report="performance",
            format=kind,
            basis=figures.plan_basis(round).status,
            sha256=hashlib.sha256(data).hexdigest(),
        )
    return Export(data, f"performance-{round.sales_year}.{kind}", PDF if kind == "pdf" else XLSX)
