"""Deliver due reminders and digests now, in this process (tests, bench, or an operator).

The worker (`manage.py db_worker`) does the same every REMINDERS_TICK_SECONDS through the
dispatch_reminders job; this command also queues that job when none is queued (--ensure).
"""

from django.core.management.base import BaseCommand

from reminders import delivery, jobs


class Command(BaseCommand):
    help = "Deliver the reminders and digests that are due now."

    def add_arguments(self, parser):
        parser.add_argument(
            "--ensure",
            action="store_true",
            help="Only queue the periodic dispatcher job for the worker if none is queued.",
        )

    def handle(self, *args, ensure=False, **options):
        if ensure:
            queued = jobs.ensure_dispatcher()
            self.stdout.write("Dispatcher queued." if queued else "Dispatcher already queued.")
            return
        delivered = delivery.deliver_due()
        digests = delivery.deliver_digests()
        self.stdout.write(f"Delivered {delivered} reminders and {digests} digests.")
