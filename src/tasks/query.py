"""Database expressions for the search field (the grammar itself is in filters.py).

PostgreSQL matches a stored tsvector with a prefix tsquery; SQLite compares Unicode-casefolded
text through a function registered on each connection.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchVectorField
from django.db.models import F, Func, TextField
from django.db.models.expressions import RawSQL

# Words for full-text search: letters and digits in any script (the "simple" parser splits at
# everything else, so anything else would only produce empty terms).
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_WORDS = 12


def prefix_terms(words: list[str], phrases: tuple[str, ...] = ()) -> list[str]:
    """The terms to_tsquery() puts in the query, lowercased, in order (repeats included)."""
    terms = []
    for word in words:
        terms.extend(_WORD.findall(word.lower()))
    terms = terms[:MAX_WORDS]
    for phrase in phrases:
        terms.extend(_WORD.findall(phrase.lower())[:MAX_WORDS])
    return terms


def to_prefix_tsquery(words: list[str]) -> str:
    """`['rep', 'q3']` -> `rep:* & q3:*`. Only word characters reach to_tsquery, so user input
    can never produce a tsquery syntax error."""
    terms = []
    for word in words:
        terms.extend(_WORD.findall(word.lower()))
    return " & ".join(f"{t}:*" for t in terms[:MAX_WORDS])


def to_tsquery(words: list[str], phrases: tuple[str, ...] = ()) -> str:
    """Words as prefixes and phrases as consecutive words (`<->`), all ANDed:
    `(['rep'], ('annual report',))` -> `rep:* & (annual <-> report)`. Word characters only."""
    parts = [to_prefix_tsquery(words)] if words else []
    for phrase in phrases:
        terms = _WORD.findall(phrase.lower())[:MAX_WORDS]
        if terms:
            parts.append("(" + " <-> ".join(terms) + ")")
    return " & ".join(p for p in parts if p)


def search_vector():
    """The stored tsvector column the GIN index is built on (PostgreSQL, migration 0002).

    Stored rather than computed by to_tsvector() in the query: when few tasks match, PostgreSQL
    walks the user's tasks newest first testing each one, and parsing every title and
    description made a no-match search over 100,000 tasks take 1.8 s; testing the stored value
    takes ~50 ms, and its statistics let the planner estimate each term (docs/performance.md).
    Unqualified, so it also resolves inside a subquery, where Django renames the table.
    """
    return RawSQL("search_document", (), output_field=SearchVectorField())


CASEFOLD_FUNCTION = "tasks_casefold"


def casefold(column: str):
    """`column` casefolded in SQL, on SQLite (see register_sqlite_casefold)."""
    return Func(F(column), function=CASEFOLD_FUNCTION, output_field=TextField())


def register_sqlite_casefold(sender, connection, **kwargs) -> None:
    """connection_created handler: give SQLite a Unicode-aware casefold (its lower() is ASCII)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            CASEFOLD_FUNCTION,
            1,
            lambda text: None if text is None else text.casefold(),
            deterministic=True,
        )
