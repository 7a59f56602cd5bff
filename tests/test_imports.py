"""The modules of src/ import each other in one direction (issue 23): no import cycles, the
models import none of the modules built on them, and the few imports made inside a function
each say why."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
MODELS_MUST_NOT_IMPORT = (
    "tasks.filters",
    "tasks.quickadd",
    "tasks.quickadd_form",
    "tasks.tagging",
    "tasks.recurrence",
    "tasks.views",
    "tasks.services",
    "tasks.listing",
    "tasks.kanban",
)
MAX_FUNCTION_IMPORTS = 10


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def resolve(module: str, path: Path, node: ast.ImportFrom, known: dict) -> list[str]:
    """The modules `from X import a, b` imports: X.a where that is a module (a submodule;
    its package is the one being imported already), else X itself."""
    if node.level:
        package = module.split(".")
        if path.name != "__init__.py":
            package = package[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join(package + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    names = [f"{base}.{alias.name}" for alias in node.names]
    submodules = [name for name in names if name in known]
    return submodules if len(submodules) == len(names) else [base, *submodules]


def is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def top_level_imports(module: str, path: Path, known: dict) -> set[str]:
    """What `module` imports when it is imported (not inside functions or TYPE_CHECKING)."""
    names: set[str] = set()

    def visit(body):
        for node in body:
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                names.update(resolve(module, path, node, known))
            elif isinstance(node, ast.If) and not is_type_checking(node):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)

    visit(ast.parse(path.read_text()).body)
    return {name for name in names if name in known and name != module}


def function_imports() -> list[tuple[str, int, bool]]:
    """(path:line, has a reason) of every import statement inside a function."""
    found = []
    for path in modules().values():
        source = path.read_text()
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    line = lines[inner.lineno - 1]
                    above = lines[inner.lineno - 2].strip() if inner.lineno > 1 else ""
                    reason = "#" in line or above.startswith("#")
                    found.append((f"{path.relative_to(SRC)}:{inner.lineno}", reason))
    return found


def test_no_module_imports_one_that_imports_it_back():
    known = modules()
    graph = {name: top_level_imports(name, path, known) for name, path in known.items()}
    cycles = []

    def walk(name, stack, on_stack, done):
        on_stack.add(name)
        stack.append(name)
        for target in sorted(graph[name]):
            if target in on_stack:
                cycles.append(" -> ".join([*stack[stack.index(target) :], target]))
            elif target not in done:
                walk(target, stack, on_stack, done)
        stack.pop()
        on_stack.discard(name)
        done.add(name)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            walk(name, [], set(), done)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_models_import_nothing_built_on_them():
    known = modules()
    offenders = {
        name: sorted(
            t for t in top_level_imports(name, path, known) if t.startswith(MODELS_MUST_NOT_IMPORT)
        )
        for name, path in known.items()
        if name.startswith("tasks.models")
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_few_imports_are_made_inside_functions_and_each_says_why():
    found = function_imports()
    assert len(found) < MAX_FUNCTION_IMPORTS, [where for where, _ in found]
    assert all(reason for _, reason in found), [where for where, reason in found if not reason]


def test_the_cycle_finder_finds_a_cycle(tmp_path):
    known = {"a": tmp_path / "a.py", "b": tmp_path / "b.py"}
    known["a"].write_text("import b\n")
    known["b"].write_text("from a import x\n")
    assert top_level_imports("a", known["a"], known) == {"b"}
    assert top_level_imports("b", known["b"], known) == {"a"}
