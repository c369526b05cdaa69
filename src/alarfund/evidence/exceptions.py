"""Errors of the evidence app."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _


class UploadRefused(ValidationError):
    """An upload that is not accepted: ``messages`` says why in the active language, ``code`` is a
    stable reason (logs, audit, tests). Nothing has been stored when this is raised."""

    def __init__(self, message: str | Promise, *, code: str, filename: str = "") -> None:
        text = str(message)
        if filename:
            text = _("“%(name)s”: %(reason)s") % {"name": filename, "reason": text}
        super().__init__(text, code=code)
        self.filename = filename
        self.reason_code = code
