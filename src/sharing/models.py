"""Who else works in a project: its members and their roles.

The project's owner (Project.user) is not a member row: the owner can do everything, always.
Who may see or change what is decided in one place, tasks.access, which reads these rows.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"  # sees the project's tasks; changes nothing
    EDITOR = "editor", "Editor"  # everything with the tasks
    ADMIN = "admin", "Admin"  # also manages members, renames and archives the project


class Membership(models.Model):
    project = models.ForeignKey(
        "tasks.Project", on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role, default=Role.EDITOR)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_project_user"),
        ]
        # A person's projects (every request reads them): the (project, user) index does not
        # start with the person.
        indexes = [models.Index(fields=["user", "project"], name="membership_user_project")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.project_id} ({self.role})"
