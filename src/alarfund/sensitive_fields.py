"""Model fields for sensitive personal data (see ``alarfund.sensitive``).

``EncryptedTextField``: in Python the plain value, in the database only ciphertext. It cannot be used
in queries (each encryption uses a fresh nonce, so equal values differ): look values up through a
``LookupHashField`` that keeps the keyed hash of another field, computed on every save.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from . import sensitive


class EncryptedTextField(models.TextField):
    description = "Text encrypted at field level (AES-256-GCM)"

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return sensitive.decrypt(value, kind=self.kind)

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return sensitive.encrypt(str(value), kind=self.kind)

    def get_lookup(self, lookup_name: str) -> Any:
        # Equality on ciphertext never matches: refuse every lookup but "is null" (use the hash).
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, name: str) -> Any:
        return None


class LookupHashField(models.CharField):
    """The keyed hash (HMAC-SHA256, hex) of the field ``source``, kept up to date on save."""

    description = "Keyed hash of another field, for lookups"

    def __init__(self, *args: Any, source: str, kind: str, **kwargs: Any) -> None:
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["kind"] = self.kind
        kwargs["editable"] = self.editable
        kwargs["db_index"] = self.db_index
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = sensitive.lookup_hash(getattr(model_instance, self.source) or "", kind=self.kind)
        setattr(model_instance, self.attname, value)
        return value
