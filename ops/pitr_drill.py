#!/usr/bin/env python3
"""Point-in-time recovery drill (security checklist 37): restore the platform's PostgreSQL database to a
moment T on a fresh cluster ("a new host") and prove it is the database as it was at T.

1. A throw-away primary cluster with continuous WAL archiving (`archive_command`), migrated and seeded
   with the whole demo (rounds, plans, notice, approval, payments, clawback, audit trail).
2. A base backup (`pg_basebackup`), then the snapshot at T: row counts and sums of the money tables and
   the audit chain's head (sequence number and hash).
3. Writes after T (audit events, a commitment), a WAL switch, and the primary is stopped: it is lost.
4. A new cluster from the base backup and the archive with `recovery_target_time = T`, on another port.
   RTO is measured from here to the platform booting on it (`check`, `audit verify`).
5. The restored database must equal the snapshot at T exactly, contain none of the later writes, and
   its audit chain must verify. RPO with this configuration is bounded by `archive_timeout` (the
   segment not yet archived when the primary is lost); in the drill nothing committed before T is lost.

Prints the figures; exit 0 when the restore matches, 1 otherwise. Needs PostgreSQL's server binaries
(`ALARFUND_PG_BIN`, default the newest /usr/lib/postgresql/*/bin); as root it runs them as `postgres`.
Usage: `.venv/bin/python ops/pitr_drill.py [--keep]`.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALARFUND = str(Path(sys.executable).with_name("alarfund"))
PRIMARY_PORT, RESTORED_PORT = 55431, 55432
ARCHIVE_TIMEOUT_S = 60

#: What must be identical at T: (label, SQL) — counts and sums of the money and the trail.
SNAPSHOT_SQL = {
    "payments": "SELECT count(*), coalesce(sum(amount), 0) FROM payments_payment",
    "payment_batches": "SELECT count(*), coalesce(sum(total), 0) FROM payments_paymentbatch",
    "recoveries": "SELECT count(*), coalesce(sum(amount), 0) FROM payments_recovery",
    "commitments": "SELECT count(*), coalesce(sum(amount), 0) FROM plans_commitment",
    "plan_versions": "SELECT count(*), coalesce(sum(total), 0) FROM plans_planversion",
    "applications": "SELECT count(*), 0 FROM applications_application",
    "audit_events": "SELECT count(*), max(seq) FROM audit_auditevent",
    "audit_head": "SELECT seq, last_hash FROM audit_auditchainhead",
}


def pg_bin() -> Path:
    configured = os.environ.get("ALARFUND_PG_BIN")
    if configured:
        return Path(configured)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if not found:
        raise SystemExit("PostgreSQL server binaries not found (set ALARFUND_PG_BIN)")
    return Path(found[-1])


def as_postgres(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *args], check=True, text=True, capture_output=True, **kwargs)  # type: ignore[call-overload]


def psql(port: int, sql: str, database: str = "alarfund") -> str:
    out = subprocess.run(
        [
            str(pg_bin() / "psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "-d",
            database,
            "-At",
            "-F",
            "|",
            "-c",
            sql,
        ],
        check=True,
        text=True,
        capture_output=True,
    )
    return out.stdout.strip()


def platform(port: int, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/alarfund",
        "ALARFUND_DATA_DIR": str(data_dir),
    }
    return subprocess.run([ALARFUND, *args], check=True, text=True, capture_output=True, env=env)


def configure(cluster: Path, port: int, socket_dir: Path, extra: dict[str, str]) -> None:
    settings = {
        "port": str(port),
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": f"'{socket_dir}'",
        **extra,
    }
    with open(cluster / "postgresql.auto.conf", "a", encoding="utf-8") as handle:
        for key, value in settings.items():
            handle.write(f"{key} = {value}\n")


def snapshot(port: int) -> dict[str, str]:
    return {label: psql(port, sql) for label, sql in SNAPSHOT_SQL.items()}


def drill(work: Path) -> dict[str, object]:
    binaries = pg_bin()
    primary, restored, archive, base, data = (
        work / n for n in ("primary", "restored", "wal", "base", "data")
    )
    for folder in (archive, data):
        folder.mkdir()
    if os.geteuid() == 0:
        shutil.chown(work, "postgres", "postgres")
        shutil.chown(archive, "postgres", "postgres")
    as_postgres([str(binaries / "initdb"), "-D", str(primary), "-A", "trust", "-U", "postgres", "--no-sync"])
    configure(
        primary,
        PRIMARY_PORT,
        work,
        {
            "wal_level": "replica",
            "archive_mode": "on",
            "archive_command": f"'test ! -f {archive}/%f && cp %p {archive}/%f'",
            "archive_timeout": str(ARCHIVE_TIMEOUT_S),
        },
    )
    as_postgres(
        [str(binaries / "pg_ctl"), "-D", str(primary), "-l", str(work / "primary.log"), "-w", "start"]
    )
    try:
        psql(PRIMARY_PORT, "CREATE DATABASE alarfund", database="postgres")
        seeded = time.monotonic()
        platform(PRIMARY_PORT, data, "manage", "migrate", "--no-input")
        platform(PRIMARY_PORT, data, "demo")
        seed_seconds = time.monotonic() - seeded
        as_postgres(
            [
                str(binaries / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(PRIMARY_PORT),
                "-U",
                "postgres",
                "-D",
                str(base),
                "-X",
                "stream",
                "-c",
                "fast",
            ]
        )
        # Writes between the backup and T must be recovered from the archive, not the backup.
        platform(
            PRIMARY_PORT,
            data,
            "manage",
            "shell",
            "-c",
            "from alarfund.audit.services import audit_record; audit_record(action='drill.before_t')",
        )
        at_t = snapshot(PRIMARY_PORT)
        target = psql(PRIMARY_PORT, "SELECT now()")
        time.sleep(1.5)
        platform(
            PRIMARY_PORT,
            data,
            "manage",
            "shell",
            "-c",
            "from alarfund.audit.services import audit_record\n"
            "for n in range(3): audit_record(action='drill.after_t', details={'n': n})\n"
            "from django.db import connection\n"
            'connection.cursor().execute("UPDATE plans_commitment SET amount = amount + 1")',
        )
        after_t = snapshot(PRIMARY_PORT)
        # The segment holding the writes after T must reach the archive (recovery stops at the first
        # commit after T, so it must see one).
        switched = psql(PRIMARY_PORT, "SELECT pg_walfile_name(pg_switch_wal())")
        deadline = time.monotonic() + 60
        while psql(PRIMARY_PORT, "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver") < switched:
            if time.monotonic() > deadline:
                raise SystemExit(f"WAL segment {switched} was not archived in 60 s")
            time.sleep(0.2)
    finally:
        as_postgres([str(binaries / "pg_ctl"), "-D", str(primary), "-m", "immediate", "-w", "stop"])

    # The primary is lost. A new cluster from the base backup and the archive, recovered to T.
    started = time.monotonic()
    shutil.copytree(base, restored)
    if os.geteuid() == 0:
        for folder, _dirs, names in os.walk(restored):
            shutil.chown(folder, "postgres", "postgres")
            for name in names:
                shutil.chown(Path(folder) / name, "postgres", "postgres")
    os.chmod(restored, 0o700)
    configure(
        restored,
        RESTORED_PORT,
        work,
        {
            "archive_mode": "off",
            "restore_command": f"'cp {archive}/%f %p'",
            "recovery_target_time": f"'{target}'",
            "recovery_target_action": "'promote'",
        },
    )
    (restored / "recovery.signal").touch()
    if os.geteuid() == 0:
        shutil.chown(restored / "recovery.signal", "postgres", "postgres")
    as_postgres(
        [
            str(binaries / "pg_ctl"),
            "-D",
            str(restored),
            "-l",
            str(work / "restored.log"),
            "-w",
            "-t",
            "120",
            "start",
        ]
    )
    try:
        deadline = time.monotonic() + 120
        while psql(RESTORED_PORT, "SELECT pg_is_in_recovery()", database="postgres") == "t":
            if time.monotonic() > deadline:
                raise SystemExit("recovery did not finish in 120 s")
            time.sleep(0.2)
        platform(RESTORED_PORT, data, "manage", "check")
        verify = platform(RESTORED_PORT, data, "audit", "verify").stdout.strip()
        rto = time.monotonic() - started
        restored_snapshot = snapshot(RESTORED_PORT)
    finally:
        as_postgres([str(binaries / "pg_ctl"), "-D", str(restored), "-m", "fast", "-w", "stop"])
    return {
        "target_time": target,
        "seed_seconds": round(seed_seconds, 1),
        "rto_seconds": round(rto, 1),
        "rpo_bound_seconds": ARCHIVE_TIMEOUT_S,
        "at_t": at_t,
        "restored": restored_snapshot,
        "after_t_differs": after_t != at_t,
        "audit_verify": verify,
        "matches": restored_snapshot == at_t and after_t != at_t and verify.startswith("Audit trail intact"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the work folder (clusters, archive, logs)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="alarfund-pitr-"))
    os.chmod(work, 0o755)  # noqa: S103 - the clusters' owner (postgres) must reach its folders in it
    try:
        result = drill(work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(
        f"PITR drill: restored to {result['target_time']}; RTO {result['rto_seconds']} s (restore to the platform "
        f"booting and the audit chain verified); RPO ≤ {result['rpo_bound_seconds']} s (archive_timeout); "
        f"{'MATCHES' if result['matches'] else 'DOES NOT MATCH'} the snapshot at T."
    )
    return 0 if result["matches"] else 1


if __name__ == "__main__":
    sys.exit(main())
