"""Reading configuration from the environment, without Django.

The single-machine default keeps everything it needs in one data folder (``ALARFUND_DATA_DIR``, default
``./var``): the SQLite database, a generated secret key and the private documents.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
FIELD_KEY_FILE = "field_key"


def text(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def integer(name: str, default: int) -> int:
    raw = text(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def items(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; empty entries are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [part.strip() for part in raw.split(",") if part.strip()]


def data_dir() -> Path:
    """The data folder (created if missing, private to the user running the platform)."""
    path = Path(text("ALARFUND_DATA_DIR", "var")).expanduser().resolve()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def generated_secret_key(folder: Path) -> str:
    """The secret key kept in ``folder``: generated once (mode 0600) and then reused.

    Creation uses O_EXCL so that two processes starting together agree on one key.
    """
    path = folder / SECRET_KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if len(key) < 50:
            raise ImproperlyConfigured(f"{path} is too short to be a secret key") from None
        return key
    key = secrets.token_urlsafe(64)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def secret_key(folder: Path) -> str:
    """``ALARFUND_SECRET_KEY`` if set, otherwise the generated key in the data folder."""
    return text("ALARFUND_SECRET_KEY") or generated_secret_key(folder)


def generated_field_key(folder: Path) -> str:
    """The field-encryption master key kept in ``folder`` (base64 of 32 random bytes): generated once
    (mode 0600, O_EXCL, like the secret key) and then reused. Losing it loses the encrypted ID numbers
    and bank accounts: back it up with the database, but not in the same place."""
    from alarfund.sensitive import SensitiveDataError, new_master_key, parse_master_key

    path = folder / FIELD_KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        try:
            parse_master_key(key)
        except SensitiveDataError as exc:
            raise ImproperlyConfigured(f"{path}: {exc}") from None
        return key
    key = new_master_key()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def field_keys(folder: Path) -> list[str]:
    """Master keys for field-level encryption, current first.

    ``ALARFUND_FIELD_KEY`` (base64, 32 bytes) if set, otherwise the generated key in the data folder;
    then the retired keys of ``ALARFUND_FIELD_KEYS_RETIRED`` (comma-separated), which still decrypt
    values written before a rotation (``alarfund manage rotate_field_key`` re-encrypts them).
    """
    from alarfund.sensitive import SensitiveDataError, parse_master_key

    keys = [text("ALARFUND_FIELD_KEY") or generated_field_key(folder)]
    keys += items("ALARFUND_FIELD_KEYS_RETIRED", [])
    for index, key in enumerate(keys):
        name = "ALARFUND_FIELD_KEY" if index == 0 else "ALARFUND_FIELD_KEYS_RETIRED"
        try:
            parse_master_key(key)
        except SensitiveDataError as exc:
            raise ImproperlyConfigured(f"{name}: {exc}") from None
    return keys


def database(folder: Path) -> dict[str, object]:
    """``DATABASE_URL`` (PostgreSQL via psycopg 3), by default a SQLite file in the data folder."""
    import dj_database_url

    url = text("DATABASE_URL") or f"sqlite:///{folder / 'alarfund.sqlite3'}"
    if url.startswith("sqlite"):
        config = dict(dj_database_url.parse(url))
        # WAL lets the web process read while the worker writes; IMMEDIATE takes the write lock at
        # BEGIN so that concurrent writers queue (busy timeout) instead of failing mid-transaction.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        return config
    config = dict(
        dj_database_url.parse(
            url,
            conn_max_age=integer("ALARFUND_DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    )
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must be a sqlite:// or postgres:// URL")
    return config


def storages(folder: Path) -> dict[str, dict[str, object]]:
    """Where files live.

    ``documents`` holds the applicants' private documents: a folder inside the data folder that no URL
    serves (there is no MEDIA_URL), or an S3-compatible bucket when ``ALARFUND_S3_BUCKET`` is set.
    """
    bucket = text("ALARFUND_S3_BUCKET")
    if bucket:
        options: dict[str, object] = {
            "bucket_name": bucket,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            "location": text("ALARFUND_S3_PREFIX", "documents"),
        }
        optional = {
            "endpoint_url": "ALARFUND_S3_ENDPOINT_URL",
            "region_name": "ALARFUND_S3_REGION",
            "access_key": "ALARFUND_S3_ACCESS_KEY",
            "secret_key": "ALARFUND_S3_SECRET_KEY",
        }
        for option, variable in optional.items():
            if value := text(variable):
                options[option] = value
        documents: dict[str, object] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    else:
        location = Path(text("ALARFUND_DOCUMENTS_DIR") or folder / "documents")
        documents = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": str(location),
                "base_url": None,
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        }
    return {
        "default": documents,
        "documents": documents,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }


def email() -> dict[str, object]:
    """E-mail: printed on the console unless ``ALARFUND_SMTP_HOST`` is set."""
    host = text("ALARFUND_SMTP_HOST")
    sender = text("ALARFUND_EMAIL_FROM", "alarfund@localhost")
    if not host:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "DEFAULT_FROM_EMAIL": sender,
            "SERVER_EMAIL": sender,
        }
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": host,
        "EMAIL_PORT": integer("ALARFUND_SMTP_PORT", 587),
        "EMAIL_HOST_USER": text("ALARFUND_SMTP_USER"),
        "EMAIL_HOST_PASSWORD": text("ALARFUND_SMTP_PASSWORD"),
        "EMAIL_USE_TLS": flag("ALARFUND_SMTP_STARTTLS", True),
        "EMAIL_USE_SSL": flag("ALARFUND_SMTP_SSL", False),
        "EMAIL_TIMEOUT": 20,
        "DEFAULT_FROM_EMAIL": sender,
        "SERVER_EMAIL": sender,
    }
