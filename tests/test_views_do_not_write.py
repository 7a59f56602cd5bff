"""Views parse the request, call one service or query, and pick the template: every write goes
through tasks.services (issue 23). This walks the views' source and fails on a model write."""

import ast
from pathlib import Path

VIEWS = Path(__file__).resolve().parent.parent / "src" / "tasks" / "views"
WRITES = {
    "save",
    "update",
    "delete",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "soft_delete",
    "restore",
    "trash",
    "take",
    "toggle_completed",
    "save_if_current",
    "update_if_current",
    "save_once",
}


def writes_in(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in WRITES:
            continue
        # A ModelForm's save(commit=False) builds the unsaved object; it writes nothing.
        commit = {k.arg: k.value for k in node.keywords}.get("commit")
        if node.func.attr == "save" and isinstance(commit, ast.Constant) and not commit.value:
            continue
        found.append((node.lineno, ast.unparse(node)[:80]))
    return found


def test_no_view_writes_a_model():
    offenders = [
        f"{path.name}:{line}: {text}"
        for path in sorted(VIEWS.glob("*.py"))
        for line, text in writes_in(path.read_text())
    ]
    assert not offenders, "views must call tasks.services instead:\n" + "\n".join(offenders)


def test_the_walker_finds_each_kind_of_write():
    source = """
def view(request):
    task.save()
    Task.objects.filter(pk=1).update(title="x")
    qs.delete()
    Tag.objects.create(name="n")
    form.save(commit=False)
    project.trash()
"""
    assert [line for line, _ in writes_in(source)] == [3, 4, 5, 6, 8]
