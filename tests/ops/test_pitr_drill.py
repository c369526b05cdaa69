"""Security checklist 37: the point-in-time recovery drill restores the database as it was at T.

The drill (`ops/pitr_drill.py`) runs its own throw-away PostgreSQL clusters (a primary with WAL
archiving and a restored one on other ports); it runs in the PostgreSQL pass of the suite.
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

DRILL = Path(__file__).resolve().parents[2] / "ops" / "pitr_drill.py"

pytestmark = pytest.mark.postgres


def test_restore_to_t_matches_the_snapshot_at_t() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the drill runs in the PostgreSQL pass")
    if not (os.environ.get("ALARFUND_PG_BIN") or glob.glob("/usr/lib/postgresql/*/bin/initdb")):
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true: PostgreSQL's server binaries are needed for the PITR drill")
        pytest.skip("PostgreSQL server binaries (initdb, pg_basebackup) are not installed")
    done = subprocess.run([sys.executable, str(DRILL)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    result = json.loads(done.stdout[: done.stdout.rindex("}") + 1])
    assert result["matches"] and result["after_t_differs"]
    assert result["restored"] == result["at_t"]
    assert int(result["at_t"]["payments"].split("|")[0]) > 0  # the demo's money is in it
    assert result["audit_verify"].startswith("Audit trail intact")
    assert "MATCHES the snapshot at T" in done.stdout
