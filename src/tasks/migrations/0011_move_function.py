from django.db import migrations

from tasks.move_function import create_move_function, drop_move_function


class Migration(migrations.Migration):
    dependencies = [("tasks", "0010_list_version")]

    operations = [migrations.RunPython(create_move_function, drop_move_function)]
