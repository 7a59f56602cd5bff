"""A test-only release's slow migration: an expand step that creates a table and backfills it
from the hot tasks table, then takes a few seconds more (a large backfill, simulated). The web
nodes of the previous release must keep answering /healthz and serving the board meanwhile."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tasks", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE TABLE slowmigration_backfill (task_id bigint PRIMARY KEY, title text)",
            "DROP TABLE slowmigration_backfill",
        ),
        migrations.RunSQL(
            "INSERT INTO slowmigration_backfill SELECT id, title FROM tasks_task",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL("SELECT pg_sleep(4)", migrations.RunSQL.noop),
    ]
