"""Sections (a project's own columns) and "no priority", the new default priority.

- Section(project, name, position, version, deleted_at, orphans) and Task.section (nullable:
  every existing task is in no section). Triggers on tasks_section bump the project's
  ListVersion, as 0013's do for tasks, links and projects, so a renamed, moved or deleted
  section renews every cached list of that project (PostgreSQL: deferred to commit, once per
  project per transaction, through 0013's tasks_listversion_bump_one).
- Priority "none" sorts below "low": priority_rank is dropped and added again with the new
  expression (a generated column cannot be altered), with its index. Existing tasks keep their
  priority. The new default is Python's (Django sets it on insert): no schema change for it.

On SQLite, dropping and adding a stored generated column rebuilds tasks_task, which drops its
triggers: the count and list-version triggers on tasks_task and tasks_tasktag go first and come back last (as in
0006, 0007 and 0013), from the SQL below, frozen as 0013 wrote it. Never edit; a change is a new
migration.
"""

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.db import migrations, models

# Frozen: 0013's SQLite triggers on tasks_task (a table rebuild drops them) and on tasks_tasktag
# (their bodies name tasks_task, which SQLite checks while the rebuild renames the table).
TASK_SQLITE = [
    """CREATE TRIGGER tasks_taskcount_insert AFTER INSERT ON tasks_task
        BEGIN INSERT INTO tasks_taskcount (project_id, status, total) SELECT NEW.project_id, NEW.status, 1 WHERE NEW.deleted_at IS NULL ON CONFLICT (project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total; END""",
    """CREATE TRIGGER tasks_taskcount_update AFTER UPDATE OF project_id, status, deleted_at
        ON tasks_task
        WHEN OLD.project_id IS NOT NEW.project_id OR OLD.status IS NOT NEW.status
          OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
        BEGIN INSERT INTO tasks_taskcount (project_id, status, total) SELECT OLD.project_id, OLD.status, -1 WHERE OLD.deleted_at IS NULL ON CONFLICT (project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total; INSERT INTO tasks_taskcount (project_id, status, total) SELECT NEW.project_id, NEW.status, 1 WHERE NEW.deleted_at IS NULL ON CONFLICT (project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total; DELETE FROM tasks_taskcount WHERE total = 0 AND project_id = OLD.project_id; END""",
    """CREATE TRIGGER tasks_taskcount_delete AFTER DELETE ON tasks_task
        BEGIN INSERT INTO tasks_taskcount (project_id, status, total) SELECT OLD.project_id, OLD.status, -1 WHERE OLD.deleted_at IS NULL ON CONFLICT (project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total; DELETE FROM tasks_taskcount WHERE total = 0 AND project_id = OLD.project_id; END""",
    """CREATE TRIGGER tasks_task_listversion_insert AFTER INSERT ON tasks_task
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT NEW.project_id, 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = NEW.project_id) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_task_listversion_update AFTER UPDATE ON tasks_task
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT OLD.project_id, 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = OLD.project_id) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; INSERT INTO tasks_listversion (project_id, version) SELECT NEW.project_id, 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = NEW.project_id) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_task_listversion_delete AFTER DELETE ON tasks_task
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT OLD.project_id, 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = OLD.project_id) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_tasktag_listversion_insert AFTER INSERT ON tasks_tasktag
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT (SELECT project_id FROM tasks_task WHERE id = NEW.task_id), 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = (SELECT project_id FROM tasks_task WHERE id = NEW.task_id)) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_tasktag_listversion_update AFTER UPDATE ON tasks_tasktag
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT (SELECT project_id FROM tasks_task WHERE id = OLD.task_id), 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = (SELECT project_id FROM tasks_task WHERE id = OLD.task_id)) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; INSERT INTO tasks_listversion (project_id, version) SELECT (SELECT project_id FROM tasks_task WHERE id = NEW.task_id), 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = (SELECT project_id FROM tasks_task WHERE id = NEW.task_id)) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_tasktag_listversion_delete AFTER DELETE ON tasks_tasktag
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT (SELECT project_id FROM tasks_task WHERE id = OLD.task_id), 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = (SELECT project_id FROM tasks_task WHERE id = OLD.task_id)) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
]
TASK_SQLITE_DROP = [
    """DROP TRIGGER IF EXISTS tasks_taskcount_insert""",
    """DROP TRIGGER IF EXISTS tasks_taskcount_update""",
    """DROP TRIGGER IF EXISTS tasks_taskcount_delete""",
    """DROP TRIGGER IF EXISTS tasks_task_listversion_insert""",
    """DROP TRIGGER IF EXISTS tasks_task_listversion_update""",
    """DROP TRIGGER IF EXISTS tasks_task_listversion_delete""",
    """DROP TRIGGER IF EXISTS tasks_tasktag_listversion_insert""",
    """DROP TRIGGER IF EXISTS tasks_tasktag_listversion_update""",
    """DROP TRIGGER IF EXISTS tasks_tasktag_listversion_delete""",
]

# A section's name and place show in its project's lists and board: any change bumps it.
SECTION_POSTGRES = [
    """
    CREATE FUNCTION tasks_listversion_section() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        a bigint;
        b bigint;
    BEGIN
        IF TG_OP = 'INSERT' THEN
            a := NEW.project_id;
        ELSIF TG_OP = 'DELETE' THEN
            a := OLD.project_id;
        ELSE
            a := OLD.project_id;
            b := NEW.project_id;
        END IF;
        PERFORM tasks_listversion_bump_one(least(a, b));
        PERFORM tasks_listversion_bump_one(greatest(a, b));
        RETURN NULL;
    END $$
    """,
    """CREATE CONSTRAINT TRIGGER tasks_section_listversion
            AFTER INSERT OR UPDATE OR DELETE ON tasks_section
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION tasks_listversion_section()""",
]
SECTION_POSTGRES_DROP = [
    """DROP TRIGGER IF EXISTS tasks_section_listversion ON tasks_section""",
    """DROP FUNCTION IF EXISTS tasks_listversion_section()""",
]
SECTION_SQLITE = [
    """CREATE TRIGGER tasks_section_listversion_insert AFTER INSERT ON tasks_section
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT NEW.project_id, 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = NEW.project_id) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_section_listversion_update AFTER UPDATE ON tasks_section
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT OLD.project_id, 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = OLD.project_id) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; INSERT INTO tasks_listversion (project_id, version) SELECT NEW.project_id, 1 WHERE NEW.project_id IS NOT OLD.project_id AND EXISTS (SELECT 1 FROM tasks_project WHERE id = NEW.project_id) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_section_listversion_delete AFTER DELETE ON tasks_section
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT OLD.project_id, 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = OLD.project_id) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
]
SECTION_SQLITE_DROP = [
    """DROP TRIGGER IF EXISTS tasks_section_listversion_insert""",
    """DROP TRIGGER IF EXISTS tasks_section_listversion_update""",
    """DROP TRIGGER IF EXISTS tasks_section_listversion_delete""",
]


