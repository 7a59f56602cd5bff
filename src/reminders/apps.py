from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"

    def ready(self):
        from . import signals  # noqa: F401
