"""`alarfund retention` (= `alarfund manage retention`): run the retention job (docs/retention.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from alarfund.retention.services import retention_run


class Command(BaseCommand):
    help = "Copy the audit trail to the separate store and delete personal data whose retention ended."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be deleted, change nothing"
        )
        parser.add_argument("--now", help="run as of this moment (ISO 8601; for checks and tests)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options["now"]:
            try:
                now = dt.datetime.fromisoformat(options["now"])
            except ValueError:
                raise CommandError(f"--now: not an ISO 8601 date and time: {options['now']!r}") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        report = retention_run(now=now, dry_run=options["dry_run"])
        verb = "would delete" if report.dry_run else "deleted"
        self.stdout.write(
            f"Retention as of {timezone.localtime(report.now).isoformat(timespec='seconds')}: audit events copied to the archive: "
            f"{report.audit_archived} (kept in the database: {report.audit_events}); sensitive files "
            f"{verb}: {len(report.purged_files)}; kept under a legal hold: {len(report.held_files)}; "
            f"objector contacts {'to anonymise' if report.dry_run else 'anonymised'}: "
            f"{len(report.anonymised_objections)}; expired form tokens removed: {report.expired_tokens}"
        )
