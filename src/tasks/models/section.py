"""Sections: a project's own columns (Backlog, This week, Waiting...).

A section belongs to one project, so whoever sees the project sees its sections and whoever may
change its tasks may arrange them (tasks.models.access decides both). On the board a project
with sections shows one column per section (and "No section" for the tasks in none); its list
groups the tasks under a heading per section. A task is in at most one section, of its own
project (Task.section).

Deleting a section moves its tasks to no section; the section stays in the trash (deleted_at)
with the ids of the tasks it had (`orphans`), so Undo brings it back with exactly those of
them that are still in no section of that project.

Changes to sections bump their project's ListVersion (triggers, migration 0014), so the cached
lists and cards that show a section (its heading, its column) are renewed.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from .access import access_for

SECTION_NAME_MAX = 80


class SectionQuerySet(models.QuerySet):
    def visible_to(self, user) -> SectionQuerySet:
        """The live sections of the projects `user` can see."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(project_id__in=list(access_for(user).projects), deleted_at__isnull=True)

    def live(self) -> SectionQuerySet:
        return self.filter(deleted_at__isnull=True)


class Section(models.Model):
    project = models.ForeignKey("tasks.Project", on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(max_length=SECTION_NAME_MAX)
    # Order within the project: 0, 1, 2... (renumbered by a move, under the project's lock).
    position = models.IntegerField(default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # In the trash: Undo brings it back (with `orphans`, the tasks it had when deleted).
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    orphans = models.JSONField(default=list, blank=True, editable=False)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                "project",
                Lower("name"),
                condition=Q(deleted_at__isnull=True),
                name="section_project_name",
                violation_error_message="This project already has a section with this name.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["project", "position", "id"],
                condition=Q(deleted_at__isnull=True),
                name="section_project_position",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def update_if_current(self, version: int, **values) -> bool:
        """Save `values` only if nobody changed the section since `version` (compare-and-swap),
        and only while it is live. False when it moved on (or was deleted)."""
        updated = Section.objects.filter(
            pk=self.pk, version=version, deleted_at__isnull=True
        ).update(version=F("version") + 1, **values)
        if updated:
            for name, value in values.items():
                setattr(self, name, value)
            self.version = version + 1
        return bool(updated)
