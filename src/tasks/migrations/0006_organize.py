"""Projects, tags and saved views; every task moves to its owner's Inbox.

Also the fields the planning features build on (due_time, recurrence, repeat_from, position),
and task counts per project: TaskCount gains a project column and its triggers (0003) are
rewritten to count per (user, project, status). On SQLite adding a NOT NULL column rebuilds the
table, which drops its triggers, so the old ones go first and the new ones come last.
"""

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# Frozen: the task-count triggers per (user, project, status) as tasks/count_triggers.py wrote
# them when this migration was made. Never edit; a change is a new migration.
COUNT_POSTGRES = [
    """
    CREATE FUNCTION tasks_taskcount_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tasks_taskcount (user_id, project_id, status, total)
        SELECT user_id, project_id, status, count(*) FROM new_rows WHERE deleted_at IS NULL
        GROUP BY user_id, project_id, status
        ORDER BY user_id, project_id, status
        ON CONFLICT (user_id, project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION tasks_taskcount_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tasks_taskcount (user_id, project_id, status, total)
        SELECT user_id, project_id, status, sum(n) FROM (
            SELECT user_id, project_id, status, -1 AS n FROM old_rows WHERE deleted_at IS NULL
            UNION ALL
            SELECT user_id, project_id, status, 1 AS n FROM new_rows WHERE deleted_at IS NULL
        ) AS delta
        GROUP BY user_id, project_id, status HAVING sum(n) <> 0
        ORDER BY user_id, project_id, status
        ON CONFLICT (user_id, project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total;
        DELETE FROM tasks_taskcount
        WHERE total = 0 AND user_id IN (SELECT user_id FROM old_rows);
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION tasks_taskcount_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tasks_taskcount (user_id, project_id, status, total)
        SELECT user_id, project_id, status, -count(*) FROM old_rows WHERE deleted_at IS NULL
        GROUP BY user_id, project_id, status
        ORDER BY user_id, project_id, status
        ON CONFLICT (user_id, project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total;
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
COUNT_POSTGRES_DROP = [
    """DROP TRIGGER IF EXISTS tasks_taskcount_insert ON tasks_task""",
    """DROP TRIGGER IF EXISTS tasks_taskcount_update ON tasks_task""",
    """DROP TRIGGER IF EXISTS tasks_taskcount_delete ON tasks_task""",
    """DROP FUNCTION IF EXISTS tasks_taskcount_insert()""",
    """DROP FUNCTION IF EXISTS tasks_taskcount_update()""",
    """DROP FUNCTION IF EXISTS tasks_taskcount_delete()""",
]
COUNT_SQLITE = [
    """CREATE TRIGGER tasks_taskcount_insert AFTER INSERT ON tasks_task
        BEGIN INSERT INTO tasks_taskcount (user_id, project_id, status, total) SELECT NEW.user_id, NEW.project_id, NEW.status, 1 WHERE NEW.deleted_at IS NULL ON CONFLICT (user_id, project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total; END""",
    """CREATE TRIGGER tasks_taskcount_update AFTER UPDATE OF user_id, project_id, status,
        deleted_at ON tasks_task
        WHEN OLD.user_id IS NOT NEW.user_id OR OLD.project_id IS NOT NEW.project_id
          OR OLD.status IS NOT NEW.status
          OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
        BEGIN INSERT INTO tasks_taskcount (user_id, project_id, status, total) SELECT OLD.user_id, OLD.project_id, OLD.status, -1 WHERE OLD.deleted_at IS NULL ON CONFLICT (user_id, project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total; INSERT INTO tasks_taskcount (user_id, project_id, status, total) SELECT NEW.user_id, NEW.project_id, NEW.status, 1 WHERE NEW.deleted_at IS NULL ON CONFLICT (user_id, project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total; DELETE FROM tasks_taskcount WHERE total = 0 AND user_id = OLD.user_id; END""",
    """CREATE TRIGGER tasks_taskcount_delete AFTER DELETE ON tasks_task
        BEGIN INSERT INTO tasks_taskcount (user_id, project_id, status, total) SELECT OLD.user_id, OLD.project_id, OLD.status, -1 WHERE OLD.deleted_at IS NULL ON CONFLICT (user_id, project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total; DELETE FROM tasks_taskcount WHERE total = 0 AND user_id = OLD.user_id; END""",
]
COUNT_SQLITE_DROP = [
    """DROP TRIGGER IF EXISTS tasks_taskcount_insert""",
    """DROP TRIGGER IF EXISTS tasks_taskcount_update""",
    """DROP TRIGGER IF EXISTS tasks_taskcount_delete""",
]
COUNT_BACKFILL = """INSERT INTO tasks_taskcount (user_id, project_id, status, total) SELECT user_id, project_id, status, count(*) FROM tasks_task WHERE deleted_at IS NULL GROUP BY user_id, project_id, status"""

def _statements(schema_editor, table: dict) -> list[str]:
    vendor = schema_editor.connection.vendor
    if vendor not in table:
        raise NotImplementedError(f"these triggers exist for PostgreSQL and SQLite, not {vendor}")
    return table[vendor]


def create_count_triggers(apps, schema_editor):
    table = {"postgresql": COUNT_POSTGRES, "sqlite": COUNT_SQLITE}
    for sql in _statements(schema_editor, table):
        schema_editor.execute(sql)
    schema_editor.execute("DELETE FROM tasks_taskcount")
    schema_editor.execute(COUNT_BACKFILL)


def drop_count_triggers(apps, schema_editor):
    table = {"postgresql": COUNT_POSTGRES_DROP, "sqlite": COUNT_SQLITE_DROP}
    for sql in _statements(schema_editor, table):
        schema_editor.execute(sql)


def put_tasks_in_inboxes(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Project = apps.get_model("tasks", "Project")
    Task = apps.get_model("tasks", "Task")
    Project.objects.bulk_create(
        Project(user_id=pk, name="Inbox", is_inbox=True, position=-1)
        for pk in User.objects.values_list("pk", flat=True).iterator()
    )
    inbox = Project.objects.filter(user_id=models.OuterRef("user_id"), is_inbox=True)
    Task.objects.update(project_id=models.Subquery(inbox.values("pk")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('tasks', '0005_task_user_trash'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_count_triggers, migrations.RunPython.noop),
        migrations.RunSQL("DELETE FROM tasks_taskcount", migrations.RunSQL.noop),
        migrations.CreateModel(
            name='Project',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=80)),
                ('colour', models.CharField(choices=[('grey', 'Grey'), ('red', 'Red'), ('orange', 'Orange'), ('green', 'Green'), ('teal', 'Teal'), ('blue', 'Blue'), ('purple', 'Purple'), ('pink', 'Pink')], default='grey', max_length=10)),
                ('position', models.IntegerField(default=0)),
                ('archived', models.BooleanField(default=False)),
                ('is_inbox', models.BooleanField(default=False, editable=False)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
            ],
            options={
                'ordering': ['-is_inbox', 'position', 'id'],
            },
        ),
        migrations.CreateModel(
            name='SavedView',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=80)),
                ('url', models.CharField(max_length=600)),
                ('position', models.IntegerField(default=0)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
            ],
            options={
                'ordering': ['position', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Tag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=40)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
            ],
            options={
                'ordering': [django.db.models.functions.text.Lower('name'), 'id'],
            },
        ),
        migrations.CreateModel(
            name='TaskTag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
        ),
        migrations.RemoveConstraint(
            model_name='taskcount',
            name='taskcount_user_status',
        ),
        migrations.AddField(
            model_name='task',
            name='due_time',
            field=models.TimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='task',
            name='position',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='task',
            name='recurrence',
            field=models.CharField(blank=True, default='', max_length=500),
        ),
        migrations.AddField(
            model_name='task',
            name='repeat_from',
            field=models.CharField(choices=[('due', 'Due date'), ('completion', 'Completion date')], default='due', max_length=10),
        ),
        migrations.AddField(
            model_name='project',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='projects', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='task',
            name='project',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='tasks', to='tasks.project'),
        ),
        migrations.AddField(
            model_name='taskcount',
            name='project',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tasks.project'),
        ),
        migrations.RunPython(put_tasks_in_inboxes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='task',
            name='project',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tasks', to='tasks.project'),
        ),
        migrations.AlterField(
            model_name='taskcount',
            name='project',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tasks.project'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('deleted_at__isnull', True)), fields=['project', '-created_at', '-id'], name='task_project_created'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('deleted_at__isnull', True)), fields=['project', 'due_sort', 'id'], name='task_project_due'),
        ),
        migrations.AddConstraint(
            model_name='taskcount',
            constraint=models.UniqueConstraint(fields=('user', 'project', 'status'), name='taskcount_user_project_status'),
        ),
        migrations.AddField(
            model_name='savedview',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='saved_views', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='tag',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tags', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='tasktag',
            name='tag',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tasks.tag'),
        ),
        migrations.AddField(
            model_name='tasktag',
            name='task',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tasks.task'),
        ),
        migrations.AddField(
            model_name='task',
            name='tags',
            field=models.ManyToManyField(blank=True, related_name='tasks', through='tasks.TaskTag', to='tasks.tag'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.UniqueConstraint(models.F('user'), django.db.models.functions.text.Lower('name'), condition=models.Q(('deleted_at__isnull', True)), name='project_user_name', violation_error_message='You already have a project with this name.'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.UniqueConstraint(condition=models.Q(('is_inbox', True)), fields=('user',), name='project_user_inbox'),
        ),
        migrations.AddConstraint(
            model_name='savedview',
            constraint=models.UniqueConstraint(models.F('user'), django.db.models.functions.text.Lower('name'), name='savedview_user_name', violation_error_message='You already have a view with this name.'),
        ),
        migrations.AddConstraint(
            model_name='tag',
            constraint=models.UniqueConstraint(models.F('user'), django.db.models.functions.text.Lower('name'), name='tag_user_name', violation_error_message='You already have a tag with this name.'),
        ),
        migrations.AddIndex(
            model_name='tasktag',
            index=models.Index(fields=['tag', 'task'], name='tasktag_tag_task'),
        ),
        migrations.AddConstraint(
            model_name='tasktag',
            constraint=models.UniqueConstraint(fields=('task', 'tag'), name='tasktag_task_tag'),
        ),
        migrations.RunPython(create_count_triggers, drop_count_triggers),
    ]
