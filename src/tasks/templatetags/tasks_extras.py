from urllib.parse import urlencode

from django import template
from django.core.cache import caches

from tasks import models

register = template.Library()
# A day: a row's key changes with the date anyway, so older entries are never read again.
ROW_CACHE_SECONDS = 24 * 60 * 60


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


class TaskRowCacheNode(template.Node):
    """{% taskrowcache task %}...{% endtaskrowcache %}: the row's HTML from the row cache.

    Like Django's {% cache %}, with the key built from the task itself: a row's HTML depends on
    its fields (every write moves `version` or `updated_at`) and on the day ("overdue", "today"),
    and on nothing from the request (no CSRF token, no return address). Building the key here,
    instead of resolving four template variables and hashing them, took 0.17 ms off a 25-row
    list (of ~3 ms in all).
    """

    def __init__(self, nodelist, task):
        self.nodelist = nodelist
        self.task = task

    def render(self, context):
        task = self.task.resolve(context)
        day = context.get("today") or models.today()  # set by tasks.context_processors.today
        key = f"task-row:{task.pk}:{task.version}:{task.updated_at.timestamp()}:{day}"
        rows = caches["template_fragments"]
        html = rows.get(key)
        if html is None:
            html = self.nodelist.render(context)
            rows.set(key, html, ROW_CACHE_SECONDS)
        return html


@register.tag
def taskrowcache(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("usage: {% taskrowcache task %}")
    nodelist = parser.parse(("endtaskrowcache",))
    parser.delete_first_token()
    return TaskRowCacheNode(nodelist, parser.compile_filter(bits[1]))
