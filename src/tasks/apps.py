from django.apps import AppConfig
from django.db.backends.signals import connection_created

from .query import register_sqlite_casefold


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = "Tasks"

    def ready(self):
        # Here, not at the top: the receivers import the models, which need the app registry.
        from . import signals  # noqa: F401  (connects the receivers)

        connection_created.connect(register_sqlite_casefold, dispatch_uid="tasks-sqlite-casefold")
