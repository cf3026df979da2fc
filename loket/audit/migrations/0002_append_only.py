"""A database trigger that refuses UPDATE and DELETE on the audit log (PostgreSQL).

PostgreSQL is the production database. On SQLite (development, the demo) the model's own
refusal is the guard: a SQLite trigger would also refuse the test runner's table flush.
TRUNCATE (the PostgreSQL test flush) fires no row trigger.
"""

from django.db import migrations

PG_UP = """
CREATE FUNCTION audit_auditentry_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are never edited or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditentry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_refuse();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_auditentry_refuse();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
