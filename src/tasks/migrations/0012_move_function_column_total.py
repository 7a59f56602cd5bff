from django.db import migrations

from tasks.move_function import create_current_move_function, create_move_function


class Migration(migrations.Migration):
    """tasks_move_card returns its column's total, and the counts only when the column
    changed (tasks/move_function.py)."""

    dependencies = [("tasks", "0011_move_function")]

    operations = [migrations.RunPython(create_current_move_function, create_move_function)]
