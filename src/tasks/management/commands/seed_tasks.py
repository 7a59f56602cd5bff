"""Bulk-create realistic tasks for one user: data at scale for benchmarks and manual testing.

`python manage.py seed_tasks --user NAME --count N` inserts N tasks with bulk_create in batches:
no per-row save(), so no signals and no per-row round trips. 100,000 tasks take seconds on
PostgreSQL. Titles and descriptions are built from real words so full-text search has realistic
selectivity (a prefix such as "rep" matches a few percent of rows, not all or none).
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from tasks.models import Priority, Project, Status, Tag, Task, TaskTag

VERBS = (
    "Review",
    "Draft",
    "Update",
    "Fix",
    "Plan",
    "Prepare",
    "Call",
    "Email",
    "Schedule",
    "Book",
    "Renew",
    "Write",
    "Read",
    "Check",
    "Clean",
    "Buy",
    "Order",
    "Pay",
    "File",
    "Organise",
    "Test",
    "Deploy",
    "Refactor",
    "Document",
    "Research",
    "Compare",
    "Cancel",
    "Confirm",
    "Send",
    "Collect",
    "Repair",
    "Replace",
    "Reply to",
    "Report",
    "Rehearse",
    "Measure",
    "Sketch",
    "Archive",
    "Back up",
    "Migrate",
    "Translate",
    "Print",
    "Sign",
    "Return",
    "Pick up",
    "Sort",
)
THINGS = (
    "report",
    "repository",
    "budget",
    "invoice",
    "proposal",
    "presentation",
    "roadmap",
    "newsletter",
    "contract",
    "passport",
    "insurance",
    "tax return",
    "dentist appointment",
    "car service",
    "garden fence",
    "kitchen tap",
    "laptop",
    "backup drive",
    "release notes",
    "pull request",
    "test suite",
    "database schema",
    "login page",
    "search index",
    "API docs",
    "onboarding guide",
    "team offsite",
    "birthday present",
    "flight tickets",
    "hotel booking",
    "groceries",
    "library books",
    "bike tyres",
    "boiler",
    "smoke alarm",
    "recycling",
    "quarterly review",
    "sales forecast",
    "customer survey",
    "bug backlog",
    "support tickets",
    "meeting notes",
    "photo album",
    "wedding speech",
    "running shoes",
    "gym membership",
    "phone contract",
    "electricity bill",
    "rent payment",
    "school forms",
    "vet visit",
)
QUALIFIERS = (
    "",
    "",
    "",
    "for Monday",
    "before Friday",
    "for the board",
    "with Sam",
    "for Alex",
    "draft two",
    "again",
    "for Q3",
    "for Q4",
    "this week",
    "next month",
    "for the client",
    "(urgent)",
    "with the team",
    "at home",
    "for mum",
    "v2",
)
SENTENCES = (
    "Check the numbers against last month before sending.",
    "Ask Priya whether the figures are final.",
    "Needs a second pair of eyes on the wording.",
    "Receipts are in the shared folder.",
    "Remember to attach the signed copy.",
    "Blocked until the supplier replies.",
    "Keep it short: one page at most.",
    "Compare three quotes first.",
    "The repository has a branch for this already.",
    "Reuse the template from the previous report.",
    "Call before noon, they close early on Fridays.",
    "Update the spreadsheet afterwards.",
    "Bring the warranty card and the charger.",
    "Follow up if there is no reply by Thursday.",
    "Split it into smaller steps if it drags on.",
    "Low effort, but easy to forget.",
    "Write down the reference number.",
    "Share the outcome in the weekly meeting.",
    "Double-check the delivery address.",
    "Measure twice, order once.",
)
STATUS_WEIGHTS = ((Status.PENDING, 45), (Status.IN_PROGRESS, 20), (Status.COMPLETED, 35))
PRIORITY_WEIGHTS = (
    (Priority.NONE, 40),
    (Priority.LOW, 15),
    (Priority.MEDIUM, 30),
    (Priority.HIGH, 15),
)
HISTORY_DAYS = 730


def _weighted(rng: random.Random, pairs, k: int) -> list:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=k)


class Progress:
    """A one-line progress bar on stderr (a line per tenth when stderr is not a terminal)."""

    def __init__(self, total: int, stream, width: int = 30):
        self.total, self.width = total, width
        self.stream = stream  # a management command's OutputWrapper
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.last_tenth = -1

    def update(self, done: int) -> None:
        fraction = done / self.total if self.total else 1.0
        filled = int(self.width * fraction)
        line = (
            f"[{'#' * filled}{'.' * (self.width - filled)}] {done:,}/{self.total:,} tasks "
            f"{time.monotonic() - self.started:.1f}s"
        )
        if self.tty:
            self.stream.write("\r" + line, ending="\n" if done >= self.total else "")
        elif int(fraction * 10) != self.last_tenth:
            self.last_tenth = int(fraction * 10)
            self.stream.write(line)
        self.stream.flush()


def build_tasks(user, count: int, rng: random.Random, now: dt.datetime) -> list[Task]:
    """`count` unsaved tasks, oldest first, created over the last two years."""
    today = timezone.localdate(now)
    statuses = _weighted(rng, STATUS_WEIGHTS, count)
    priorities = _weighted(rng, PRIORITY_WEIGHTS, count)
    offsets = sorted((rng.random() * HISTORY_DAYS for _ in range(count)), reverse=True)
    tasks = []
    for status, priority, age_days in zip(statuses, priorities, offsets, strict=True):
        created = now - dt.timedelta(days=age_days)
        title = f"{rng.choice(VERBS)} {rng.choice(THINGS)} {rng.choice(QUALIFIERS)}".strip()
        description = " ".join(rng.sample(SENTENCES, rng.choice((0, 0, 1, 1, 2, 3))))
        roll = rng.random()
        if roll < 0.3:
            due = None
        elif roll < 0.55:
            due = today - dt.timedelta(days=rng.randint(1, 90))
        else:
            due = today + dt.timedelta(days=rng.randint(0, 120))
        completed_at = None
        if status == Status.COMPLETED:
            completed_at = min(now, created + dt.timedelta(hours=rng.randint(1, 24 * 30)))
        tasks.append(
            Task(
                user=user,
                title=title,
                description=description,
                status=status,
                priority=priority,
                due_date=due,
                created_at=created,
                completed_at=completed_at,
            )
        )
    return tasks


class Command(BaseCommand):
    help = (
        "Create a user's tasks in bulk (realistic titles, statuses, priorities and due dates), "
        "for benchmarks and trying the board at scale."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Username; created if missing.")
        parser.add_argument("--count", type=int, required=True, help="How many tasks to create.")
        parser.add_argument(
            "--password",
            help="Set this password on the user (new users otherwise get an unusable one).",
        )
        parser.add_argument(
            "--top-up",
            action="store_true",
            help="Only create what is missing for the user to have COUNT live tasks.",
        )
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--projects",
            type=int,
            default=0,
            help="Spread the tasks over this many projects (and the Inbox); made when missing.",
        )
        parser.add_argument(
            "--tags",
            type=int,
            default=0,
            help="Give the tasks tags out of this many (made when missing), 0 to --max-tags each.",
        )
        parser.add_argument("--max-tags", type=int, default=5, help="Most tags on one task.")
        parser.add_argument("--seed", type=int, default=None, help="Random seed (repeatable data).")

    def handle(self, *args, user, count, password, top_up, batch_size, seed, **options):
        projects, tags, max_tags = options["projects"], options["tags"], options["max_tags"]
        if count < 0:
            raise CommandError("--count must be 0 or more.")
        if projects < 0 or tags < 0 or not 0 <= max_tags <= 20:
            raise CommandError("--projects and --tags must be 0 or more, --max-tags 0 to 20.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        user_model = get_user_model()
        owner, created = user_model.objects.get_or_create(username=user)
        if password is not None:
            owner.set_password(password)
            owner.save(update_fields=["password"])
        elif created:
            owner.set_unusable_password()
            owner.save(update_fields=["password"])

        existing = Task.objects.visible_to(owner).count()
        to_create = max(0, count - existing) if top_up else count
        if to_create == 0:
            # A user seeded before --projects/--tags existed gets them spread now, once.
            organized = spread(owner, projects, tags, max_tags, random.Random(seed), batch_size)
            self.stdout.write(
                f"{owner.username} already has {existing:,} tasks; nothing to do{organized}."
            )
            return

        started = time.monotonic()
        rng = random.Random(seed)
        tasks = build_tasks(owner, to_create, rng, timezone.now())
        inbox = Project.inbox_for(owner)
        for task in tasks:
            task.project = inbox
        progress = Progress(to_create, stream=self.stderr)
        progress.update(0)
        # One transaction: an interrupted run leaves no half-seeded user behind.
        with transaction.atomic():
            for start in range(0, to_create, batch_size):
                Task.objects.bulk_create(tasks[start : start + batch_size])
                progress.update(min(start + batch_size, to_create))
            organized = spread(owner, projects, tags, max_tags, rng, batch_size, tasks)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Fresh planner statistics and visibility map right after a bulk load, so the
            # next queries get index(-only) scans rather than plans made for an empty table.
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM (ANALYZE) {Task._meta.db_table}")
                if organized:
                    cursor.execute(f"VACUUM (ANALYZE) {TaskTag._meta.db_table}")
                    cursor.execute(f"VACUUM (ANALYZE) {Tag._meta.db_table}")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {to_create:,} tasks for {owner.username} in {elapsed:.1f}s "
                f"({to_create / elapsed:,.0f} tasks/s); they now have {existing + to_create:,}"
                f"{organized}."
            )
        )


TAG_WORDS = (
    "home",
    "work",
    "errand",
    "phone",
    "email",
    "waiting",
    "someday",
    "urgent",
    "quick",
    "deep",
    "family",
    "money",
    "health",
    "garden",
    "car",
    "travel",
    "reading",
    "admin",
    "team",
    "client",
)


def seed_projects(owner, n: int) -> list[Project]:
    """The owner's Inbox and `n` seed projects ("Project 01"...), made when missing."""
    have = {p.name: p for p in Project.objects.visible_to(owner)}
    new = [
        Project(user=owner, name=f"Project {i:02d}", position=i)
        for i in range(1, n + 1)
        if f"Project {i:02d}" not in have
    ]
    Project.objects.bulk_create(new)
    names = {f"Project {i:02d}" for i in range(1, n + 1)}
    return [Project.inbox_for(owner)] + [
        p for p in Project.objects.visible_to(owner) if p.name in names
    ]


