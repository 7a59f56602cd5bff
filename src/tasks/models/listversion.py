"""A per-user number that changes whenever anything a task list shows may have changed, so a
rendered list can be cached under it (tasks/listcache.py)."""

from django.conf import settings
from django.db import models


class ListVersion(models.Model):
    """Bumped by triggers (tasks/list_triggers.py, migration 0010) on every insert, update and
    delete of a user's tasks, task-tag links, tags and projects: whatever path wrote them, ORM,
    QuerySet.update(), raw SQL, the admin or a management command.

    On PostgreSQL the triggers are deferred to commit: a transaction takes the user's row lock
    as its very last step, holding nothing anyone else waits for (an immediate bump would take
    it at the first write, and a project delete then locking that project's tasks could
    deadlock with an edit holding one of them). The bump and the data it covers commit together.
    """

    # No FK constraint: a bump at the commit of a user's deletion finds no user and does nothing,
    # and nothing here must stop that deletion.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="+",
    )
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.user_id}@{self.version}"
