"""A per-project number that changes whenever anything a task list shows of that project may
have changed, so a rendered list can be cached under the versions of the projects it shows
(tasks/listcache.py)."""

from django.db import models


class ListVersion(models.Model):
    """Bumped by triggers (migration 0013) on every insert, update and delete of a project's
    tasks and task-tag links, of the project itself, and of its owner's tags: whatever path
    wrote them (the services, QuerySet.update(), raw SQL, the admin, a management command).

    On PostgreSQL the bumps are deferred to commit, each project once per transaction and the
    two projects of a moved task in id order: a transaction takes these row locks as its very
    last step, holding nothing anyone else waits for. A service that changes many projects in
    one statement (bulk actions) takes them itself, sorted, as its last step (lock_versions).
    """

    # No FK constraint: a bump at the commit of a project's deletion finds no project and does
    # nothing, and nothing here must stop that deletion.
    project = models.OneToOneField(
        "tasks.Project",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="list_version",
    )
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.project_id}@{self.version}"


def lock_versions(project_ids) -> None:
    """Take the list-version rows of these projects, in id order, until the transaction ends:
    for a statement that changed tasks of many projects, so its deferred bumps cannot meet
    another transaction's in the opposite order. A no-op outside PostgreSQL."""
    from django.db import connection

    ids = sorted({pk for pk in project_ids if pk is not None})
    if not ids or connection.vendor != "postgresql":
        return
    rows = ListVersion.objects.filter(project_id__in=ids).order_by("project_id")
    list(rows.select_for_update().values_list("project_id", flat=True))
