"""Form helpers for upload pages (the applications app renders them; the service checks content)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import validation
from .kinds import EXTENSIONS, Kind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def accept_attribute(material_code: str) -> str:
    """The ``accept`` attribute for a material's file input (a hint only; content decides)."""
    kinds = validation.kinds_for(material_code)
    return ",".join(f".{extension}" for kind in kinds for extension in EXTENSIONS[Kind(kind)])


class DocumentFilesField(forms.FileField):
    """One or more files for a material: ``cleaned_data`` is a list. Counts files only; the content is
    checked by ``evidence.services.document_upload``, which explains any refusal."""

    def __init__(self, *, material_code: str, **kwargs: Any) -> None:
        self.material_code = material_code
        attrs = {"accept": accept_attribute(material_code), "multiple": True}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault(
            "help_text",
            _("PDF, JPEG, PNG, XLSX or CSV as accepted for this material; up to %(count)d files.")
            % {"count": validation.max_files()},
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files:
            return [single(None, initial)] if self.required else []
        if len(files) > validation.max_files():
            raise forms.ValidationError(
                _("At most %(count)d files can be uploaded at once.") % {"count": validation.max_files()},
                code="too_many_files",
            )
        return [single(item, initial) for item in files]
