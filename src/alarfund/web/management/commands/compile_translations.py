"""``alarfund manage compile_translations``: .po → .mo without GNU gettext (see web/i18n_tools.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from alarfund.web.i18n_tools import compile_file


class Command(BaseCommand):
    help = "Compile the platform's .po catalogues to .mo files (pure Python; msgfmt is not needed)."

    def handle(self, *args: Any, **options: Any) -> None:
        for folder in settings.LOCALE_PATHS:
            for po_path in sorted(Path(folder).glob("*/LC_MESSAGES/*.po")):
                mo_path = compile_file(po_path)
                self.stdout.write(f"compiled {mo_path}")
