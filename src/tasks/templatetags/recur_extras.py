"""Template helpers for repeating tasks and due times."""

from django import template

register = template.Library()


@register.filter
def undo_completion(message) -> tuple[int, int] | None:
    """(task id, completion id) a "Next: …" toast can undo (tagged by views.recur.toggled)."""
    for tag in str(getattr(message, "extra_tags", "") or "").split():
        if tag.startswith("undo-completion-"):
            task_id, _, completion_id = tag.removeprefix("undo-completion-").partition("-")
            if task_id.isdigit() and completion_id.isdigit():
                return int(task_id), int(completion_id)
    return None
