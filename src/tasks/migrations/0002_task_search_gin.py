"""Full-text search index, on PostgreSQL only (SQLite searches with LIKE and has no GIN).

The indexed expression must match tasks.query.search_vector() exactly for the planner to use it.
CONCURRENTLY is not used: it cannot run inside the migration's transaction, and the table is
small when this first runs.
"""

from django.db import migrations

INDEX = "task_search_gin"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON tasks_task USING gin ("
    "to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(description, ''))"
    ") WHERE deleted_at IS NULL"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("tasks", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
