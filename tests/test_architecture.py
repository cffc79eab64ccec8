"""The shape of the code, checked: floors top first bot → handlers → exports → storage; a module
imports its own floor and those below, never above; no two modules import each other (lazily
either); Slack surfaces (modules that register listeners) never import one another; SQL stays
in storage/. Each rule is also run on a small tree that breaks it, so the check can fail."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLOORS = ("bot", "handlers", "exports", "storage")  # top first


def modules(root: Path) -> dict[str, Path]:
    found = {}
    for floor in FLOORS:
        for path in (root / floor).rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports(root: Path) -> dict[str, set[str]]:
    """Module → the project modules it imports anywhere in its body (lazy imports count)."""
    known = modules(root)

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                # `from handlers import ids` imports the module handlers.ids
                targets = [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                found = resolve(target)
                if found and found != name:
                    graph[name].add(found)
    return graph


def floor(module: str) -> int:
    return FLOORS.index(module.split(".")[0])


def upward(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{a} → {b}" for a, targets in graph.items() for b in targets if floor(b) < floor(a))


def mutual(graph: dict[str, set[str]]) -> list[str]:
    return sorted({" ↔ ".join(sorted((a, b))) for a in graph for b in graph[a] if a in graph.get(b, ())})


def surfaces(root: Path) -> set[str]:
    """handlers modules that register Slack listeners (a top-level `def register`)."""
    found = set()
    for name, path in modules(root).items():
        if name.startswith("handlers.") and not name.startswith("handlers.blocks"):
            tree = ast.parse(path.read_text())
            if any(isinstance(n, ast.FunctionDef) and n.name == "register" for n in tree.body):
                found.add(name)
    return found


def surface_imports(root: Path, graph: dict[str, set[str]]) -> list[str]:
    listed = surfaces(root)
    return sorted(f"{a} → {b}" for a in listed for b in graph.get(a, ()) if b in listed)


def sql_above_storage(root: Path, graph: dict[str, set[str]]) -> list[str]:
    """Imports of SQLAlchemy above storage/ (its exception types excepted: catching a database
    error is not running SQL)."""
    found = []
    for name, path in modules(root).items():
        if floor(name) < FLOORS.index("storage"):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    names = [node.module or ""]
                found += [
                    f"{name} imports {n}"
                    for n in names
                    if n.split(".")[0] == "sqlalchemy" and n != "sqlalchemy.exc"
                ]
    return sorted(found)


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return imports(ROOT)


def test_no_import_runs_up_the_floors(graph):
    assert upward(graph) == []


def test_no_two_modules_import_each_other(graph):
    assert mutual(graph) == []


def test_slack_surfaces_are_siblings(graph):
    assert len(surfaces(ROOT)) >= 10  # the check sees the surfaces at all
    assert surface_imports(ROOT, graph) == []


def test_no_sql_above_storage(graph):
    assert sql_above_storage(ROOT, graph) == []


def test_the_checks_catch_what_they_forbid(tmp_path):
    def write(path: str, text: str) -> None:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)

    for package in FLOORS:
        write(f"{package}/__init__.py", "")
    write("storage/model.py", "def f():\n    from handlers.view import g\n")  # lazy, upward
    write("handlers/view.py", "from storage import model\n\ndef register(app): ...\n")
    write("handlers/other.py", "from handlers import view\n\ndef register(app): ...\n")
    write("bot/cli.py", "from . import run\nimport sqlalchemy\nfrom sqlalchemy.exc import OperationalError\n")
    write("bot/run.py", "from bot.cli import main\n")
    found = imports(tmp_path)
    assert upward(found) == ["storage.model → handlers.view"]
    assert mutual(found) == ["bot.cli ↔ bot.run", "handlers.view ↔ storage.model"]
    assert surface_imports(tmp_path, found) == ["handlers.other → handlers.view"]
    assert sql_above_storage(tmp_path, found) == ["bot.cli imports sqlalchemy"]
