"""A person's view of the board: the filter bar's Form, the search grammar, and BoardView.

Everything that reads "which tasks, in which order" from a request lives here; the QuerySet
takes the resulting BoardView (`Task.objects.visible_to(u).filtered(view).ordered_by(view.sort)`).

The search field's grammar: `is:pending|in_progress|completed|open`, `priority:high` (or
`p:high`; `p:none` for no priority), `due:overdue|today|week|none|tomorrow|2026-12-01` and
comparisons (`due:<2026-12-31`, `due:>=today`), `+Project` (or `project:name`, quoted when it has
spaces), `section:name` (`section:none`: in no section), quoted phrases, and
free words; every part must match (AND), and a leading `-` negates any of them. Anything the
grammar does not read stays free text, so no input is ever an error, but a token that looks
meant as syntax and is not understood is reported (Search.unknown). Each kind of token is one
row of TOKEN_RULES; negation and quoting are the tokenizer's, so a new row gets them for free.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from urllib.parse import urlencode, urlsplit

from django import forms
from django.http import QueryDict

from .http import HtmxRequest, page_location, url_location
from .models import Due, Priority, Sort, Status
from .query import MAX_WORDS

# `#home` is read by quick add's own rule: a tag typed there is the tag the search finds.
from .tagging import tag_name

MAX_QUERY_LENGTH = 200
BOARD_LAYOUT = "board"  # ?layout=board: the kanban columns (tasks/kanban.py)

STATUS_WORDS = {
    "pending": "pending",
    "in_progress": "in_progress",
    "inprogress": "in_progress",
    "in-progress": "in_progress",
    "progress": "in_progress",
    "completed": "completed",
    "complete": "completed",
    "done": "completed",
    "open": "open",  # not completed: a filter of its own, not a Status
}
PRIORITY_WORDS = {
    "low": "low",
    "medium": "medium",
    "med": "medium",
    "high": "high",
    "none": "none",
}
# `is:archived`: the tasks of archived projects, which every other list leaves out.
ARCHIVED_WORDS = {"archived": "yes"}
DUE_WORDS = {"overdue": "overdue", "today": "today", "week": "week", "none": "none"}
# Days a `due:` comparison names; resolved when the query runs, in the person's time zone.
DAY_WORDS = ("yesterday", "today", "tomorrow")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DUE_COMPARISON = re.compile(r"(<=|>=|<|>|=)?(.+)")
NAME_MAX = 80  # a project's name (models.PROJECT_NAME_MAX)


def one_of(words: Mapping[str, str]) -> Callable[[str], str | None]:
    """A value reader for a fixed vocabulary, case-insensitive; None when the word is unknown."""
    return lambda value: words.get(value.lower())


def read_day(text: str) -> str | None:
    """ "today", "tomorrow", "yesterday" or a real ISO date ("2026-12-01"), else None."""
    text = text.lower()
    if text in DAY_WORDS:
        return text
    if _ISO_DAY.fullmatch(text):
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:  # 2026-02-30
            return None
    return None


def read_due(value: str) -> str | None:
    """`due:` values: the fixed words (overdue, today, week, none), or a comparison with a day,
    kept as "<op><day>" ("=tomorrow", "<2026-12-31", ">=today") for TaskQuerySet.due."""
    word = DUE_WORDS.get(value.lower())
    if word is not None:
        return word
    match = _DUE_COMPARISON.fullmatch(value)
    if match is None:
        return None
    day = read_day(match.group(2))
    return None if day is None else f"{match.group(1) or '='}{day}"


def read_name(value: str) -> str | None:
    """A project's name as typed (compared case-insensitively later), or None when empty."""
    value = value.strip()
    return value if 0 < len(value) <= NAME_MAX else None


