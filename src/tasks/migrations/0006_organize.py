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

from tasks.count_triggers import create_count_triggers, drop_count_triggers


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
