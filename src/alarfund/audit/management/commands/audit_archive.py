"""`alarfund audit archive` / `alarfund audit verify-archive`: the copies in the separate store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from alarfund.audit.archive import archive_audit, verify_archive


class Command(BaseCommand):
    help = "Copy new audit events to the archive directory, or compare the archive with the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--verify", action="store_true", help="compare instead of copying")
        parser.add_argument("--directory", help="the archive (default: ALARFUND_AUDIT_ARCHIVE_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"] or settings.ALARFUND_AUDIT_ARCHIVE_DIR)
        if options["verify"]:
            check = verify_archive(directory)
            if not check.ok:
                self.stdout.write(f"Audit archive MISMATCH at event #{check.first_bad_seq}: {check.problem}.")
                raise CommandError(f"audit event #{check.first_bad_seq}: {check.problem}", returncode=1)
            self.stdout.write(f"Audit archive matches the database: {check.checked} events.")
            return
        report = archive_audit(directory)
        self.stdout.write(
            f"Audit archive: {report.written} events copied in {report.segments} segments; "
            f"archived up to #{report.last_seq}."
        )
