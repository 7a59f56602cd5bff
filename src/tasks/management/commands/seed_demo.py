import datetime as dt
import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from tasks.models import Priority, Status, Task

DEMO_TASKS = [
    (
        "Plan the Q3 report outline",
        "Sections: revenue, churn, roadmap.",
        Priority.HIGH,
        Status.IN_PROGRESS,
        -2,
    ),
    ("Book dentist appointment", "", Priority.MEDIUM, Status.PENDING, 0),
    ("Renew passport", "Photos first, then the online form.", Priority.HIGH, Status.PENDING, 5),
    ("Review pull request #42", "Keyboard map and undo toast.", Priority.MEDIUM, Status.PENDING, 1),
    ("Water the plants", "", Priority.LOW, Status.COMPLETED, None),
    ("Call the bank about the card", "", Priority.MEDIUM, Status.PENDING, -1),
    ("Read 'Hypermedia Systems' chapter 5", "", Priority.LOW, Status.IN_PROGRESS, 12),
    ("Buy groceries", "Milk, eggs, coffee, bread.", Priority.MEDIUM, Status.COMPLETED, None),
    ("Write the release notes", "", Priority.HIGH, Status.PENDING, 3),
    ("Back up the laptop", "", Priority.LOW, Status.PENDING, None),
]


class Command(BaseCommand):
    help = "Create (or reset) the demo account with sample tasks and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("DEMO_USERNAME", "demo"))
        parser.add_argument(
            "--password", default=os.environ.get("DEMO_PASSWORD", "taskmanager-demo")
        )
        parser.add_argument(
            "--reset", action="store_true", help="Replace the demo user's tasks with the samples."
        )

    @transaction.atomic
    def handle(self, *args, username, password, reset, **options):
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_active = True
        user.save()
        if created or reset or not Task.objects.filter(user=user).exists():
            Task.objects.filter(user=user).delete()
            today = timezone.localdate()
            now = timezone.now()
            for i, (title, description, priority, status, due) in enumerate(DEMO_TASKS):
                Task.objects.create(
                    user=user,
                    title=title,
                    description=description,
                    priority=priority,
                    status=status,
                    due_date=today + dt.timedelta(days=due) if due is not None else None,
                    created_at=now - dt.timedelta(minutes=10 * (len(DEMO_TASKS) - i)),
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo account ready. Log in as {username!r} with password {password!r}"
            )
        )
