"""The search field's little language.

`is:pending is:in_progress is:completed is:open`, `priority:high` (or `p:high`),
`due:overdue|today|week|none`, combined with free text; every part must match (AND).
Anything the syntax does not know is kept as free text, so no input is ever an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

STATUS_WORDS = {
    "pending": "pending",
    "in_progress": "in_progress",
    "inprogress": "in_progress",
    "in-progress": "in_progress",
    "progress": "in_progress",
    "completed": "completed",
    "complete": "completed",
    "done": "completed",
    "open": "open",
}
PRIORITY_WORDS = {"low": "low", "medium": "medium", "med": "medium", "high": "high"}
DUE_WORDS = {"overdue": "overdue", "today": "today", "week": "week", "none": "none"}

# Words for full-text search: letters and digits in any script (the "simple" parser splits at
# everything else, so anything else would only produce empty terms).
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_WORDS = 12


@dataclass
class ParsedQuery:
    statuses: list[str] = field(default_factory=list)
    priorities: list[str] = field(default_factory=list)
    dues: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


def parse(text: str) -> ParsedQuery:
    parsed = ParsedQuery()
    for token in text.split():
        key, sep, value = token.partition(":")
        key, value = key.lower(), value.lower()
        if sep and key == "is" and value in STATUS_WORDS:
            parsed.statuses.append(STATUS_WORDS[value])
        elif sep and key in ("priority", "p") and value in PRIORITY_WORDS:
            parsed.priorities.append(PRIORITY_WORDS[value])
        elif sep and key == "due" and value in DUE_WORDS:
            parsed.dues.append(DUE_WORDS[value])
        else:
            parsed.words.append(token)
    parsed.words = parsed.words[:MAX_WORDS]
    return parsed


def to_prefix_tsquery(words: list[str]) -> str:
    """`['rep', 'q3']` -> `rep:* & q3:*`. Only word characters reach to_tsquery, so user input
    can never produce a tsquery syntax error."""
    terms = []
    for word in words:
        terms.extend(_WORD.findall(word.lower()))
    return " & ".join(f"{t}:*" for t in terms[:MAX_WORDS])


def search_vector():
    """The expression the GIN index is built on; queries must use exactly this to hit it."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector("title", "description", config="simple")
