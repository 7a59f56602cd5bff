from .models import task as models


def today(request) -> dict:
    """The local date, once per render: task rows are cached per day (overdue, "due today")."""
    return {"today": models.today()}
