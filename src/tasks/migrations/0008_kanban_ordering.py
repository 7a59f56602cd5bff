"""Manual order: indexes for the Manual sort, the kanban columns and a move's neighbours, and a
position for every existing task (newest first, GAP apart, per user: the default order).

The new default (ordering.new_position) is Python-side only, so the field change is state-only:
a real AlterField would make SQLite rebuild the table and drop the TaskCount triggers.
"""

import tasks.models.ordering
from django.conf import settings
from django.db import migrations, models

BACKFILL = """
UPDATE tasks_task SET position = ranked.rn * 65536
FROM (
    SELECT id, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY created_at DESC, id DESC) AS rn
    FROM tasks_task
) AS ranked
WHERE tasks_task.id = ranked.id
"""


class Migration(migrations.Migration):

    dependencies = [
        ('tasks', '0007_recur_due_time_and_completions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='task',
                    name='position',
                    field=models.BigIntegerField(default=tasks.models.ordering.new_position),
                ),
            ],
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('deleted_at__isnull', True)), fields=['user', 'position', 'id'], name='task_user_position'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('deleted_at__isnull', True)), fields=['user', 'status', 'position', 'id'], name='task_user_status_position'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('deleted_at__isnull', True)), fields=['project', 'status', 'position', 'id'], name='task_project_status_position'),
        ),
    ]
