"""PostgreSQL: the database also refuses DELETE of audit events, and the chain head may only advance.

0002 refused UPDATE (SQLite and PostgreSQL). On PostgreSQL this adds:

* ``audit_event_no_delete``: BEFORE DELETE on every audit event row raises, for every role the
  application connects as (row triggers fire for the table's owner and for superusers too). Only a
  superuser who deliberately switches triggers off (``session_replication_role = replica``) or an owner
  who drops them can get past, and the hash chain then shows what they changed (``alarfund audit
  verify``).
* ``audit_head_advance_only``: the one-row chain head may only move forward by exactly one event, to
  the hash of the event just written, and cannot be deleted; so the head cannot be rewound to hide
  events removed from the end.

TRUNCATE is a table privilege, not a row event: the deployment gives the application's role no TRUNCATE
(see docs/adr/0010-review-procedure.md); test databases are flushed with it.

SQLite keeps only the UPDATE trigger of 0002: its test databases are flushed with DELETE.
"""

from django.db import migrations

POSTGRES_UP = [
    """
    CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
    """,
    """
    CREATE OR REPLACE FUNCTION audit_head_advance_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit chain head cannot be deleted';
      END IF;
      IF NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 OR NOT EXISTS (
        SELECT 1 FROM audit_auditevent WHERE seq = NEW.seq AND hash = NEW.last_hash
      ) THEN
        RAISE EXCEPTION 'the audit chain head only advances to the event just written';
      END IF;
      RETURN NEW;
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_head_advance_only BEFORE UPDATE OR DELETE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION audit_head_advance_only()
    """,
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_head_advance_only ON audit_auditchainhead",
    "DROP FUNCTION IF EXISTS audit_head_advance_only()",
    "DROP TRIGGER IF EXISTS audit_event_no_delete ON audit_auditevent",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [migrations.RunPython(forwards, backwards)]
