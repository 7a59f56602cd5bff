"""The kanban card's fragment cache: a board renders 150 cards, and rendering them was nearly
all of the page's time (about 1 ms of CPU a card)."""

from django import template

from tasks.models import task as models

from .tasks_extras import ROW_CACHE_SECONDS, ROW_INCLUDES, _digest, row_cache, source_version

register = template.Library()


class KanbanCardCacheNode(template.Node):
    """{% kanbancardcache task manual %}...{% endkanbancardcache %}, like taskrowcache: the key
    holds everything a card shows that is not the task's own fields (whose every write moves
    `version` or `updated_at`): its project's name and colour, its tag names, whether the view
    is in the manual order (the Up/Down buttons), the day, and the markup's version."""

    def __init__(self, nodelist, task, manual, version):
        self.nodelist = nodelist
        self.task = task
        self.manual = manual
        self.version = version

    def render(self, context):
        task = self.task.resolve(context)
        manual = bool(self.manual.resolve(context))
        day = context.get("today") or models.today()
        tags = task.tag_key
        project = f"{getattr(task, 'project_name', '')}\x1f{getattr(task, 'project_colour', '')}"
        # The project's name shows except in its own view (task_meta.html), and the Move… menu
        # names the columns of the board it is on: the view's project is part of the key.
        own = getattr(context.get("filters"), "project", None) == task.project_id
        rest = f"{day}:{int(manual)}:{int(own)}:{_digest(project)}:{_digest(tags)}"
        key = self.key(task.pk, task.version, task.updated_at, rest)
        cards = row_cache()
        html = cards.get(key)
        if html is None:
            html = self.reordered(context.get("reordered_from"), task, rest, cards)
            if html is None:
                html = self.nodelist.render(context)
            cards.set(key, html, ROW_CACHE_SECONDS)
        return html

    def key(self, pk: int, version: int, updated_at, rest: str) -> str:
        return f"kanban-card:{self.version}:{pk}:{version}:{updated_at.timestamp()}:{rest}"

    def reordered(self, was, task, rest, cards) -> str | None:
        """The card as it was before a move within its column, with its new version: such a move
        writes only the position, the version and updated_at, and the card shows neither of the
        other two, so this is the card a render would give, without the ~1 ms of rendering it.
        `was`: (version, updated_at) before the move, which the move's answer passes."""
        if not was:
            return None
        version, updated_at = was
        old = cards.get(self.key(task.pk, version, updated_at, rest))
        mark = f'data-version="{version}"'
        if old is None or old.count(mark) != 1:
            return None
        return old.replace(mark, f'data-version="{task.version}"')


@register.tag
def kanbancardcache(parser, token):
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError("usage: {% kanbancardcache task manual %}")
    version = source_version(parser, ROW_INCLUDES)
    nodelist = parser.parse(("endkanbancardcache",))
    parser.delete_first_token()
    return KanbanCardCacheNode(
        nodelist, parser.compile_filter(bits[1]), parser.compile_filter(bits[2]), version
    )
