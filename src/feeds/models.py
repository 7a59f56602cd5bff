"""A person's private calendar feed: an iCalendar URL that needs no session, only its token."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models, transaction


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class FeedQuerySet(models.QuerySet):
    def by_token(self, token: str) -> CalendarFeed | None:
        """The feed whose token this is, or None.

        Only the token's SHA-256 is stored (a leaked database lists no working URL). The lookup
        is by that digest, which the caller cannot steer byte by byte, so how long the index
        search takes says nothing about any real token; the final comparison is constant-time
        anyway.
        """
        if not isinstance(token, str) or not 20 <= len(token) <= 100 or not token.isascii():
            return None
        wanted = digest(token)
        feed = self.select_related("user", "project", "tag").filter(token_hash=wanted).first()
        if feed is None or not hmac.compare_digest(feed.token_hash, wanted):
            return None
        return feed


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Optional filters: only this project's / tag's tasks (their owner's).
    project = models.ForeignKey(
        "tasks.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tag = models.ForeignKey(
        "tasks.Tag", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    include_completed = models.BooleanField(default=True)
    # Whether a project / tag was chosen: when it disappears (deleted, merged, purged from the
    # Trash) the foreign key becomes NULL, which must not read as "every task". The feed then
    # stops (404) and its page says why, until a filter is chosen again.
    # Database defaults too: the previous release's code creates feeds without these columns
    # during a rolling deploy (tests/test_migration_rules.py).
    limited_to_project = models.BooleanField(default=False, db_default=False)
    limited_to_tag = models.BooleanField(default=False, db_default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves with every change of the feed itself (filters, token): part of its ETag.
    updated_at = models.DateTimeField(auto_now=True)

    objects = FeedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"

    def stopped_because(self) -> str | None:
        """Why the feed serves nothing (words for its owner), or None when it serves."""
        if not self.user.is_active:
            return "The account is inactive."
        if self.limited_to_project and (self.project is None or self.project.deleted_at):
            return (
                "The project it showed was deleted (or is in the Trash), so it stopped rather "
                "than show every task. Choose a project, or none, and save to start it again."
            )
        if self.limited_to_tag and self.tag is None:
            return (
                "The tag it showed was deleted or merged into another, so it stopped rather "
                "than show every task. Choose a tag, or none, and save to start it again."
            )
        return None

    @classmethod
    def turn_on(cls, user) -> str:
        """Start the user's feed, or give it a new token (the old URL stops working at once).
        Returns the token: it is shown once and never stored."""
        token = secrets.token_urlsafe(32)
        with transaction.atomic():
            # get_or_create settles two first turn-ons at once (the one-to-one is unique).
            feed, created = cls.objects.select_for_update().get_or_create(
                user=user, defaults={"token_hash": digest(token)}
            )
            if not created:
                feed.token_hash = digest(token)
                feed.save(update_fields=["token_hash", "updated_at"])
        return token
