"""Deliver due reminders and digests now, in this process (tests, bench, or an operator); or
queue the dispatcher job (--ensure); or check that workers are keeping up (--check).

The worker (`manage.py db_worker`) delivers every REMINDERS_TICK_SECONDS through the
dispatch_reminders job (reminders/jobs.py).
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders import delivery, jobs


class Command(BaseCommand):
    help = "Deliver the reminders and digests that are due now."

    def add_arguments(self, parser):
        parser.add_argument(
            "--ensure",
            action="store_true",
            help="Only queue the periodic dispatcher job for the worker if none is queued.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help=(
                "Health check: exit 1 when no dispatcher run is queued or the queued one is "
                "overdue by more than --max-lag seconds (no worker is taking jobs)."
            ),
        )
        parser.add_argument("--max-lag", type=int, default=120)

    def handle(self, *args, ensure=False, check=False, max_lag=120, **options):
        if check:
            queued = jobs.queued_dispatchers().order_by("run_after").first()
            if queued is None:
                raise CommandError("No dispatcher run is queued (run_reminders --ensure).")
            lag = timezone.now() - queued.run_after
            if lag > dt.timedelta(seconds=max_lag):
                raise CommandError(f"The dispatcher run is {lag.total_seconds():.0f} s overdue.")
            self.stdout.write("ok")
            return
        if ensure:
            queued = jobs.ensure_dispatcher()
            self.stdout.write("Dispatcher queued." if queued else "Dispatcher already queued.")
            return
        delivered = delivery.deliver_due()
        digests = delivery.deliver_digests()
        self.stdout.write(f"{delivered.describe().capitalize()}; {digests} digests sent.")
