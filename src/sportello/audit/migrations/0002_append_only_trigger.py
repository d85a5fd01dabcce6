"""On PostgreSQL, refuse UPDATE and DELETE of audit rows in the database itself.

Only clearing actor/subject (when a user row is removed) is allowed; nothing else may change.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'audit events are append-only';
  END IF;
  IF (NEW.id, NEW.at, NEW.actor_label, NEW.action, NEW.subject_label, NEW.object_type,
      NEW.object_id, NEW.ip_address, NEW.user_agent, NEW.details::text)
     IS DISTINCT FROM
     (OLD.id, OLD.at, OLD.actor_label, OLD.action, OLD.subject_label, OLD.object_type,
      OLD.object_id, OLD.ip_address, OLD.user_agent, OLD.details::text) THEN
    RAISE EXCEPTION 'audit events are append-only';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
