from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = "Tasks"

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import signals  # noqa: F401  (connects the receivers)
        from .query import register_sqlite_casefold

        connection_created.connect(register_sqlite_casefold, dispatch_uid="tasks-sqlite-casefold")
