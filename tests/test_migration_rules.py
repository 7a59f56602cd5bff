"""Migrations are expand/contract, so a rolling deploy can run the old and the new release's
code against one database (docs/deploy.md, "Zero-downtime deploys").

During a deploy the migration runs first, then nodes switch one by one: the old code must keep
working on the new schema. So a migration may add (a nullable column, or one with a database
default: `db_default`; a new table; an index) but not take away what the old code reads or
writes (drop or rename a column or table) or add a constraint the old code's writes break (a
NOT NULL column without a database default: the old code's INSERTs leave it out; Django's
Python-side `default=` is dropped from the column after the migration fills existing rows).
Taking away happens a release after the code stopped using it; such a migration is listed in
CONTRACT below, with the release that stopped using what it removes.
"""

import io

import pytest
from django.core.management import call_command
from django.db import models
from django.db.migrations import Migration
from django.db.migrations import operations as ops
from django.db.migrations.loader import MigrationLoader

OUR_APPS = {"accounts", "tasks", "feeds", "reminders", "sharing"}

# (app, migration, operation description): why it is allowed.
CONTRACT = {
    ("tasks", "0006_organize", "AddField task.position NOT NULL"): (
        "before the rule (issue 29): released with its code, one node, stop-the-world deploy"
    ),
    ("tasks", "0006_organize", "AddField task.recurrence NOT NULL"): (
        "before the rule (issue 29): released with its code, one node, stop-the-world deploy"
    ),
    ("tasks", "0006_organize", "AddField task.repeat_from NOT NULL"): (
        "before the rule (issue 29): released with its code, one node, stop-the-world deploy"
    ),
    # Counts and list versions re-keyed from the person to the project (issue 23): the old
    # code reads them by person, so this release is deployed stop-the-world (docs/deploy.md,
    # "Upgrading to the release with shared projects").
    ("tasks", "0013_counts_and_versions_per_project", "RemoveField taskcount.user"): (
        "issue 23's one stop-the-world release: counts per project, not per person"
    ),
    ("tasks", "0013_counts_and_versions_per_project", "DeleteModel listversion"): (
        "issue 23's one stop-the-world release: list versions per project, not per person"
    ),
    # A generated column cannot be altered: priority_rank is dropped and added again with the
    # "none" priority's rank in the same migration (one transaction on PostgreSQL, whose lock
    # holds the previous release's readers until the column is back).
    ("tasks", "0016_sections_and_no_priority", "RemoveField task.priority_rank"): (
        "re-added by the same migration: the previous release's code always finds the column"
    ),
}


def breaking_operations(loader: MigrationLoader) -> list[tuple[str, str, str]]:
    """(app, migration, what) for each operation the previous release's code could trip on."""
    found = []
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app not in OUR_APPS:
            continue
        created = {op.name_lower for op in migration.operations if isinstance(op, ops.CreateModel)}
        before = None
        for op in migration.operations:
            what = None
            if isinstance(op, ops.AddField):
                field = op.field
                if not (
                    field.null
                    or field.many_to_many
                    or field.generated
                    or field.db_default is not models.NOT_PROVIDED
                    or op.model_name_lower in created  # a new table: the old code never uses it
                ):
                    what = f"AddField {op.model_name_lower}.{op.name} NOT NULL"
            elif isinstance(op, ops.AlterField) and not op.field.null:
                if before is None:
                    before = loader.project_state((app, name), at_end=False)
                model = before.models.get((app, op.model_name_lower))
                old = model.fields.get(op.name) if model else None  # None: new in this migration
                if old is not None and old.null and op.field.db_default is models.NOT_PROVIDED:
                    what = f"AlterField {op.model_name_lower}.{op.name} NULL to NOT NULL"
            elif isinstance(op, ops.RemoveField):
                what = f"RemoveField {op.model_name_lower}.{op.name}"
            elif isinstance(op, ops.RenameField):
                what = f"RenameField {op.model_name_lower}.{op.old_name}"
            elif isinstance(op, ops.DeleteModel):
                what = f"DeleteModel {op.name_lower}"
            elif isinstance(op, ops.RenameModel):
                what = f"RenameModel {op.old_name_lower}"
            if what:
                found.append((app, name, what))
    return found


@pytest.fixture(scope="module")
def loader():
    return MigrationLoader(None, ignore_no_migrations=True)


def test_no_migration_breaks_the_previous_releases_code(loader):
    unlisted = [found for found in breaking_operations(loader) if found not in CONTRACT]

    assert not unlisted, (
        "These operations break the previous release's code during a rolling deploy: make the "
        "column nullable or give it db_default (expand), or remove it a release after the code "
        "stopped using it and list it in CONTRACT with that release (contract):\n"
        + "\n".join(map(str, unlisted))
    )


def test_every_listed_exception_still_exists(loader):
    # A stale entry would let a new migration of the same name and shape through unexamined.
    assert set(CONTRACT) <= set(breaking_operations(loader))
    assert all(reason.strip() for reason in CONTRACT.values())


@pytest.mark.django_db
def test_the_models_need_no_new_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"model changes without a migration:\n{out.getvalue()}")


def test_the_lint_catches_each_kind_of_breaking_change():
    """The rule itself, on a made-up migration: each breaking operation is found once."""

    class Loader:
        disk_migrations = {}

        def project_state(self, node, at_end):
            real = MigrationLoader(None, ignore_no_migrations=True)
            return real.project_state(("tasks", "0001_initial"), at_end=True)

    migration = Migration("9999_contract", "tasks")
    migration.operations = [
        ops.AddField("task", "colour", models.CharField(max_length=9, default="red")),
        ops.AddField("task", "shade", models.CharField(max_length=9, null=True)),
        ops.AddField("task", "hue", models.CharField(max_length=9, db_default="red")),
        ops.AlterField("task", "due_date", models.DateField()),
        ops.AlterField("task", "title", models.CharField(max_length=300)),
        ops.RemoveField("task", "description"),
        ops.RenameField("task", "title", "name"),
        ops.DeleteModel("Task"),
    ]
    fake = Loader()
    fake.disk_migrations = {("tasks", "9999_contract"): migration}

    found = [what for _, _, what in breaking_operations(fake)]

    assert found == [
        "AddField task.colour NOT NULL",
        "AlterField task.due_date NULL to NOT NULL",
        "RemoveField task.description",
        "RenameField task.title",
        "DeleteModel task",
    ]