@dataclass(frozen=True)
class TokenRule:
    """One kind of search token: `prefixes` (matched case-insensitively) then a value.

    `read` turns the text after the prefix into the value the QuerySet filters on, or None when
    it is not one (then the whole token is free text, and reported as not understood). `filter`
    names the condition (TaskQuerySet.FILTERS) the value is applied with. Any token can be
    negated with a leading "-" and its value quoted ("+\"Big Project\""): both are the
    tokenizer's business, so a new row gets them for free.
    """

    filter: str
    prefixes: tuple[str, ...]
    read: Callable[[str], str | None]


TOKEN_RULES: tuple[TokenRule, ...] = (
    TokenRule("status", ("is:",), one_of(STATUS_WORDS)),
    TokenRule("archived", ("is:",), one_of(ARCHIVED_WORDS)),
    TokenRule("priority", ("priority:", "p:"), one_of(PRIORITY_WORDS)),
    TokenRule("due", ("due:",), read_due),
    TokenRule("tag", ("#",), tag_name),
    TokenRule("project_name", ("+", "project:"), read_name),
    # `section:"This week"` (any of the person's projects' sections of that name), section:none.
    TokenRule("section", ("section:",), read_name),
)

# One token: an optional "-" (negation), then either text with a quoted part (`"annual report"`,
# `+"Big Project"`, `project:"big project"`; an unclosed quote runs to the end) or a run of
# non-space characters.
_TOKEN = re.compile(r'(?P<neg>-)?(?P<body>[^\s"]*"[^"]*(?:"|$)|\S+)')
# What looks meant as a token ("due:someday", "colour:red") though no rule read it; a URL
# ("http://x") or a time ("10:30") does not.
_TOKEN_LIKE = re.compile(r"[a-z]+:(?!//)", re.IGNORECASE)


@dataclass(frozen=True)
class Search:
    """The search field, parsed. Conditions are (filter, value) pairs; free text is words
    (each a prefix) and quoted phrases. `excluded`, `without` and `without_phrases` are the
    negated ones ("-is:done", "-word", "-\"a phrase\""). `unknown` lists the tokens that looked
    like search syntax but were not understood: they are searched as text, and the board says so.
    """

    terms: tuple[tuple[str, str], ...] = ()
    words: tuple[str, ...] = ()
    excluded: tuple[tuple[str, str], ...] = ()
    without: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    without_phrases: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()

    @property
    def project_names(self) -> tuple[str, ...]:
        """The project names the search asks for (to report those the person has not got)."""
        return tuple(v for name, v in self.terms + self.excluded if name == "project_name")


def read_token(token: str) -> tuple[str, str] | None:
    """The (filter, value) a token stands for by the first rule that reads it, or None."""
    lowered = token.lower()
    for rule in TOKEN_RULES:
        for prefix in rule.prefixes:
            if lowered.startswith(prefix):
                value = rule.read(_unquote(token[len(prefix) :]))
                if value is not None:
                    return (rule.filter, value)
    return None


def _unquote(text: str) -> str:
    if text.startswith('"'):
        return text[1:-1] if len(text) > 1 and text.endswith('"') else text[1:]
    return text


def parse(text: str) -> Search:
    parts: dict[str, list] = {
        "terms": [],
        "words": [],
        "excluded": [],
        "without": [],
        "phrases": [],
        "without_phrases": [],
        "unknown": [],
    }
    for match in _TOKEN.finditer(text):
        negated, body = bool(match["neg"]), match["body"]
        term = read_token(body)
        if term is not None:
            parts["excluded" if negated else "terms"].append(term)
            continue
        if body.startswith('"'):
            phrase = _unquote(body).strip()
            if phrase:
                parts["without_phrases" if negated else "phrases"].append(phrase)
            continue
        if _TOKEN_LIKE.match(body) or (body.startswith("+") and len(body) > 1):
            parts["unknown"].append(match.group(0))
        parts["without" if negated else "words"].append(body)
    parts["words"] = parts["words"][:MAX_WORDS]
    parts["without"] = parts["without"][:MAX_WORDS]
    return Search(**{name: tuple(values) for name, values in parts.items()})


