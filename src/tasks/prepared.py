"""A QuerySet compiled once per process and database, then run with other ids.

The one speed trick of its kind (docs/performance.md, "Prepared queries"): composing and
compiling a QuerySet costs more CPU than running it for the few small queries every request
makes (the person's projects, tags and saved views). This is the only module that reads a
QuerySet's SQL. A query is built once with a sentinel number for each id it takes; the SQL is
kept, and each run puts the real ids where the sentinels were. Only integer ids compared as
plain values may be parameters: anything that changes the SQL's shape (None, a list) may not,
and a query whose sentinels do not come back exactly as given is refused when compiled.
tests/test_prepared.py runs every prepared query against the QuerySet it was built from.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import QuerySet

# Far outside any id a database hands out, and distinct from each other.
_SENTINEL_BASE = -(2**31) + 1000


class Prepared:
    """`Prepared(build, "user_id")`: `build(user_id=...)` returns the QuerySet (of values
    rows); `.rows(user_id=7)` runs its SQL with 7 and returns the rows as tuples."""

    def __init__(self, build: Callable[..., QuerySet], *names: str):
        self.build = build
        self.names = names
        self._compiled: dict[tuple[str, str], tuple[str, tuple, dict[str, list[int]]]] = {}

    def _compile(self) -> tuple[str, tuple, dict[str, list[int]]]:
        key = (connection.alias, connection.vendor)
        if key not in self._compiled:
            sentinels = {name: _SENTINEL_BASE + i for i, name in enumerate(self.names)}
            sql, params = self.build(**sentinels).query.sql_with_params()
            places = {
                name: [i for i, p in enumerate(params) if p == value]
                for name, value in sentinels.items()
            }
            missing = [name for name, at in places.items() if not at]
            if missing:
                raise ImproperlyConfigured(f"Prepared query: {missing} not among its parameters.")
            self._compiled[key] = (sql, tuple(params), places)
        return self._compiled[key]

    def sql(self, **values: int) -> tuple[str, list]:
        """The SQL and its parameters for these ids."""
        sql, params, places = self._compile()
        params = list(params)
        for name, at in places.items():
            value = values[name]
            if not isinstance(value, int):
                raise TypeError(f"Prepared query: {name} must be an int, not {value!r}.")
            for i in at:
                params[i] = value
        return sql, params

    def rows(self, **values: int) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(*self.sql(**values))
            return cursor.fetchall()
