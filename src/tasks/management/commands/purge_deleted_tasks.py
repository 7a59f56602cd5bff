import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from tasks.models import Task


class Command(BaseCommand):
    help = (
        "Permanently remove tasks deleted longer ago than the undo grace period "
        "(TASKS_PURGE_AFTER_HOURS). Safe to run from cron as often as you like."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=settings.TASKS_PURGE_AFTER_HOURS)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, hours, dry_run, **options):
        cutoff = timezone.now() - dt.timedelta(hours=hours)
        doomed = Task.objects.purgeable(before=cutoff)
        if dry_run:
            self.stdout.write(
                f"Would purge {doomed.count()} task(s) deleted before {cutoff:%Y-%m-%d %H:%M}."
            )
            return
        count, _ = doomed.delete()
        self.stdout.write(f"Purged {count} task(s) deleted before {cutoff:%Y-%m-%d %H:%M}.")
