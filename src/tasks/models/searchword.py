"""The words a person's tasks have held, for PostgreSQL's search (tasks.query): a search word that
no task's title or description starts with (a typo) is answered at once instead of walking every
task of the person's to test each one.

Kept by triggers (migration 0015) from the tasks' stored tsvector: every word a task gets is
added for its owner (Task.user); none is removed when a task changes or goes, so the set is a
superset of the words the tasks hold now. A word found here only means the search runs as
before; a word missing means no task can match it. SQLite searches by substring and has no
triggers: the table stays empty there and is never read.
"""

from django.conf import settings
from django.db import models


class SearchWord(models.Model):
    """One word (a lexeme of the 'simple' configuration: lowercased) some task of `user`'s held."""

    # No index of its own: the unique (user, word) index starts with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    word = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "word"], name="searchword_user_word"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.word}"
