"""Settings for the test suite (pytest-django). ``DATABASE_URL`` picks PostgreSQL; SQLite otherwise."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("ALARFUND_DATA_DIR", os.path.join(tempfile.gettempdir(), "alarfund-test-data"))

from .base import *  # noqa: F403
from .base import PASSWORD_HASHERS as _PRODUCTION_HASHERS

# A fast hasher for the suite; tests that check Argon2 switch back with override_settings.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *_PRODUCTION_HASHERS]
ARGON2_PASSWORD_HASHERS = _PRODUCTION_HASHERS

# No collectstatic in tests: plain storage resolves {% static %} without a manifest.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False}

# Static files straight from the source folders (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # noqa: F405
