"""Triggers that bump a user's ListVersion when their tasks, task-tag links, tags or projects
change (see models/listversion.py for why they are deferred on PostgreSQL). Imported by
migration 0010; change them only with a new migration that drops and recreates them."""

from tasks.count_triggers import vendor_statements

WHAT = "list version triggers"
TABLES = ("tasks_task", "tasks_tasktag", "tasks_tag", "tasks_project")

# The owner of a changed row: tasks, tags and projects carry it; a link finds it through its
# task or, when the task went in the same transaction, its tag (if both went, so did a task
# or tag row whose own trigger bumps).
_LINK_OWNER = (
    "COALESCE((SELECT user_id FROM tasks_task WHERE id = {row}.task_id),"
    " (SELECT user_id FROM tasks_tag WHERE id = {row}.tag_id))"
)
# Only for an existing user: the bump at the commit of a user's deletion does nothing.
_BUMP = (
    "INSERT INTO tasks_listversion (user_id, version) SELECT {owner}, 1"
    " WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = {owner})"
    " ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1"
)

POSTGRES = [
    f"""
    CREATE FUNCTION tasks_listversion_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        row_owner bigint;
    BEGIN
        IF TG_TABLE_NAME = 'tasks_tasktag' THEN
            IF TG_OP = 'DELETE' THEN
                row_owner := {_LINK_OWNER.format(row="OLD")};
            ELSE
                row_owner := {_LINK_OWNER.format(row="NEW")};
            END IF;
        ELSIF TG_OP = 'DELETE' THEN
            row_owner := OLD.user_id;
        ELSE
            row_owner := NEW.user_id;
        END IF;
        -- Nested: SQL does not promise to skip OLD.user_id, which a link does not have.
        IF TG_OP = 'UPDATE' AND TG_TABLE_NAME <> 'tasks_tasktag' THEN
            IF OLD.user_id IS DISTINCT FROM NEW.user_id THEN
                {_BUMP.format(owner="OLD.user_id")};
            END IF;
        END IF;
        -- Once per user per transaction: a bulk change of 1,000 rows bumps once.
        IF row_owner IS NULL
                OR current_setting('tasks.list_bumped_' || row_owner, true) = '1' THEN
            RETURN NULL;
        END IF;
        PERFORM set_config('tasks.list_bumped_' || row_owner, '1', true);
        {_BUMP.format(owner="row_owner")};
        RETURN NULL;
    END $$
    """,
    *(
        f"""CREATE CONSTRAINT TRIGGER {table}_listversion
            AFTER INSERT OR UPDATE OR DELETE ON {table}
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION tasks_listversion_bump()"""
        for table in TABLES
    ),
]
# A deleted user's version goes with them (a bump during the deletion's cascade may have
# written it after the ORM deleted it; on PostgreSQL the bumps at commit find no user).
_FORGET_USER = "DELETE FROM tasks_listversion WHERE user_id = OLD.id"
POSTGRES += [
    f"""
    CREATE FUNCTION tasks_listversion_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_FORGET_USER};
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER auth_user_listversion AFTER DELETE ON auth_user
       FOR EACH ROW EXECUTE FUNCTION tasks_listversion_forget()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS auth_user_listversion ON auth_user",
    "DROP FUNCTION IF EXISTS tasks_listversion_forget()",
    *(f"DROP TRIGGER IF EXISTS {table}_listversion ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS tasks_listversion_bump()",
]


def _sqlite_bump(table: str, row: str) -> str:
    owner = _LINK_OWNER.format(row=row) if table == "tasks_tasktag" else f"{row}.user_id"
    # WHERE is required before ON CONFLICT in SQLite's INSERT ... SELECT (the guard is one).
    return _BUMP.format(owner=owner) + ";"


SQLITE = []
for _table in TABLES:
    SQLITE += [
        f"""CREATE TRIGGER {_table}_listversion_insert AFTER INSERT ON {_table}
            BEGIN {_sqlite_bump(_table, "NEW")} END""",
        f"""CREATE TRIGGER {_table}_listversion_update AFTER UPDATE ON {_table}
            BEGIN {_sqlite_bump(_table, "OLD")} {_sqlite_bump(_table, "NEW")} END""",
        f"""CREATE TRIGGER {_table}_listversion_delete AFTER DELETE ON {_table}
            BEGIN {_sqlite_bump(_table, "OLD")} END""",
    ]
SQLITE.append(
    f"""CREATE TRIGGER auth_user_listversion AFTER DELETE ON auth_user
        BEGIN {_FORGET_USER}; END"""
)
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS auth_user_listversion",
    *(
        f"DROP TRIGGER IF EXISTS {table}_listversion_{op}"
        for table in TABLES
        for op in ("insert", "update", "delete")
    ),
]


def create_list_triggers(apps, schema_editor):
    for sql in vendor_statements(schema_editor, {"postgresql": POSTGRES, "sqlite": SQLITE}, WHAT):
        schema_editor.execute(sql)


def drop_list_triggers(apps, schema_editor):
    for sql in vendor_statements(
        schema_editor, {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}, WHAT
    ):
        schema_editor.execute(sql)
