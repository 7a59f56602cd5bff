"""Code in src/ uses Django's public API: no compiler internals, no model state flags, no
sentinel ids compiled into queries, no private methods or attributes of the session store.

KNOWN lists the two documented speed tricks that may. The test fails on any use not listed,
and on a listed one that is gone, so the list only shrinks.
"""

import io
import re
import tokenize
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

# Names that reach into Django's internals (or name a compile-once-with-a-sentinel query).
INTERNAL = {
    "get_compiler": "the SQL compiler",
    "sql_with_params": "the SQL compiler",
    "_state.adding": "a model instance's private state",
    "_get_session_from_db": "a private session-store method",
    "_aget_session_from_db": "a private session-store method",
    "_get_session": "a private session-store method",
    "_session_cache": "a private session-store attribute",
    "_session_key": "a private session-store attribute",
}
SENTINEL = re.compile(r"(?i)(probe|sentinel)")

# path (relative to src/) -> the names it may use: the documented speed tricks, each in one
# place with its own guard test and a removal criterion in docs/performance.md.
KNOWN = {
    # The one helper that compiles a QuerySet once (tests/test_prepared.py).
    "tasks/prepared.py": {"_SENTINEL_BASE", "sentinels", "sql_with_params"},
    # {% idurl %}: a route reversed once with a sentinel id (tests/test_row_links.py).
    "tasks/templatetags/tasks_extras.py": {"_ID_SENTINEL"},
}


def uses(source: str) -> set[str]:
    """The internal names `source` uses in code (comments and strings do not count)."""
    names = [
        token.string
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type in (tokenize.NAME, tokenize.OP)
    ]
    code = " ".join(names).replace(" . ", ".")
    found = {name for name in INTERNAL if re.search(rf"(?<!\w){re.escape(name)}\b", code)}
    found |= {name for name in names if name.isidentifier() and SENTINEL.search(name)}
    return found


def _scan() -> dict[str, set[str]]:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if "/migrations/" in relative:
            continue
        names = uses(path.read_text())
        if names:
            found[relative] = names
    return found


def test_the_scan_finds_each_kind_of_use_in_code_only():
    source = (
        '"""get_compiler in a docstring is fine."""\n'
        "# so is sql_with_params in a comment\n"
        "compiler = qs.query.get_compiler(using=alias)\n"
        "sql, params = qs.query.sql_with_params()\n"
        "user._state.adding = False\n"
        "store._get_session_from_db()\n"
        "_PROBE = -(2**31)\n"
        "ID_SENTINEL = 7\n"
        "state.adding = True\n"
        "my_get_session = 1\n"
    )
    assert uses(source) == {
        "get_compiler",
        "sql_with_params",
        "_state.adding",
        "_get_session_from_db",
        "_PROBE",
        "ID_SENTINEL",
    }


def test_src_uses_no_django_internals_beyond_the_known_ones():
    found = _scan()
    new = {path: names - KNOWN.get(path, set()) for path, names in found.items()}
    new = {path: sorted(names) for path, names in new.items() if names}
    gone = {path: names - found.get(path, set()) for path, names in KNOWN.items()}
    gone = {path: sorted(names) for path, names in gone.items() if names}
    assert not new, f"Django internals used in src/ (use the public API instead): {new}"
    assert not gone, f"No longer used: remove them from KNOWN in {__name__}: {gone}"


def test_accounts_uses_none():
    assert not any(path.startswith("accounts/") for path in KNOWN)
    assert not any(path.startswith("accounts/") for path in _scan())
