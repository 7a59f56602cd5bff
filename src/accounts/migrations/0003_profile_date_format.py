# Issue 22 item 18: how quick add reads a numeric date. Blank for existing people: their next
# login takes it from the browser's language (accounts.dateformats).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_profile"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="date_format",
            field=models.CharField(
                blank=True,
                choices=[
                    ("mdy", "Month first: 12/24 or 12/24/2026"),
                    ("dmy", "Day first: 24.12. or 24/12/2026"),
                    ("ymd", "Year first: 2026/12/24 (without a year, month first: 12/24)"),
                ],
                db_default="",
                default="",
                max_length=3,
            ),
        ),
    ]
