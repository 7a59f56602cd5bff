import hashlib
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.http import QueryDict
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.text import Truncator

from tasks import dates
from tasks.listing import scoped_counts
from tasks.models import task as models
from tasks.recurrence import words_for

register = template.Library()
# A day: a row's key changes with the date anyway, so older entries are never read again.
ROW_CACHE_SECONDS = 24 * 60 * 60
# Bump when a row's HTML changes through Python rather than the template (a label, a filter):
# the template's own changes are in the key already (source_version).
ROW_CACHE_VERSION = 1


@register.filter
def repeat_words(task) -> str:
    """{{ task|repeat_words }}: how the task repeats, in words (recurrence.words_for)."""
    return words_for(task)


@register.filter
def undo_task_id(message) -> int | None:
    """The task a "Task deleted" message can bring back (tagged `undo-<id>` by the view)."""
    for tag in str(getattr(message, "extra_tags", "") or "").split():
        if tag.startswith("undo-") and tag[5:].isdigit():
            return int(tag[5:])
    return None


@register.filter
def undo_task_form(message) -> dict | None:
    """What a toast's Undo posts to the task's undo (tagged `undo-task:<query>` by
    views.common.undo_tag): {"pk": the task, "fields": [(name, value), ...]}."""
    for tag in str(getattr(message, "extra_tags", "") or "").split():
        if tag.startswith("undo-task:"):
            fields = QueryDict(tag.removeprefix("undo-task:"))
            pk = fields.get("pk", "")
            if pk.isdigit():
                return {"pk": int(pk), "fields": [(k, v) for k, v in fields.items() if k != "pk"]}
    return None


@register.filter
def undo_project_id(message) -> int | None:
    """The project a "Deleted project" message can bring back (tagged `undo-project-<id>`)."""
    for tag in str(getattr(message, "extra_tags", "") or "").split():
        if tag.startswith("undo-project-") and tag[13:].isdigit():
            return int(tag[13:])
    return None


@register.filter
def undo_section_id(message) -> int | None:
    """The section a "Deleted the section" message can bring back (tagged `undo-section-<id>`)."""
    for tag in str(getattr(message, "extra_tags", "") or "").split():
        if tag.startswith("undo-section-") and tag[13:].isdigit():
            return int(tag[13:])
    return None


