"""The fixed vocabularies of a task: priority, status, sort, what a repeat counts from, and the
due-date filter's words. Their own module so every model module can name them."""

from django.db import models


class Priority(models.TextChoices):
    # The default: most tasks have none, and a row shows a priority only when one was set.
    NONE = "none", "No priority"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class Sort(models.TextChoices):
    NEWEST = "newest", "Newest"
    DUE = "due", "Due date"
    PRIORITY = "priority", "Priority"
    TITLE = "title", "Title"
    MANUAL = "manual", "Manual"


class RepeatFrom(models.TextChoices):
    DUE = "due", "Due date"
    COMPLETION = "completion", "Completion date"


class Due(models.TextChoices):
    ANY = "", "Any"
    OVERDUE = "overdue", "Overdue"
    TODAY = "today", "Today"
    WEEK = "week", "This week"
    NONE = "none", "No date"
