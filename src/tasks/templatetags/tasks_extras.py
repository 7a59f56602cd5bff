from urllib.parse import urlencode

from django import template

register = template.Library()


@register.filter
def undo_task_id(message) -> int | None:
    """The task a "Task deleted" message can bring back (tagged `undo-<id>` by the view)."""
    for tag in str(getattr(message, "extra_tags", "") or "").split():
        if tag.startswith("undo-") and tag[5:].isdigit():
            return int(tag[5:])
    return None


@register.simple_tag
def query(params: dict, **extra) -> str:
    """`?a=1&b=2` from the current filters plus/minus extras (None removes a key)."""
    merged = {**params, **extra}
    merged = {k: v for k, v in merged.items() if v not in (None, "")}
    return "?" + urlencode(merged) if merged else ""
