"""The README's "Project layout" names what src/ holds, and nothing that is not there.

Its text block has one entry per line that starts at the margin (continuation lines are
indented). Each directory in src/ needs an entry `src/<name>/`; an app's entry (a directory
with __init__.py) names each of its top-level modules (`forms.py`) and each package in it
(`views/`, `management/commands/`; migrations/ may be left out, every app has one). Every
`x.py` and `dir/` an src/ entry names must exist in that directory (at any depth: `board.py`
may sit in views/) or, for a directory, in the project (`static/js/`).
"""

import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SRC = PROJECT / "src"
SECTION = "## Project layout"

# A module path or a directory path (ending in "/"), standing on its own: not the tail of a
# URL or of a longer path ("/accounts/settings/", "static/js/timezone.js").
NAMED = re.compile(r"(?<![\w/.-])((?:[\w-]+/)*[\w-]+\.py|(?:[\w-]+/)+)(?=[\s,;:)]|$)")


def layout_entries(readme: str) -> dict[str, str]:
    """The layout block's entries: first word (e.g. `src/tasks/`) -> the entry's whole text."""
    section = readme.split(f"\n{SECTION}\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```text\n", 1)[1].split("```", 1)[0]
    entries: dict[str, str] = {}
    key = None
    for line in block.splitlines():
        if line[:1].strip():
            key = line.split()[0]
            entries[key] = line[len(key) :]
        elif key is not None:
            entries[key] += "\n" + line
    return entries


def _is_package(path: Path) -> bool:
    return (path / "__init__.py").is_file()


def _directories(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_dir() and "__pycache__" not in p.parts]


def required(app: Path) -> list[str]:
    """What an app's entry must name: its top-level modules, then its innermost packages."""
    modules = sorted(p.name for p in app.glob("*.py") if p.name != "__init__.py")
    packages = sorted(
        p.relative_to(app).as_posix() + "/"
        for p in _directories(app)
        if _is_package(p) and "migrations" not in p.relative_to(app).parts
    )
    # Naming management/commands/ names management/ too.
    innermost = [p for p in packages if not any(o != p and o.startswith(p) for o in packages)]
    return modules + innermost


def _exists(name: str, where: Path, project: Path) -> bool:
    if name.endswith("/"):
        candidates = [where, *_directories(where), project]
        return any((base / name).is_dir() for base in candidates)
    return any((base / name).is_file() for base in [where, *_directories(where)])


def differences(readme: str, src: Path = SRC) -> list[str]:
    """What to change in the README's layout so that it matches `src`, one line per change."""
    entries = layout_entries(readme)
    described = {key: text for key, text in entries.items() if key.startswith("src/")}
    present = sorted(p for p in src.iterdir() if p.is_dir() and p.name != "__pycache__")
    problems = []
    for directory in present:
        key = f"src/{directory.name}/"
        wanted = required(directory) if _is_package(directory) else []
        if key not in described:
            names = f", naming {', '.join(wanted)}" if wanted else ""
            problems.append(f"add an entry {key}{names}")
            continue
        named = NAMED.findall(described[key])
        missing = [name for name in wanted if not any(n.startswith(name) for n in named)]
        if missing:
            problems.append(f"in the {key} entry, add: {', '.join(missing)}")
        gone = sorted({n for n in named if not _exists(n, directory, src.parent)})
        if gone:
            problems.append(f"in the {key} entry, remove (not in {key}): {', '.join(gone)}")
    existing = {f"src/{p.name}/" for p in present}
    for key in described:
        if key not in existing:
            problems.append(f"remove the entry {key} (there is no such directory)")
    return problems


def test_the_readme_layout_names_every_app_package_and_module_in_src_and_nothing_else():
    problems = differences((PROJECT / "README.md").read_text())
    assert not problems, 'README.md, "Project layout" block:\n' + "\n".join(problems)


def _readme(block: str) -> str:
    return f"# x\n\n{SECTION}\n\n```text\n{block}```\n\n## Next\n"


def test_it_says_exactly_what_to_add_and_what_to_remove(tmp_path):
    src = tmp_path / "src"
    for package in ("shop", "shop/views", "shop/management", "shop/management/commands"):
        (src / package).mkdir(parents=True)
        (src / package / "__init__.py").touch()
    (src / "shop" / "migrations").mkdir()
    (src / "shop" / "migrations" / "__init__.py").touch()
    for module in ("shop/models.py", "shop/cart.py", "shop/views/checkout.py"):
        (src / module).touch()
    (src / "templates" / "partials").mkdir(parents=True)
    (src / "billing").mkdir()
    (src / "billing" / "__init__.py").touch()
    (src / "billing" / "invoice.py").touch()
    (tmp_path / "static" / "js").mkdir(parents=True)

    readme = _readme(
        "src/shop/      models.py (the catalogue), views/ (checkout.py, refund.py),\n"
        "               pricing.py, /shop/cart/ is a URL, see static/js/cart.js\n"
        "src/templates/ partials/, emails/\n"
        "src/gone/      old.py\n"
        "tests/         not checked\n"
    )

    assert differences(readme, src) == [
        "add an entry src/billing/, naming invoice.py",
        "in the src/shop/ entry, add: cart.py, management/commands/",
        "in the src/shop/ entry, remove (not in src/shop/): pricing.py, refund.py",
        "in the src/templates/ entry, remove (not in src/templates/): emails/",
        "remove the entry src/gone/ (there is no such directory)",
    ]
    fixed = readme.replace("refund.py", "cart.py, management/commands/").replace("pricing.py", "")
    fixed = fixed.replace(", emails/", "").replace("src/gone/      old.py\n", "")
    assert differences(fixed, src) == ["add an entry src/billing/, naming invoice.py"]
    fixed = fixed.replace("tests/", "src/billing/   invoice.py\ntests/")
    assert differences(fixed, src) == []
