"""Per-user, per-status task counts, maintained by triggers on tasks_task.

PostgreSQL: statement-level triggers with transition tables, so a bulk insert of 100,000 rows
updates each counter once, not 100,000 times, and an edit that changes neither status nor
deleted_at writes (and locks) nothing. SQLite has no statement-level triggers: row-level ones.
Existing tasks are counted once here. The upserts lock counter rows in (user, status) order,
so two transactions changing the same user's counters can never deadlock each other.
"""

from django.conf import settings
from django.db import migrations, models

UPSERT = "ON CONFLICT (user_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total"

POSTGRES = [
    f"""
    CREATE FUNCTION tasks_taskcount_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tasks_taskcount (user_id, status, total)
        SELECT user_id, status, count(*) FROM new_rows WHERE deleted_at IS NULL
        GROUP BY user_id, status
        ORDER BY user_id, status
        {UPSERT};
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE FUNCTION tasks_taskcount_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tasks_taskcount (user_id, status, total)
        SELECT user_id, status, sum(n) FROM (
            SELECT user_id, status, -1 AS n FROM old_rows WHERE deleted_at IS NULL
            UNION ALL
            SELECT user_id, status, 1 AS n FROM new_rows WHERE deleted_at IS NULL
        ) AS delta
        GROUP BY user_id, status HAVING sum(n) <> 0
        ORDER BY user_id, status
        {UPSERT};
        DELETE FROM tasks_taskcount
        WHERE total = 0 AND user_id IN (SELECT user_id FROM old_rows);
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE FUNCTION tasks_taskcount_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tasks_taskcount (user_id, status, total)
        SELECT user_id, status, -count(*) FROM old_rows WHERE deleted_at IS NULL
        GROUP BY user_id, status
        ORDER BY user_id, status
        {UPSERT};
        DELETE FROM tasks_taskcount
        WHERE total = 0 AND user_id IN (SELECT user_id FROM old_rows);
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER tasks_taskcount_insert AFTER INSERT ON tasks_task
       REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION tasks_taskcount_insert()""",
    """CREATE TRIGGER tasks_taskcount_update AFTER UPDATE ON tasks_task
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION tasks_taskcount_update()""",
    """CREATE TRIGGER tasks_taskcount_delete AFTER DELETE ON tasks_task
       REFERENCING OLD TABLE AS old_rows
       FOR EACH STATEMENT EXECUTE FUNCTION tasks_taskcount_delete()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS tasks_taskcount_insert ON tasks_task",
    "DROP TRIGGER IF EXISTS tasks_taskcount_update ON tasks_task",
    "DROP TRIGGER IF EXISTS tasks_taskcount_delete ON tasks_task",
    "DROP FUNCTION IF EXISTS tasks_taskcount_insert()",
    "DROP FUNCTION IF EXISTS tasks_taskcount_update()",
    "DROP FUNCTION IF EXISTS tasks_taskcount_delete()",
]


def _sqlite_add(row: str, sign: str) -> str:
    return (
        f"INSERT INTO tasks_taskcount (user_id, status, total) "
        f"SELECT {row}.user_id, {row}.status, {sign}1 WHERE {row}.deleted_at IS NULL {UPSERT};"
    )


SQLITE_PRUNE = "DELETE FROM tasks_taskcount WHERE total = 0 AND user_id = OLD.user_id;"
SQLITE = [
    f"""CREATE TRIGGER tasks_taskcount_insert AFTER INSERT ON tasks_task
        BEGIN {_sqlite_add("NEW", "")} END""",
    f"""CREATE TRIGGER tasks_taskcount_update AFTER UPDATE OF user_id, status, deleted_at
        ON tasks_task
        WHEN OLD.user_id IS NOT NEW.user_id OR OLD.status IS NOT NEW.status
          OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
        BEGIN {_sqlite_add("OLD", "-")} {_sqlite_add("NEW", "")} {SQLITE_PRUNE} END""",
    f"""CREATE TRIGGER tasks_taskcount_delete AFTER DELETE ON tasks_task
        BEGIN {_sqlite_add("OLD", "-")} {SQLITE_PRUNE} END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS tasks_taskcount_insert",
    "DROP TRIGGER IF EXISTS tasks_taskcount_update",
    "DROP TRIGGER IF EXISTS tasks_taskcount_delete",
]
BACKFILL = (
    "INSERT INTO tasks_taskcount (user_id, status, total) "
    "SELECT user_id, status, count(*) FROM tasks_task WHERE deleted_at IS NULL "
    "GROUP BY user_id, status"
)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRES, "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"task count triggers are written for PostgreSQL and SQLite, not {vendor}")
    for sql in statements:
        schema_editor.execute(sql)
    schema_editor.execute(BACKFILL)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0002_task_search_document"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TaskCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("status", models.CharField(choices=[("pending", "Pending"), ("in_progress", "In progress"), ("completed", "Completed")], max_length=12)),
                ("total", models.IntegerField()),
                ("user", models.ForeignKey(db_constraint=False, on_delete=models.deletion.DO_NOTHING, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("user", "status"), name="taskcount_user_status")],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
