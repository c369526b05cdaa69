"""`alarfund reconcile [--round YEAR|ID]`: the payment figures of every round (or one); exit 1 on any
discrepancy (docs/payments.md)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alarfund.payments.reconciliation import RoundReconciliation, reconcile_round
from alarfund.rounds.models import Round


def _round(value: str) -> Round:
    if value.isdigit():
        found = Round.objects.filter(sales_year=int(value)).first()
    else:
        try:
            found = Round.objects.filter(pk=uuid.UUID(value)).first()
        except ValueError:
            found = None
    if found is None:
        raise CommandError(f"no round {value!r}")
    return found


def _yuan(amount: Decimal) -> str:
    return f"{amount:.2f}"


def lines(report: RoundReconciliation) -> list[str]:
    out = [f"Round {report.round.sales_year}: {'balanced' if report.balanced else 'NOT BALANCED'}"]
    for v in report.versions:
        out.append(
            f"  v{v.version.number} ({v.version.status}): approved {_yuan(v.approved)} = paid "
            f"{_yuan(v.paid)} + pending {_yuan(v.pending)} + failed not re-issued {_yuan(v.failed_open)} "
            f"+ not yet in a batch {_yuan(v.unbatched)} (accounted {_yuan(v.accounted)})"
            f"{'' if v.balanced else '  <-- DISCREPANCY'}"
        )
        for row in v.discrepancies:
            out.append(
                f"    {row.application_id} {row.name}: award {row.award}, accounted {row.accounted}, "
                f"difference {row.difference}"
            )
        out.extend(f"    {problem}" for problem in v.problems)
    out.extend(f"  {problem}" for problem in report.problems)
    return out


class Command(BaseCommand):
    help = "Reconcile approved plans with payments; exit 1 on any discrepancy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", dest="round", default="", help="sales year or round id")

    def handle(self, *args: Any, **options: Any) -> None:
        rounds = (
            [_round(options["round"])] if options["round"] else list(Round.objects.order_by("sales_year"))
        )
        balanced = True
        for round_ in rounds:
            report = reconcile_round(round_)
            balanced = balanced and report.balanced
            for line in lines(report):
                self.stdout.write(line)
        if not balanced:
            raise SystemExit(1)