@register.filter
def get_item(mapping, key):
    """mapping[key], or None (a form's errors by object id)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag
def query(params: dict, **extra) -> str:
    """`?a=1&b=2` from the current filters plus/minus extras (None removes a key)."""
    merged = {**params, **extra}
    merged = {k: v for k, v in merged.items() if v not in (None, "")}
    return "?" + urlencode(merged) if merged else ""


def _cache(alias: str):
    # Any CACHES setting works: a deployment that configures `default` alone (one shared
    # Redis, say) keeps everything there.
    return caches[alias] if alias in settings.CACHES else caches["default"]


def row_cache():
    """Rendered task rows and kanban cards (settings.CACHES["rows"], bounded by bytes)."""
    return _cache("rows")


def page_cache():
    """Rendered lists, board pages and the sidebar (settings.CACHES["pages"])."""
    return _cache("pages")


# The templates a cached row or card includes: their markup is part of the cached HTML, so their
# source is in the keys too (source_version(..., ROW_INCLUDES)).
ROW_INCLUDES = ("tasks/task_meta.html", "tasks/project_chip.html", "tasks/tag_chips.html")


def source_version(parser, includes: tuple[str, ...] = ()) -> str:
    """A short hash of the template being compiled (and of the templates named in `includes`),
    for keys of HTML rendered from it.

    A cache shared by several servers outlives a deploy: keyed by the markup's own hash, a row
    rendered by the old template is never served by the new one (nor the other way round while
    both run). Computed once per compiled template (the cached loader compiles once a process).
    """
    origin = getattr(parser, "origin", None)
    try:
        source = origin.loader.get_contents(origin)
    except AttributeError:  # a template built from a string has no loader to reread
        source = "".join(getattr(token, "contents", "") for token in parser.tokens)
    for name in includes:
        source += get_template(name).template.source
    return hashlib.blake2b(source.encode(), digest_size=6).hexdigest()


@register.simple_tag
def status_links(counts: dict, view) -> list[dict]:
    """The status counts as links: each shows its status, keeping the rest of the view."""
    counts = scoped_counts(counts, view)
    params = view.as_params() if view else {}
    current = getattr(view, "status", "")
    links = []
    for key, label in [("", "All"), *models.Status.choices]:
        links.append(
            {
                "key": key or "all",
                "label": label,
                "count": counts.get(key or "all", 0) if counts else None,
                "query": query(params, status=key or None),
                "current": current == key,
            }
        )
    return links


class TaskRowCacheNode(template.Node):
    """{% taskrowcache task %}...{% endtaskrowcache %}: the row's HTML from the fragment cache.

    Like Django's {% cache %}, with the key built from the task itself: a row's HTML depends on
    its fields (every write moves `version` or `updated_at`), on the day ("overdue", "today") and
    whether it is overdue (a due time passes within the day),
    on the template's markup (`version`), and on nothing from the request (no CSRF token, no
    return address). Building the key here, instead of resolving template variables and
    hashing them, is cheaper (figures in docs/performance.md).
    """

    def __init__(self, nodelist, task, version):
        self.nodelist = nodelist
        self.task = task
        self.version = version

    def render(self, context):
        task = self.task.resolve(context)
        day = context.get("today") or models.today()  # set by tasks.context_processors.today
        # The project's chip: renaming or recolouring a project leaves its tasks untouched, so
        # its name and colour are part of the key, and whether the chip shows at all (not in
        # the project's own view).
        project = task.project
        own_view = getattr(context.get("filters"), "project", None) == task.project_id
        key = (
            f"task-row:{ROW_CACHE_VERSION}:{self.version}:{task.pk}:{task.version}:"
            f"{task.updated_at.timestamp()}:{day}:{task.is_overdue:d}:{project.colour}:{own_view}:"
            f"{_digest(project.name)}:"
            f"{_digest(task.tag_key)}"
        )
        rows = row_cache()
        html = rows.get(key)
        if html is None:
            html = self.nodelist.render(context)
            rows.set(key, html, ROW_CACHE_SECONDS)
        return html


def _digest(text: str) -> str:
    # Tag names are not in the task's version (a rename or merge leaves it), so they are in the
    # key; hashed, since 20 names of 40 characters would outgrow a memcached key.
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest() if text else ""


@register.tag
def taskrowcache(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("usage: {% taskrowcache task %}")
    version = source_version(parser, ROW_INCLUDES)
    nodelist = parser.parse(("endtaskrowcache",))
    parser.delete_first_token()
    return TaskRowCacheNode(nodelist, parser.compile_filter(bits[1]), version)


@register.tag
def fragmentcache(parser, token):
    """{% fragmentcache name var1 var2 %}...{% endfragmentcache %}: Django's {% cache %} for a
    day, with the template's own hash in the key (source_version), so a cache shared by several
    servers never serves the markup of the template before a deploy."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("usage: {% fragmentcache name [var ...] %}")
    name = f"{bits[1]}:{source_version(parser)}"
    nodelist = parser.parse(("endfragmentcache",))
    parser.delete_first_token()
    return FragmentCacheNode(nodelist, name, [parser.compile_filter(b) for b in bits[2:]])


class FragmentCacheNode(template.Node):
    """{% cache %} over page_cache(), for a day."""

    def __init__(self, nodelist, name: str, vary_on: list):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        values = [var.resolve(context) for var in self.vary_on]
        key = make_template_fragment_key(self.name, values)
        cache = page_cache()
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            cache.set(key, html, ROW_CACHE_SECONDS)
        return html


@register.simple_tag
def layout_links(view) -> list[dict]:
    """List and Board links for the layout toggle: the same view in the other layout (each
    layout's default sort is left out, so switching keeps a chosen sort and drops a default)."""
    params = view.as_params() if view else {}
    params.pop("layout", None)
    sort = params.pop("sort", None)
    current = getattr(view, "layout", "")
    links = []
    for layout, label, icon in (("", "List", "bi-list-ul"), ("board", "Board", "bi-kanban")):
        links.append(
            {
                "label": label,
                "icon": icon,
                "query": query(params, sort=sort, layout=layout or None),
                "current": current == layout,
            }
        )
    return links


