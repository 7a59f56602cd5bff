# ruff: noqa: S608  (SQL built from this module's constants, never from input)
"""Task-count triggers per (user, project, status), replacing 0003's per (user, status) ones.

Kept outside migrations/ (a module there must be a migration) and imported by 0006; change
the triggers only with a new migration that drops and recreates them.

The same design as 0003: statement-level triggers with transition tables on PostgreSQL (a bulk
insert updates each counter once), row-level ones on SQLite, and upserts in key order so two
transactions changing one user's counters cannot deadlock. An update that changes no counted
column (title, due date...) writes nothing on SQLite and an empty delta on PostgreSQL.
"""

KEY = "user_id, project_id, status"
UPSERT = f"ON CONFLICT ({KEY}) DO UPDATE SET total = tasks_taskcount.total + excluded.total"

POSTGRES = [
    f"""
    CREATE FUNCTION tasks_taskcount_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tasks_taskcount ({KEY}, total)
        SELECT {KEY}, count(*) FROM new_rows WHERE deleted_at IS NULL
        GROUP BY {KEY}
        ORDER BY {KEY}
        {UPSERT};
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE FUNCTION tasks_taskcount_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tasks_taskcount ({KEY}, total)
        SELECT {KEY}, sum(n) FROM (
            SELECT {KEY}, -1 AS n FROM old_rows WHERE deleted_at IS NULL
            UNION ALL
            SELECT {KEY}, 1 AS n FROM new_rows WHERE deleted_at IS NULL
        ) AS delta
        GROUP BY {KEY} HAVING sum(n) <> 0
        ORDER BY {KEY}
        {UPSERT};
        DELETE FROM tasks_taskcount
        WHERE total = 0 AND user_id IN (SELECT user_id FROM old_rows);
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE FUNCTION tasks_taskcount_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tasks_taskcount ({KEY}, total)
        SELECT {KEY}, -count(*) FROM old_rows WHERE deleted_at IS NULL
        GROUP BY {KEY}
        ORDER BY {KEY}
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
        f"INSERT INTO tasks_taskcount ({KEY}, total) "
        f"SELECT {row}.user_id, {row}.project_id, {row}.status, {sign}1 "
        f"WHERE {row}.deleted_at IS NULL {UPSERT};"
    )


SQLITE_PRUNE = "DELETE FROM tasks_taskcount WHERE total = 0 AND user_id = OLD.user_id;"
SQLITE = [
    f"""CREATE TRIGGER tasks_taskcount_insert AFTER INSERT ON tasks_task
        BEGIN {_sqlite_add("NEW", "")} END""",
    f"""CREATE TRIGGER tasks_taskcount_update AFTER UPDATE OF user_id, project_id, status,
        deleted_at ON tasks_task
        WHEN OLD.user_id IS NOT NEW.user_id OR OLD.project_id IS NOT NEW.project_id
          OR OLD.status IS NOT NEW.status
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
    f"INSERT INTO tasks_taskcount ({KEY}, total) "
    f"SELECT {KEY}, count(*) FROM tasks_task WHERE deleted_at IS NULL GROUP BY {KEY}"
)


def vendor_statements(schema_editor, table: dict, what: str = "task count triggers") -> list[str]:
    """The statements for the migrating database's vendor (PostgreSQL or SQLite)."""
    vendor = schema_editor.connection.vendor
    if vendor not in table:
        raise NotImplementedError(f"{what} exist for PostgreSQL and SQLite, not {vendor}")
    return table[vendor]


def create_count_triggers(apps, schema_editor):
    for sql in vendor_statements(schema_editor, {"postgresql": POSTGRES, "sqlite": SQLITE}):
        schema_editor.execute(sql)
    schema_editor.execute("DELETE FROM tasks_taskcount")
    schema_editor.execute(BACKFILL)


def drop_count_triggers(apps, schema_editor):
    for sql in vendor_statements(
        schema_editor, {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}
    ):
        schema_editor.execute(sql)
