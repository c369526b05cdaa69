"""PostgreSQL: the normalised number compared byte by byte (``COLLATE "C"``).

Numbers are upper-case ASCII letters and digits (junk is flagged and never compared), so the byte
order is the only order that matters; with the database's default collation every comparison of the
number index (probes, inserts, sorts) went through the C library's ``strcoll``. The column's type is
unchanged (no table rewrite; the number index is rebuilt). SQLite compares bytes already: nothing to do.
Note: a later ``AlterField`` of ``number`` must keep the collation (Django does not know it).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _alter(collation: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            f"ALTER TABLE tracking_trackingnumber ALTER COLUMN number TYPE varchar(40) COLLATE {collation}"
        )

    return run


class Migration(migrations.Migration):
    dependencies = [("tracking", "0001_initial")]

    operations = [migrations.RunPython(_alter('"C"'), _alter("pg_catalog.\"default\""))]
