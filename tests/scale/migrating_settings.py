"""The production settings plus a test-only app whose migration is slow (slowmigration/):
what `manage.py migrate_locked` runs with for the next release in test_zero_downtime.py."""

from taskmanager.settings import *  # noqa: F403 - these settings, plus one app
from taskmanager.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.scale.slowmigration"]
