from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from alarfund.accounts.choices import Role


@pytest.fixture(autouse=True)
def documents_dir(tmp_path: Path, settings: Any) -> Path:
    folder = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "file_permissions_mode": 0o600},
        },
    }
    return folder


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user(Role.BUREAU_OFFICER)