class FilterForm(forms.Form):
    """The board's filter bar. It renders its own fields (tasks/filter_bar.html)."""

    template_name = "tasks/filter_bar.html"

    q = forms.CharField(
        label="Search tasks",
        required=False,
        max_length=None,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "id": "search",
                "class": "form-control",
                "placeholder": "Search… try is:open p:high due:week",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All"), *Status.choices],
        widget=forms.Select(attrs={"id": "filter-status", "class": "form-select js-filter"}),
    )
    priority = forms.ChoiceField(
        label="Priority",
        required=False,
        choices=[("", "All"), *Priority.choices],
        widget=forms.Select(attrs={"id": "filter-priority", "class": "form-select js-filter"}),
    )
    due = forms.ChoiceField(
        label="Due",
        required=False,
        choices=Due.choices,
        widget=forms.Select(attrs={"id": "filter-due", "class": "form-select js-filter"}),
    )
    sort = forms.ChoiceField(
        label="Sort",
        required=False,
        choices=Sort.choices,
        widget=forms.Select(attrs={"id": "filter-sort", "class": "form-select js-filter"}),
    )

    # The board's layout (list or kanban columns), kept by every filter change: the URL says it.
    layout = forms.ChoiceField(
        required=False,
        choices=[("", "List"), ("board", "Board")],
        widget=forms.HiddenInput(attrs={"id": "filter-layout"}),
    )

    hide = forms.BooleanField(
        label="Hide completed",
        required=False,
        widget=forms.CheckboxInput(
            attrs={"id": "filter-hide", "class": "form-check-input js-filter", "value": "completed"}
        ),
    )

    # A project's view hides completed tasks unless its "Show completed" link asked for them.
    completed = forms.ChoiceField(
        required=False, choices=[("", ""), ("show", "show")], widget=forms.HiddenInput
    )

    def clean_q(self) -> str:
        # Free text from a URL: NUL would be refused by PostgreSQL, and a short cap keeps every
        # search cheap whatever is pasted.
        return self.cleaned_data["q"][:MAX_QUERY_LENGTH].replace("\x00", "").strip()

    def clean_sort(self) -> str:
        # The kanban columns default to the manual order (drag and drop needs it).
        default = Sort.MANUAL if self.data.get("layout") == BOARD_LAYOUT else Sort.NEWEST
        return self.cleaned_data["sort"] or default


class Scope:
    """Which part of the board a URL path shows. The filter bar works inside every scope."""

    ALL = ""  # "/": every live task
    INBOX = "inbox"
    TODAY = "today"  # open tasks overdue or due today, in the person's time zone
    UPCOMING = "upcoming"  # open tasks overdue or due in the next 14 days
    PROJECT = "project"  # "/projects/<pk>/"

    NAMED = (INBOX, TODAY, UPCOMING)
    TITLES = {ALL: "All tasks", INBOX: "Inbox", TODAY: "Today", UPCOMING: "Upcoming"}


UPCOMING_DAYS = 14


def default_sort(scope: str) -> str:
    """Today and Upcoming read soonest first (under a heading per day); the rest newest first."""
    return Sort.DUE if scope in (Scope.TODAY, Scope.UPCOMING) else Sort.NEWEST


_SCOPE_PATH = re.compile(r"/(?:(inbox|today|upcoming)/|projects/([1-9][0-9]{0,17})/)?")


def read_path(path: str) -> tuple[str, int | None] | None:
    """(scope, project id) for a board URL path, None for any other path."""
    match = _SCOPE_PATH.fullmatch(path)
    if match is None:
        return None
    named, project = match.groups()
    if project:
        return Scope.PROJECT, int(project)
    return named or Scope.ALL, None


