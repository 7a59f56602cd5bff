"""The words a person's tasks have held (tasks.models.searchword), for PostgreSQL's search: the
table on every database, and on PostgreSQL an index for word prefixes, the triggers that keep it
from tasks_task's stored tsvector (migration 0002), and the words of the tasks there now.

Frozen SQL: nothing here imports live app code. On SQLite the table stays empty (its search
compares text), and no trigger is added to tasks_task, so nothing rebuilds that table.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Words sorted within each statement: two transactions adding the same new words take their
# row locks in one order, so they queue instead of deadlocking.
FORWARD = [
    # "rep%" LIKE prefixes need the byte-order opclass under any collation.
    """CREATE INDEX searchword_user_prefix
       ON tasks_searchword (user_id, word text_pattern_ops)""",
    """CREATE FUNCTION tasks_searchword_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         INSERT INTO tasks_searchword (user_id, word)
         SELECT DISTINCT added.user_id, lexeme.word
           FROM added CROSS JOIN LATERAL unnest(tsvector_to_array(added.search_document))
                AS lexeme(word)
          ORDER BY 1, 2
         ON CONFLICT (user_id, word) DO NOTHING;
         RETURN NULL;
       END $$""",
    # Per statement: a bulk insert of 100,000 tasks adds their words in one INSERT.
    """CREATE TRIGGER tasks_searchword_insert AFTER INSERT ON tasks_task
       REFERENCING NEW TABLE AS added
       FOR EACH STATEMENT EXECUTE FUNCTION tasks_searchword_inserted()""",
    """CREATE FUNCTION tasks_searchword_changed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         INSERT INTO tasks_searchword (user_id, word)
         SELECT NEW.user_id, lexeme.word
           FROM unnest(tsvector_to_array(NEW.search_document)) AS lexeme(word)
          ORDER BY 2
         ON CONFLICT (user_id, word) DO NOTHING;
         RETURN NULL;
       END $$""",
    # Per row, and only when the words or the owner changed: a toggle or a move adds nothing.
    """CREATE TRIGGER tasks_searchword_update AFTER UPDATE OF title, description, user_id
       ON tasks_task FOR EACH ROW
       WHEN (OLD.search_document IS DISTINCT FROM NEW.search_document
             OR OLD.user_id IS DISTINCT FROM NEW.user_id)
       EXECUTE FUNCTION tasks_searchword_changed()""",
    """INSERT INTO tasks_searchword (user_id, word)
       SELECT DISTINCT task.user_id, lexeme.word
         FROM tasks_task task
              CROSS JOIN LATERAL unnest(tsvector_to_array(task.search_document)) AS lexeme(word)
        ORDER BY 1, 2
       ON CONFLICT (user_id, word) DO NOTHING""",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS tasks_searchword_update ON tasks_task",
    "DROP TRIGGER IF EXISTS tasks_searchword_insert ON tasks_task",
    "DROP FUNCTION IF EXISTS tasks_searchword_changed()",
    "DROP FUNCTION IF EXISTS tasks_searchword_inserted()",
    "DROP INDEX IF EXISTS searchword_user_prefix",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0014_bulk_reschedule_today"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.TextField()),
                (
                    "user",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("user", "word"), name="searchword_user_word")
                ],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