def _run(schema_editor, table: dict) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in table:
        raise NotImplementedError(f"these triggers exist for PostgreSQL and SQLite, not {vendor}")
    for sql in table[vendor]:
        schema_editor.execute(sql)


def drop_task_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": [], "sqlite": TASK_SQLITE_DROP})


def create_task_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": [], "sqlite": TASK_SQLITE_DROP + TASK_SQLITE})


def create_section_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": SECTION_POSTGRES, "sqlite": SECTION_SQLITE})


def drop_section_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": SECTION_POSTGRES_DROP, "sqlite": SECTION_SQLITE_DROP})


PRIORITIES = [("none", "No priority"), ("low", "Low"), ("medium", "Medium"), ("high", "High")]
RANK = models.Case(
    models.When(priority="high", then=models.Value(3)),
    models.When(priority="medium", then=models.Value(2)),
    models.When(priority="low", then=models.Value(1)),
    default=models.Value(0),
)
OLD_RANK = models.Case(
    models.When(priority="high", then=models.Value(3)),
    models.When(priority="medium", then=models.Value(2)),
    default=models.Value(1),
)


class Migration(migrations.Migration):
    dependencies = [("tasks", "0015_search_words")]

    operations = [
        migrations.RunPython(drop_task_triggers, create_task_triggers),
        # The default is applied by Django on insert, not by the database: state only.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="task",
                    name="priority",
                    field=models.CharField(choices=PRIORITIES, default="none", max_length=10),
                ),
            ],
        ),
        migrations.RemoveIndex(model_name="task", name="task_user_priority"),
        migrations.RemoveField(model_name="task", name="priority_rank"),
        migrations.AddField(
            model_name="task",
            name="priority_rank",
            field=models.GeneratedField(
                db_persist=True, expression=RANK, output_field=models.SmallIntegerField()
            ),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["user", "-priority_rank", "-id"],
                name="task_user_priority",
            ),
        ),
        migrations.CreateModel(
            name="Section",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=80)),
                ("position", models.IntegerField(default=0)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("deleted_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("orphans", models.JSONField(blank=True, default=list, editable=False)),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sections",
                        to="tasks.project",
                    ),
                ),
            ],
            options={"ordering": ["position", "id"]},
        ),
        # Nullable without a default: on SQLite a plain ADD COLUMN (no rebuild).
        migrations.AddField(
            model_name="task",
            name="section",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="tasks",
                to="tasks.section",
            ),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["section", "position", "id"],
                name="task_section_position",
            ),
        ),
        migrations.AddIndex(
            model_name="section",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["project", "position", "id"],
                name="section_project_position",
            ),
        ),
        migrations.AddConstraint(
            model_name="section",
            constraint=models.UniqueConstraint(
                models.F("project"),
                django.db.models.functions.text.Lower("name"),
                condition=models.Q(("deleted_at__isnull", True)),
                name="section_project_name",
                violation_error_message="This project already has a section with this name.",
            ),
        ),
        migrations.RunPython(create_section_triggers, drop_section_triggers),
        migrations.RunPython(create_task_triggers, drop_task_triggers),
    ]