@register.simple_tag
def status_choices() -> list[tuple[str, str]]:
    """The statuses in column order (the kanban card's "Move to …" buttons)."""
    return models.Status.choices


@register.filter(is_safe=True)
def clip(value, length: int):
    """truncatechars, returning text that fits as it is: Truncator walks every character to
    count combining marks, and most descriptions are shorter than the limit anyway."""
    text = str(value)
    if len(text) <= length:  # never more characters than len() counts: nothing to cut
        return value
    return Truncator(text).chars(length)


# An id no route reverses to by chance (above any real id, inside a 64-bit column).
_ID_SENTINEL = str(2**62 + 7)
_id_urls: dict[tuple, tuple[str, str]] = {}


def id_url(name: str, pk: int) -> str:
    """reverse(name, args=[pk]) for a route whose only argument is an <int:...> id, reversed once
    per process, script prefix and URLconf: a task row has four such links, and reverse() was
    a quarter of an uncached row's rendering time."""
    if type(pk) is not int:
        return reverse(name, args=[pk])
    key = (name, get_script_prefix(), get_urlconf())
    parts = _id_urls.get(key)
    if parts is None:
        head, found, tail = reverse(name, args=[_ID_SENTINEL]).partition(_ID_SENTINEL)
        if not found or _ID_SENTINEL in tail:
            return reverse(name, args=[pk])
        parts = _id_urls[key] = (head, tail)
    return f"{parts[0]}{pk}{parts[1]}"


class IdURLNode(template.Node):
    def __init__(self, name: str, pk, asvar: str | None):
        self.name, self.pk, self.asvar = name, pk, asvar

    def render(self, context):
        url = id_url(self.name, self.pk.resolve(context))
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def idurl(parser, token):
    """{% idurl 'app:name' obj.pk [as var] %}: {% url %} for routes taking one integer id
    (id_url)."""
    bits = token.split_contents()
    if len(bits) not in (3, 5) or (len(bits) == 5 and bits[3] != "as"):
        raise template.TemplateSyntaxError("usage: {% idurl 'app:name' id [as var] %}")
    name = bits[1]
    if len(name) < 2 or name[0] != name[-1] or name[0] not in "'\"":
        raise template.TemplateSyntaxError("idurl: the route name must be a quoted string")
    asvar = bits[4] if len(bits) == 5 else None
    return IdURLNode(name[1:-1], parser.compile_filter(bits[2]), asvar)


@register.filter
def due_text(task) -> str:
    """The task's due date and time as the app writes them ("Today 17:00", "Fri 11 Dec")."""
    if not task.due_date:
        return ""
    return dates.when_text(task.due_date, task.due_time, models.today())


@register.filter
def day_text(day) -> str:
    """A day as the app writes it ("Today", "Tomorrow", "Fri 11 Dec", a year when not this)."""
    return dates.day_text(day, models.today()) if day else ""


@register.filter
def moment_text(moment) -> str:
    """A moment as the app writes it ("Today 17:00", "Fri 11 Dec 09:30")."""
    return dates.moment_text(moment, models.today()) if moment else ""


@register.simple_tag
def filter_chips(view) -> list[dict]:
    """The Filter menu's active choices as chips: each names one and links to the view without
    it (the search box shows its own words, so the search is not a chip)."""
    if view is None:
        return []
    params = view.as_params()
    labels = {
        "status": ("Status", dict(models.Status.choices) | {"open": "Open"}),
        "priority": ("Priority", dict(models.Priority.choices)),
        "due": ("Due", dict(models.Due.choices)),
        "sort": ("Sort", dict(models.Sort.choices)),
    }
    chips = []
    for key, (name, choices) in labels.items():
        value = params.get(key)
        if value:
            label = f"{name}: {choices.get(value, value)}"
            chips.append({"label": label, "query": query(params, **{key: None})})
    if params.get("hide"):
        chips.append({"label": "Hide completed", "query": query(params, hide=None)})
    return chips
