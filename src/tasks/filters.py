"""A person's view of the board: the filter bar's Form, the search grammar, and BoardView.

Everything that reads "which tasks, in which order" from a request lives here; the QuerySet
takes the resulting BoardView (`Task.objects.for_user(u).filtered(view).ordered_by(view.sort)`).

The search field's grammar: `is:pending|in_progress|completed|open`, `priority:high` (or
`p:high`), `due:overdue|today|week|none`, and free words; every part must match (AND). Anything
the grammar does not know stays free text, so no input is ever an error. Each kind of token is
one row of TOKEN_RULES: `#tag`, `+Project`, `due:2026-12-01` are a row each, negation (`-is:done`)
and quoted phrases a change to `tokenize` alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django import forms
from django.http import QueryDict

from .http import HtmxRequest, page_location
from .models import Due, Priority, Sort, Status
from .query import MAX_WORDS

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
PRIORITY_WORDS = {"low": "low", "medium": "medium", "med": "medium", "high": "high"}
DUE_WORDS = {"overdue": "overdue", "today": "today", "week": "week", "none": "none"}


def tag_name_or_none(text: str) -> str | None:
    """A `#tag` token's name when it is a valid tag name (tasks.tagging), else None."""
    from .tagging import TAG_NAME

    return text if TAG_NAME.fullmatch(text) else None


def one_of(words: Mapping[str, str]) -> Callable[[str], str | None]:
    """A value reader for a fixed vocabulary, case-insensitive; None when the word is unknown."""
    return lambda value: words.get(value.lower())


@dataclass(frozen=True)
class TokenRule:
    """One kind of search token: `prefixes` (matched case-insensitively) then a value.

    `read` turns the text after the prefix into the value the QuerySet filters on, or None when
    it is not one (then the whole token is free text). `filter` names the condition
    (TaskQuerySet.FILTERS) the value is applied with.
    """

    filter: str
    prefixes: tuple[str, ...]
    read: Callable[[str], str | None]


TOKEN_RULES: tuple[TokenRule, ...] = (
    TokenRule("status", ("is:",), one_of(STATUS_WORDS)),
    TokenRule("priority", ("priority:", "p:"), one_of(PRIORITY_WORDS)),
    TokenRule("due", ("due:",), one_of(DUE_WORDS)),
    TokenRule("tag", ("#",), tag_name_or_none),
)

# What one token is. Quoted phrases will become an alternative here.
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Search:
    """The search field, parsed: conditions ((filter, value) pairs) and free words."""

    terms: tuple[tuple[str, str], ...] = ()
    words: tuple[str, ...] = ()


def read_token(token: str) -> tuple[str, str] | None:
    """The (filter, value) a token stands for by the first rule that reads it, or None."""
    lowered = token.lower()
    for rule in TOKEN_RULES:
        for prefix in rule.prefixes:
            if lowered.startswith(prefix):
                value = rule.read(token[len(prefix) :])
                if value is not None:
                    return (rule.filter, value)
    return None


def parse(text: str) -> Search:
    terms, words = [], []
    for token in _TOKEN.findall(text):
        term = read_token(token)
        if term is None:
            words.append(token)
        else:
            terms.append(term)
    return Search(terms=tuple(terms), words=tuple(words[:MAX_WORDS]))


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
        values.setdefault("sort", cls.default_sort_for(values.get("layout", "")))
        return cls(scope=scope, project=project, **values)

    @classmethod
    def from_location(cls, path: str, query: QueryDict | Mapping[str, str]) -> BoardView:
        """The view at a board URL (path and query); any other path reads as All."""
        scope, project = read_path(path) or (Scope.ALL, None)
        return cls.from_query(query, scope, project)

    @staticmethod
    def default_sort_for(layout: str) -> str:
        return Sort.MANUAL if layout == BOARD_LAYOUT else Sort.NEWEST

    @property
    def is_kanban(self) -> bool:
        return self.layout == BOARD_LAYOUT

    @property
    def is_manual(self) -> bool:
        return self.sort == Sort.MANUAL

    @classmethod
    def on_screen(cls, request: HtmxRequest) -> BoardView:
        """The view the person is looking at when they act.

        A GET reads its own URL; an htmx write reads the page's URL (HX-Current-URL); a plain
        POST reads the page it came from (its `next` field).
        """
        if request.method == "POST" and not request.htmx:
            target = urlsplit(safe_next(request.POST.get("next", "")))
            return cls.from_location(target.path, QueryDict(target.query))
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
    def scope_terms(self) -> tuple[tuple[str, str], ...]:
        match self.scope:
            case Scope.INBOX:
                return (("inbox", "yes"),)
            case Scope.TODAY:
                return (("due", "through_today"),)
            case Scope.UPCOMING:
                return (("due", "upcoming"),)
            case Scope.PROJECT:
                return (("project", str(self.project)),)
        return ()

    @property
    def active(self) -> bool:
        """Whether anything narrows the list to fewer than all live tasks (sort does not)."""
        return bool(self.scope or self.q or self.status or self.priority or self.due or self.hide)

    @property
    def filtered(self) -> bool:
        """Whether the filter bar or search narrows the scope's list."""
        return bool(self.q or self.status or self.priority or self.due or self.hide)

    def as_params(self) -> dict[str, str]:
        """Non-default values, for building URLs that keep the current view."""
        params = {"q": self.q, "status": self.status, "priority": self.priority, "due": self.due}
        if self.sort != self.default_sort_for(self.layout):
            params["sort"] = self.sort
        if self.hide:
            params["hide"] = "completed"
        if self.layout:
            params["layout"] = self.layout
        if self.completed == "show" and self.scope == Scope.PROJECT:
            params["completed"] = "show"
        return {k: v for k, v in params.items() if v}

    def form(self) -> FilterForm:
        """The filter bar showing this view (unbound: it shows no errors)."""
        return FilterForm(initial=self.as_params() | {"sort": self.sort, "hide": self.hide})


def safe_next(target: str) -> str:
    """A return address on this board only (a board path, perhaps with a query), so `next`
    cannot redirect away: "/", "/?q=x", "/today/", "/projects/3/?sort=due"."""
    path, _, _ = target.partition("?")
    return target if read_path(path) is not None else "/"
