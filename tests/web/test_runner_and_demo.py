"""The console commands: manage passthrough, demo (idempotent, usable TOTP), serve with its worker."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from alarfund import runner
from alarfund.accounts.choices import Role
from alarfund.accounts.demo import USERS, print_logins, seed_accounts
from alarfund.accounts.models import Organisation, User
from alarfund.accounts.uscc import validate_uscc


@pytest.mark.django_db
def test_demo_is_idempotent_with_one_user_per_role() -> None:
    first = seed_accounts()
    counts = (User.objects.count(), Organisation.objects.count(), TOTPDevice.objects.count())
    second = seed_accounts()
    assert counts == (User.objects.count(), Organisation.objects.count(), TOTPDevice.objects.count())
    assert [(x.username, x.totp_secret) for x in first] == [(x.username, x.totp_secret) for x in second]
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert Organisation.objects.count() >= 3
    for organisation in Organisation.objects.all():
        assert validate_uscc(organisation.uscc) == organisation.uscc
    assert {o.org_type for o in Organisation.objects.all()} >= {"enterprise", "individual_business"}


@pytest.mark.django_db
def test_demo_logins_work_and_totp_code_command(capsys) -> None:
    logins = seed_accounts()
    out = io.StringIO()
    print_logins(logins, out)
    text = out.getvalue()
    for spec in USERS:
        assert spec.username in text and spec.password in text
    assert "alarfund manage demo_totp" in text and "otpauth://totp/" in text

    officer = next(x for x in logins if x.username == "shangwu")
    client = Client()
    response = client.post("/accounts/login/", {"username": officer.username, "password": officer.password})
    assert response.status_code == 302
    command_out = io.StringIO()
    call_command("demo_totp", "shangwu", stdout=command_out)
    code = re.match(r"(\d{6})", command_out.getvalue()).group(1)  # type: ignore[union-attr]
    assert client.post("/accounts/two-factor/", {"token": code}).status_code == 302
    assert client.get("/review/second/").status_code == 200


@pytest.mark.django_db
def test_demo_totp_refuses_non_demo_accounts(make_user) -> None:
    from django.core.management.base import CommandError

    user = make_user(Role.BUREAU_OFFICER)
    with pytest.raises(CommandError):
        call_command("demo_totp", user.username)


@pytest.mark.django_db
def test_fresh_install_has_no_accounts() -> None:
    assert User.objects.count() == 0


def test_manage_passthrough_returns_the_exit_code(capsys) -> None:
    assert runner.manage(["check"]) == 0
    assert runner.manage(["no_such_command"]) == 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc to find the worker")
def test_serve_migrates_serves_with_a_worker_and_stops_it(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALARFUND_", "DJANGO_", "DATABASE_URL"))}
    env["ALARFUND_DATA_DIR"] = str(tmp_path / "data")
    process = subprocess.Popen(
        [sys.executable, "-m", "alarfund.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        body = b""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                    body = reply.read()
                    break
            except OSError:
                time.sleep(0.5)
        assert body == b'{"status": "ok"}'
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as reply:
            html = reply.read().decode()
            assert reply.headers["Server"] == "alarfund"
        static = re.search(r'src="(/static/vendor/htmx/htmx\.min\.[0-9a-f]+\.js)"', html)
        assert static, "hashed static URL from the manifest"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{static.group(1)}", timeout=5) as reply:
            assert reply.status == 200
        deadline = time.monotonic() + 30
        workers: list[int] = []
        while time.monotonic() < deadline and not workers:
            workers = _children(process.pid)
            time.sleep(0.2)
        assert workers, "the background worker runs as a child process"
        assert (tmp_path / "data" / "alarfund.sqlite3").exists()
        assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o777 == 0o600
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=60)[0].decode()
    assert process.returncode == 0, output
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
    assert "background worker stopped" in output
