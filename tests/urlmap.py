"""The project's URL map, read from the resolver so tests that walk it include new routes.

Used by the isolation, GET-safety and CSRF tests: a route added later is walked without anyone
remembering to add it to a list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


# The kind of object a route's `pk` names, by the route's first path segment ("task" when not
# listed). Add a prefix here with a new kind of object, and a victim for it in
# tests/test_isolation.py's `victims`.
OBJECT_KINDS = {"projects": "project", "sections": "section", "tags": "tag", "views": "view"}


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "task/<int:pk>/edit/", or a regex for re_path() routes
    name: str | None  # namespaced, e.g. "tasks:edit"
    params: tuple[str, ...]
    is_regex: bool

    @property
    def takes_object_id(self) -> bool:
        """One of our own object routes (the admin has its own object routes, staff only)."""
        return not self.route.startswith("admin/") and "pk" in self.params

    @property
    def object_kind(self) -> str:
        return OBJECT_KINDS.get(self.route.split("/", 1)[0], "task")

    def url(self, value_for: Callable[[Route, str], str]) -> str:
        """A concrete path, each parameter filled by value_for(route, name)."""
        if self.is_regex:
            # re_path routes: fill each named group; the catch-all gets a path that exists nowhere.
            def fill(match: re.Match) -> str:
                return value_for(self, match.group(1))

            path = re.sub(r"\(\?P<(\w+)>[^)]*\)", fill, self.route)
            return "/" + path.replace("^", "").replace("$", "")
        return "/" + _PARAM.sub(lambda m: value_for(self, m.group("name")), self.route)


def routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "", None))


def _walk(patterns, prefix: str, namespace: str | None) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + _text(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            pattern = entry.pattern
            if isinstance(pattern, RoutePattern):
                params = tuple(pattern.converters)
            else:
                params = tuple(pattern.regex.groupindex)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(
                route=prefix + _text(pattern),
                name=name,
                params=params,
                is_regex=isinstance(pattern, RegexPattern),
            )


def _text(pattern) -> str:
    return str(pattern)


def every_route_url(user, task, objects: dict | None = None) -> list[str]:
    """One concrete path per route: ids name `task`, or the object of the route's kind in
    `objects` (kind -> object; by default the task's project), or `user` on the admin's user
    pages."""
    from django.contrib.contenttypes.models import ContentType

    task_type = ContentType.objects.get_for_model(task)
    objects = {"task": task, "project": task.project} | (objects or {})

    def value(route: Route, name: str) -> str:
        if name in ("pk", "object_id", "id"):
            if "auth/user" in route.route:
                return str(user.pk)
            target = objects.get(route.object_kind, task)
            return str(target.pk)
        if name in ("pk", "object_id", "id", "batch"):  # batch: a bulk action's undo
            return str(user.pk if "auth/user" in route.route else task.pk)
        return {"content_type_id": str(task_type.pk), "app_label": "tasks"}.get(name, "x")

    return sorted({route.url(value) for route in routes()})