def seed_tags(owner, n: int) -> list[Tag]:
    """`n` tags ("home", "work-2"...), made when missing."""
    names = [
        TAG_WORDS[i % len(TAG_WORDS)] + (f"-{i // len(TAG_WORDS)}" if i >= len(TAG_WORDS) else "")
        for i in range(n)
    ]
    have = set(Tag.objects.visible_to(owner).values_list("name", flat=True))
    Tag.objects.bulk_create([Tag(user=owner, name=name) for name in names if name not in have])
    return list(Tag.objects.visible_to(owner).filter(name__in=names))


def spread(owner, projects, tags, max_tags, rng, batch_size, tasks=None) -> str:
    """Put `tasks` (the ones just created; None: the owner's tasks when none are organized yet)
    into random projects and give them 0 to `max_tags` random tags, in bulk: an UPDATE per
    project and TaskTag bulk_create. A summary for the command's output ("" if nothing)."""
    said = []
    with transaction.atomic():
        if projects:
            targets = seed_projects(owner, projects)
            if tasks is not None:
                ids = [t.pk for t in tasks]
            elif not Task.objects.filter(user=owner).exclude(project__is_inbox=True).exists():
                ids = list(Task.objects.filter(user=owner).values_list("pk", flat=True))
            else:
                ids = []
            by_project: dict[int, list[int]] = {}
            for pk in ids:
                by_project.setdefault(rng.choice(targets).pk, []).append(pk)
            for project_id, pks in by_project.items():
                for start in range(0, len(pks), batch_size):
                    Task.objects.filter(pk__in=pks[start : start + batch_size]).update(
                        project_id=project_id
                    )
            said.append(f"{len(ids):,} spread over {len(targets) - 1} projects and the Inbox")
        if tags and max_tags:
            pool = seed_tags(owner, tags)
            if tasks is not None:
                ids = [t.pk for t in tasks]
            elif not TaskTag.objects.filter(tag__user=owner).exists():
                ids = list(Task.objects.filter(user=owner).values_list("pk", flat=True))
            else:
                ids = []
            links = [
                TaskTag(task_id=pk, tag_id=tag.pk)
                for pk in ids
                for tag in rng.sample(pool, rng.randint(0, min(max_tags, len(pool))))
            ]
            TaskTag.objects.bulk_create(links, batch_size=batch_size)
            said.append(f"{len(links):,} tag links out of {len(pool)} tags")
    return f" ({'; '.join(said)})" if said else ""
