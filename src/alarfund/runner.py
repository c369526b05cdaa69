"""The web-side commands of ``alarfund``: serve, worker, demo and manage (see cli.py).

``serve`` is the single-machine default: migrate, collect static files (served by whitenoise), start the
background worker as a child process, and serve with waitress (a production WSGI server). Stopping
``serve`` (Ctrl-C or SIGTERM) stops the worker too.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from types import FrameType

DEFAULT_SETTINGS = "alarfund.config.settings.dev"
_PARENT_ENV = "ALARFUND_SERVE_PID"
logger = logging.getLogger("alarfund.runner")


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    import django

    django.setup()


def manage(argv: list[str]) -> int:
    """Django's management commands: ``alarfund manage migrate``, ``… demo_totp alice`` etc."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["alarfund manage", *argv])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def _prepare() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def _exit_with_parent(parent_pid: int) -> None:
    """Started by ``serve``: stop gracefully if ``serve`` disappears (even when killed with SIGKILL)."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(2)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def worker() -> int:
    """The django-tasks database worker (runs until stopped)."""
    _setup()
    parent = os.environ.get(_PARENT_ENV, "")
    if parent.isdigit():
        _exit_with_parent(int(parent))
    from django.core.management import call_command

    call_command("db_worker", reload=False, verbosity=1)
    return 0


class _WorkerSupervisor:
    """Runs ``alarfund worker`` as a child process and restarts it if it dies (with a back-off)."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)

    def start(self) -> None:
        self._spawn()
        self.thread.start()

    def _spawn(self) -> None:
        with self.lock:
            if self.stopping.is_set():
                return
            env = {**os.environ, _PARENT_ENV: str(os.getpid())}
            self.process = subprocess.Popen([sys.executable, "-m", "alarfund.cli", "worker"], env=env)
            logger.info("background worker started (pid %s)", self.process.pid)

    def _watch(self) -> None:
        delay = 1.0
        while not self.stopping.wait(1.0):
            if self.process is not None and self.process.poll() is not None:
                logger.warning("background worker exited with %s; restarting", self.process.returncode)
                if self.stopping.wait(delay):
                    return
                delay = min(delay * 2, 60.0)
                self._spawn()

    def stop(self) -> None:
        with self.lock:
            self.stopping.set()
            process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        logger.info("background worker stopped")


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def serve(host: str, port: int, worker: bool) -> int:
    """Migrate, collect static files, start the worker and serve with waitress until stopped."""
    _setup()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _prepare()
    from django.core.wsgi import get_wsgi_application
    from waitress import serve as waitress_serve

    application = get_wsgi_application()
    supervisor = _WorkerSupervisor() if worker else None
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        if supervisor is not None:
            supervisor.start()
        print(f"alarfund: serving on http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
        waitress_serve(
            application,
            host=host,
            port=port,
            threads=int(os.environ.get("ALARFUND_THREADS", "8")),
            ident="alarfund",
        )
    except KeyboardInterrupt:
        pass
    finally:
        if supervisor is not None:
            supervisor.stop()
    return 0


def demo() -> int:
    """Seed the demo (idempotent) and print the logins."""
    _setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from alarfund.accounts.demo import print_logins, seed_accounts

    started = time.monotonic()
    logins = seed_accounts()
    print_logins(logins, sys.stdout)
    from alarfund.applications.demo import seed_round_demo

    seed_round_demo(report=lambda line: print(line))
    from alarfund.plans.demo import seed_plan_demo

    seed_plan_demo(report=lambda line: print(line))
    from alarfund.notices.demo import seed_notice_demo

    seed_notice_demo(report=lambda line: print(line))
    from alarfund.payments.demo import seed_payment_demo  # after the notice demo, before oversight

    seed_payment_demo(report=lambda line: print(line))
    from alarfund.oversight.demo import seed_oversight_demo  # reads every other demo: keep it last

    seed_oversight_demo(report=lambda line: print(line))
    logger.debug("demo seeded in %.1fs", time.monotonic() - started)
    return 0
