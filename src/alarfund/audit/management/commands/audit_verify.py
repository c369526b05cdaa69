"""`alarfund audit verify` (= `alarfund manage audit_verify`): check the audit trail's hash chain.

Exit status 0 when every row is intact, 1 when a row was altered, inserted or deleted: the first such
row is reported by its sequence number. The chain head (last number and hash) is printed so it can be
noted down elsewhere: a later run that prints a different hash for the same number means the trail was
rewritten as a whole.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from alarfund.audit.services import audit_verify

PROBLEMS = {
    "altered": "altered (its content no longer matches its hash, or it no longer links to the next row)",
    "deleted": "deleted (missing from the chain)",
    "inserted": "inserted (never part of the chain)",
}


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; report the first altered, inserted or deleted row."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        if report.ok:
            self.stdout.write(
                f"Audit trail intact: {report.checked} events; head #{report.head_seq} {report.head_hash}"
            )
            return
        self.stdout.write(
            f"Audit trail BROKEN at event #{report.first_bad_seq}: {PROBLEMS.get(report.problem, report.problem)}."
            f" {report.checked} events verified before it; head #{report.head_seq} {report.head_hash}"
        )
        raise CommandError(f"audit event #{report.first_bad_seq} {report.problem}", returncode=1)
