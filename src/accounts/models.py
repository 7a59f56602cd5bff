from django.conf import settings
from django.db import models


class LoginFailure(models.Model):
    """One failed password check: who was tried, from where, when. Nothing else is kept.

    No request body or headers: a row is a fixed few dozen bytes, and rows older than the
    cool-off are deleted as new ones arrive (accounts.throttle), so the table holds at most the
    failures of one cool-off window.
    """

    username = models.CharField(max_length=150)
    address = models.CharField(max_length=45, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"], name="loginfailure_username_at"),
            models.Index(fields=["address", "at"], name="loginfailure_address_at"),
            models.Index(fields=["at"], name="loginfailure_at"),
        ]

    def __str__(self):
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M:%S}"


class DateFormat(models.TextChoices):
    """How the person writes a numeric date: quick add reads "12/24" by it (tasks.quickadd)."""

    MDY = "mdy", "Month first: 12/24 or 12/24/2026"
    DMY = "dmy", "Day first: 24.12. or 24/12/2026"
    YMD = "ymd", "Year first: 2026/12/24 (without a year, month first: 12/24)"


class Profile(models.Model):
    """A person's settings. One per user, made when the user is (accounts.signals)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    # An IANA name ("Pacific/Auckland"); blank until known: the server's TIME_ZONE applies.
    timezone = models.CharField(max_length=63, blank=True)
    # Blank until known: taken from the browser's language at sign-up or the next login
    # (accounts.dateformats).
    # A database default too: the previous release's code creates profiles without this column
    # during a rolling deploy (tests/test_migration_rules.py).
    date_format = models.CharField(
        max_length=3, choices=DateFormat.choices, blank=True, default="", db_default=""
    )

    def __str__(self):
        return f"{self.user} ({self.timezone or 'server time zone'})"
