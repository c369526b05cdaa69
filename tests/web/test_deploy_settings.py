"""Settings from the environment; production passes ``check --deploy`` and sends the right headers."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from alarfund.config.settings import env

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "alarfund.config.settings.production",
    "ALARFUND_SECRET_KEY": "k" * 20 + "-production-test-secret-key-that-is-long-enough-0123456789",
    "ALARFUND_ALLOWED_HOSTS": "fund.example.gov.cn",
    "ALARFUND_FIELD_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",  # a test key: 32 bytes
}


def run(args: list[str], tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("ALARFUND_", "DJANGO_", "DATABASE_URL"))
    }
    environment.update({"ALARFUND_DATA_DIR": str(tmp_path / "data"), **extra})
    return subprocess.run(args, env=environment, capture_output=True, text=True, timeout=120, check=False)


def test_check_deploy_passes_with_production_settings(tmp_path: Path) -> None:
    result = run(
        [sys.executable, "-m", "alarfund.cli", "manage", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_or_hosts(tmp_path: Path) -> None:
    no_secret = {**PRODUCTION_ENV, "ALARFUND_SECRET_KEY": ""}
    result = run([sys.executable, "-m", "alarfund.cli", "manage", "check"], tmp_path, **no_secret)
    assert result.returncode != 0 and "ALARFUND_SECRET_KEY" in result.stderr
    no_field_key = {**PRODUCTION_ENV, "ALARFUND_FIELD_KEY": ""}
    result = run([sys.executable, "-m", "alarfund.cli", "manage", "check"], tmp_path, **no_field_key)
    assert result.returncode != 0 and "ALARFUND_FIELD_KEY" in result.stderr
    no_hosts = {**PRODUCTION_ENV, "ALARFUND_ALLOWED_HOSTS": ""}
    result = run([sys.executable, "-m", "alarfund.cli", "manage", "check"], tmp_path, **no_hosts)
    assert result.returncode != 0 and "ALARFUND_ALLOWED_HOSTS" in result.stderr


HEADERS_PROBE = r"""
import django, json
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
client = Client(HTTP_HOST="fund.example.gov.cn")
plain = client.get("/")
secure = client.get("/", secure=True)
login = client.get("/accounts/login/", secure=True)
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "cookies": {name: dict(morsel) | {"secure": morsel["secure"], "httponly": morsel["httponly"]}
                for name, morsel in login.cookies.items()},
}))
"""


def test_production_response_headers(tmp_path: Path) -> None:
    probe_env = {**PRODUCTION_ENV, "DATABASE_URL": "sqlite:///:memory:"}
    result = run([sys.executable, "-c", HEADERS_PROBE], tmp_path, **probe_env)
    assert result.returncode == 0, result.stderr
    import json

    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["plain_status"] == 301 and probe["plain_location"].startswith("https://")
    assert probe["status"] == 200
    headers = probe["headers"]
    hsts = headers["Strict-Transport-Security"]
    assert "includeSubDomains" in hsts
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 365 * 24 * 3600
    csp = headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    csrf = probe["cookies"]["__Host-alarfund_csrf"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"


def test_generated_secret_key_is_private_and_reused(tmp_path: Path) -> None:
    first = env.generated_secret_key(tmp_path)
    mode = stat.S_IMODE((tmp_path / env.SECRET_KEY_FILE).stat().st_mode)
    assert mode == 0o600
    assert len(first) >= 50
    assert env.generated_secret_key(tmp_path) == first


def test_database_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    sqlite = env.database(tmp_path)
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert sqlite["NAME"] == str(tmp_path / "alarfund.sqlite3")
    monkeypatch.setenv("DATABASE_URL", "postgres://app:secret@db.internal:5432/alarfund")
    postgres = env.database(tmp_path)
    assert postgres["ENGINE"] == "django.db.backends.postgresql"
    assert postgres["HOST"] == "db.internal" and postgres["NAME"] == "alarfund"
    monkeypatch.setenv("DATABASE_URL", "mysql://x@y/z")
    with pytest.raises(ImproperlyConfigured):
        env.database(tmp_path)


def test_document_storage_local_by_default_and_s3_when_configured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("ALARFUND_S3_BUCKET", raising=False)
    local = env.storages(tmp_path)["documents"]
    assert local["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert local["OPTIONS"]["location"] == str(tmp_path / "documents")  # type: ignore[index]
    assert local["OPTIONS"]["base_url"] is None  # type: ignore[index]
    monkeypatch.setenv("ALARFUND_S3_BUCKET", "alarfund-docs")
    monkeypatch.setenv("ALARFUND_S3_ENDPOINT_URL", "http://minio.internal:9000")
    s3 = env.storages(tmp_path)["documents"]
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    options = s3["OPTIONS"]
    assert options["bucket_name"] == "alarfund-docs"  # type: ignore[index]
    assert options["default_acl"] == "private" and options["querystring_auth"] is True  # type: ignore[index]
    assert options["endpoint_url"] == "http://minio.internal:9000"  # type: ignore[index]


def test_private_documents_are_not_under_a_served_path(settings) -> None:
    documents = Path(settings.STORAGES["documents"]["OPTIONS"]["location"]).resolve()
    static_root = Path(settings.STATIC_ROOT).resolve()
    assert not documents.is_relative_to(static_root)
    # No route serves files from disk (documents will be sent by a permission-checked view).
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.views.static import serve

    def walk(patterns: list) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                assert pattern.callback is not serve, pattern

    walk(get_resolver().url_patterns)


def test_email_console_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALARFUND_SMTP_HOST", raising=False)
    assert env.email()["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    monkeypatch.setenv("ALARFUND_SMTP_HOST", "smtp.example.gov.cn")
    assert env.email()["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_flag_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "yes")
    assert env.flag("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env.flag("X_FLAG")


def test_tasks_use_the_database_backend(settings) -> None:
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_tasks_db" in settings.INSTALLED_APPS
