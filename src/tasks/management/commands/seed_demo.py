"""The demo account that shows the product: three coloured projects (one with sections), tags,
tasks due today, tomorrow and next week (some at a time), an overdue one, a repeating one, a
reminder a few minutes ahead, a completed one and a saved view.

The demo is built by STEPS, one function per part, each taking the user and the Demo built so
far (its projects, sections and tasks by name). A feature that wants to show itself in the demo
appends its own step (comments on a task, subtasks under one): `STEPS.append(my_step)` in its
app's ready(), or one line here.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from reminders.models import Kind, Reminder
from tasks import recurrence, services
from tasks.models import Colour, Priority, Project, SavedView, Section, Status, Tag, Task
from tasks.tagging import set_task_tags

DEMO_PROJECTS = [
    # (name, colour, sections)
    ("Work", Colour.BLUE, ["Backlog", "This week", "Waiting"]),
    ("Home", Colour.GREEN, []),
    ("Health", Colour.RED, []),
]

# (title, project or None for the Inbox, section, due in days or None, time "HH:MM" or "",
#  priority, status, tags, description)
DEMO_TASKS = [
    ("Finish the Q3 report", "Work", "This week", 0, "17:00", Priority.HIGH,
     Status.IN_PROGRESS, ["deep-work"], "Sections: revenue, churn, roadmap."),
    ("Review pull request #42", "Work", "This week", 1, "", Priority.MEDIUM, Status.PENDING,
     [], "Keyboard map and undo toast."),
    ("Draft the 2027 roadmap", "Work", "Backlog", 7, "", Priority.MEDIUM, Status.PENDING,
     ["deep-work"], ""),
    ("Tidy the team wiki", "Work", "Backlog", None, "", Priority.LOW, Status.PENDING, [], ""),
    ("Hear back from legal about the contract", "Work", "Waiting", None, "", Priority.NONE,
     Status.PENDING, ["call"], ""),
    ("Pay the electricity bill", "Home", None, -2, "", Priority.HIGH, Status.PENDING, [], ""),
    ("Buy groceries", "Home", None, 0, "", Priority.NONE, Status.PENDING, ["errand"],
     "Milk, eggs, coffee, bread."),
    ("Book a plumber for the kitchen tap", "Home", None, 1, "10:00", Priority.NONE,
     Status.PENDING, ["call"], ""),
    ("Dentist check-up", "Health", None, 7, "09:30", Priority.NONE, Status.PENDING, [], ""),
    ("Go for a run", "Health", None, 0, "07:30", Priority.NONE, Status.COMPLETED, [], ""),
    ("Call the bank about the card", None, None, 0, "12:00", Priority.MEDIUM, Status.PENDING,
     ["call"], ""),
    ("Read 'Hypermedia Systems' chapter 5", None, None, None, "", Priority.NONE,
     Status.PENDING, ["reading"], ""),
    ("Back up the laptop", None, None, None, "", Priority.NONE, Status.COMPLETED, [], ""),
]  # fmt: skip

REPEATING = ("Water the plants", "Home", "FREQ=WEEKLY;BYDAY=SA")
REMINDER_TASK = "Call the bank about the card"
REMINDER_MINUTES = 5
SAVED_VIEW = ("High priority", "/?q=p%3Ahigh")


@dataclass
class Demo:
    """What the steps built so far, by name."""

    projects: dict[str, Project] = field(default_factory=dict)
    sections: dict[tuple[str, str], Section] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)


def add_projects(user, demo: Demo) -> None:
    for position, (name, colour, sections) in enumerate(DEMO_PROJECTS):
        project = services.create_project(user, name, colour)
        Project.objects.filter(pk=project.pk).update(position=position)
        demo.projects[name] = project
        for section in sections:
            demo.sections[(name, section)] = services.create_section(user, project.pk, section)


def add_tasks(user, demo: Demo) -> None:
    today = timezone.localdate()
    now = timezone.now()
    inbox = Project.inbox_for(user)
    rows = list(reversed(DEMO_TASKS))  # the first one is the newest
    for i, (title, project, section, due, at, priority, status, tags, description) in enumerate(
        rows
    ):
        task = Task(
            user=user,
            project=demo.projects[project] if project else inbox,
            section=demo.sections.get((project, section)) if section else None,
            title=title,
            description=description,
            priority=priority,
            status=status,
            due_date=today + dt.timedelta(days=due) if due is not None else None,
            due_time=dt.time.fromisoformat(at) if at else None,
            created_at=now - dt.timedelta(minutes=10 * (len(rows) - i)),
        )
        task.save()
        if tags:
            set_task_tags(task, tags)
        demo.tasks[title] = task


def add_repeating_task(user, demo: Demo) -> None:
    title, project, rule = REPEATING
    first = recurrence.first_on_or_after(rule, timezone.localdate())
    task = Task.objects.create(
        user=user,
        project=demo.projects[project],
        title=title,
        due_date=first,
        recurrence=rule,
    )
    demo.tasks[title] = task


def add_reminder(user, demo: Demo) -> None:
    task = demo.tasks[REMINDER_TASK]
    when = timezone.now() + dt.timedelta(minutes=REMINDER_MINUTES)
    Reminder.objects.create(task=task, user=user, kind=Kind.AT, remind_at=when, fire_at=when)


def add_saved_view(user, demo: Demo) -> None:
    name, url = SAVED_VIEW
    SavedView.objects.create(user=user, name=name, url=url, position=0)


# The demo, in order. Append a step to show another feature (see the module docstring).
STEPS: list[Callable[[object, Demo], None]] = [
    add_projects,
    add_tasks,
    add_repeating_task,
    add_reminder,
    add_saved_view,
]


def clear(user) -> None:
    """The demo user's tasks, projects (and so sections), tags and saved views, all gone."""
    Task.objects.filter(user=user).delete()
    Project.objects.filter(user=user, is_inbox=False).delete()
    Tag.objects.filter(user=user).delete()
    SavedView.objects.filter(user=user).delete()


class Command(BaseCommand):
    help = "Create (or reset) the demo account with sample projects and tasks; print the login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("DEMO_USERNAME", "demo"))
        parser.add_argument(
            "--password", default=os.environ.get("DEMO_PASSWORD", "taskmanager-demo")
        )
        parser.add_argument(
            "--reset", action="store_true", help="Replace the demo user's data with the samples."
        )

    @transaction.atomic
    def handle(self, *args, username, password, reset, **options):
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_active = True
        user.save()
        if created or reset or not Task.objects.filter(user=user).exists():
            clear(user)
            demo = Demo()
            for step in STEPS:
                step(user, demo)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo account ready. Log in as {username!r} with password {password!r}"
            )
        )