@dataclass(frozen=True)
class BoardView:
    """Which tasks a person looks at and in which order. Unknown values fall back silently:
    a stale or hand-edited URL shows the board, never an error."""

    scope: str = Scope.ALL
    project: int | None = None  # the project's id when scope is PROJECT
    q: str = ""
    status: str = ""
    priority: str = ""
    due: str = ""
    sort: str = Sort.NEWEST
    hide: bool = False  # completed tasks, remembered in the URL as hide=completed
    layout: str = ""  # "" the list, "board" the kanban columns
    completed: str = ""  # "show": a project's view lists its completed tasks too
    search: Search = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "search", parse(self.q))

    @classmethod
    def from_query(
        cls,
        data: QueryDict | Mapping[str, str],
        scope: str = Scope.ALL,
        project: int | None = None,
    ) -> BoardView:
        form = FilterForm(data)
        form.is_valid()  # a field with an error is left out of cleaned_data: it keeps its default
        values = {
            name: form.cleaned_data[name] for name in form.fields if name in form.cleaned_data
        }
        if not data.get("sort") or "sort" not in values:
            values["sort"] = cls.default_sort_for(values.get("layout", ""), scope)
        return cls(scope=scope, project=project, **values)

    @classmethod
    def from_location(cls, path: str, query: QueryDict | Mapping[str, str]) -> BoardView:
        """The view at a board URL (path and query); any other path reads as All."""
        scope, project = read_path(path) or (Scope.ALL, None)
        return cls.from_query(query, scope, project)

    @staticmethod
    def default_sort_for(layout: str, scope: str = "") -> str:
        """The kanban columns default to the manual order (drag and drop needs it), Today and
        Upcoming to the due date, the rest to newest first."""
        return Sort.MANUAL if layout == BOARD_LAYOUT else default_sort(scope)

    @property
    def is_kanban(self) -> bool:
        return self.layout == BOARD_LAYOUT

    @property
    def is_manual(self) -> bool:
        return self.sort == Sort.MANUAL

    @classmethod
    def at_url(cls, url: str) -> BoardView:
        """The view at a board URL ("/projects/3/?q=x", or a full URL); a bare query string
        ("?q=x", from an older page) reads as All."""
        return _view_at_url(url)

    @classmethod
    def on_screen(cls, request: HtmxRequest) -> BoardView:
        """The view the person is looking at when they act.

        A GET reads its own URL; an htmx write reads the page's URL (HX-Current-URL); a plain
        POST reads the page it came from (its `next` field).
        """
        if request.method == "POST" and not request.htmx:
            target = urlsplit(safe_next(request.POST.get("next", "")))
            return cls.from_location(target.path, QueryDict(target.query))
        if request.htmx and request.htmx.current_url:
            return _view_at_url(request.htmx.current_url)
        return cls.from_location(*page_location(request))

    @property
    def path(self) -> str:
        if self.scope == Scope.PROJECT:
            return f"/projects/{self.project}/"
        return f"/{self.scope}/" if self.scope else "/"

    @property
    def url(self) -> str:
        """This view's URL (path and non-default filters), without a page cursor."""
        params = self.as_params()
        return f"{self.path}?{urlencode(params)}" if params else self.path

    @property
    def terms(self) -> tuple[tuple[str, str], ...]:
        """Every condition: the scope's, then the search field's and the selects'."""
        selected = [(name, getattr(self, name)) for name in ("status", "priority", "due")]
        if self.hide or self.project_hides_completed:
            selected.append(("status", "open"))
        return (
            self.scope_terms
            + self.search.terms
            + tuple((name, value) for name, value in selected if value)
        )

    @property
    def project_hides_completed(self) -> bool:
        """A project's view leaves completed tasks out by default ("Show completed (N)"), unless
        a status is asked for (then that status shows, never an empty contradiction)."""
        asked = self.status or any(name == "status" for name, _ in self.search.terms)
        return self.scope == Scope.PROJECT and self.completed != "show" and not asked

    @property
    def excluded(self) -> tuple[tuple[str, str], ...]:
        """The negated conditions of the search field ("-is:completed", "-+Work").
        "-is:archived" is what every list does anyway (scope_terms)."""
        return tuple(term for term in self.search.excluded if term[0] != "archived")

    @property
    def shows_archived(self) -> bool:
        """Whether the view asks for archived projects' tasks: on the project's own page, with
        `is:archived`, or by naming the project (`+Old`). Every other list leaves them out."""
        asked = any(name in ("archived", "project_name") for name, _ in self.search.terms)
        return self.scope in (Scope.PROJECT, Scope.INBOX) or asked

    @property
    def scope_terms(self) -> tuple[tuple[str, str], ...]:
        """The scope's conditions; All, Today and Upcoming leave archived projects out."""
        hidden = () if self.shows_archived else (("archived", "no"),)
        match self.scope:
            case Scope.INBOX:  # never archived
                return (("inbox", "yes"),)
            case Scope.TODAY:
                return (("due", "through_today"), *hidden)
            case Scope.UPCOMING:
                return (("due", "upcoming"), *hidden)
            case Scope.PROJECT:
                return (("project", str(self.project)),)
        return hidden

    @property
    def active(self) -> bool:
        """Whether anything narrows the list to fewer than all live tasks (sort does not)."""
        return bool(self.scope or self.q or self.status or self.priority or self.due or self.hide)

    @property
    def filtered(self) -> bool:
        """Whether the filter bar or search narrows the scope's list."""
        return bool(self.q or self.status or self.priority or self.due or self.hide)

    @property
    def narrowed(self) -> bool:
        """Whether anything but a status narrows the scope's list: then its status counts
        (each a link to a status of this list) are not the scope's stored ones."""
        return bool(self.q or self.priority or self.due or self.hide)

    @property
    def identity(self) -> BoardView:
        """What makes this view the list it is: its scope and filters, not the status shown
        (the status counts are links within it, "Show completed" too), the sort or the
        layout. Two URLs with the same identity are the same saved view."""
        return replace(self, status="", sort="", layout="", completed="")

    def as_params(self) -> dict[str, str]:
        """Non-default values, for building URLs that keep the current view."""
        params = {"q": self.q, "status": self.status, "priority": self.priority, "due": self.due}
        if self.sort != self.default_sort_for(self.layout, self.scope):
            params["sort"] = self.sort
        if self.hide:
            params["hide"] = "completed"
        if self.layout:
            params["layout"] = self.layout
        if self.completed == "show" and self.scope == Scope.PROJECT:
            params["completed"] = "show"
        return {k: v for k, v in params.items() if v}

    @property
    def by_day(self) -> bool:
        """Whether the list shows a heading per due day: Today and Upcoming sorted by due date
        (their default). Under another sort, days would repeat out of order: no headings."""
        return self.scope in (Scope.TODAY, Scope.UPCOMING) and self.sort == Sort.DUE

    def form(self) -> FilterForm:
        """The filter bar showing this view (unbound: it shows no errors)."""
        return FilterForm(initial=self.as_params() | {"sort": self.sort, "hide": self.hide})


def safe_next(target: str) -> str:
    """A return address on this board only (a board path, perhaps with a query), so `next`
    cannot redirect away: "/", "/?q=x", "/today/", "/projects/3/?sort=due"."""
    path, _, _ = target.partition("?")
    return target if read_path(path) is not None else "/"


# Bounded: the header is the client's to choose; a view is a few hundred bytes.
@lru_cache(maxsize=512)
def _view_at_url(url: str) -> BoardView:
    """The view at a page's URL, for every htmx write's answer (reading it cost 0.5 ms of CPU
    a request). Cached per URL: a view is a function of its URL alone (the day words of
    `due:` stay words until a query runs) and is immutable, so requests can share it."""
    return BoardView.from_location(*url_location(url))
