from django.core.management.base import BaseCommand, CommandError

from accounts.models import LoginFailure


class Command(BaseCommand):
    help = "Forget failed logins, ending a lockout early: for a username, an address, or all."

    def add_arguments(self, parser):
        parser.add_argument("--username")
        parser.add_argument("--address")
        parser.add_argument("--all", action="store_true", help="every account and address")

    def handle(self, *args, username=None, address=None, all=False, **options):
        failures = LoginFailure.objects.all()
        if username is not None:
            failures = failures.filter(username=username)
        if address is not None:
            failures = failures.filter(address=address)
        if username is None and address is None and not all:
            raise CommandError("Name --username and/or --address, or pass --all.")
        deleted, _ = failures.delete()
        self.stdout.write(f"Forgot {deleted} failed login(s).")
