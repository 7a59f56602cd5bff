"""Template helpers for projects: sidebar counts (read from the page's one counts query)."""

import hashlib

from django import template

register = template.Library()


@register.filter
def open_count(counts: dict | None, project_id) -> int:
    """A project's open tasks from TaskCount.for_user's `open_by_project` (0 when none)."""
    return ((counts or {}).get("open_by_project") or {}).get(project_id, 0)


@register.filter
def open_counts_key(counts: dict | None) -> str:
    """The sidebar's open counts as a short digest, for the sidebar's fragment cache key."""
    by_project = (counts or {}).get("open_by_project") or {}
    text = ",".join(f"{pk}:{n}" for pk, n in sorted(by_project.items()))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


@register.filter
def completed_count(counts: dict | None, project_id) -> int:
    return ((counts or {}).get("completed_by_project") or {}).get(project_id, 0)


@register.simple_tag
def changed_project_counts(
    counts: dict | None, *project_ids, only: bool = False, touched=()
) -> list[tuple[int, int]]:
    """(project id, open tasks) for the sidebar badges a write answer renews out of band: every
    project with open tasks plus the ones the write touched (which may have dropped to 0,
    and then have no counter row; `touched`: a bulk action's projects). `only`: just the ones
    the write touched (a card moved on the board changes its own project's count and no
    other)."""
    project_ids = (*project_ids, *(touched or ()))
    by_project = dict((counts or {}).get("open_by_project") or {})
    if only:
        return sorted((pk, by_project.get(pk, 0)) for pk in set(project_ids) if pk)
    for pk in project_ids:
        if pk:
            by_project.setdefault(pk, 0)
    return sorted(by_project.items())
