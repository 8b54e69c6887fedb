"""How the application's modules import one another.

Blueprints are laid out as microblog's: a blueprint is defined in the
``__init__.py`` of its ``routes`` package (or in a single ``routes.py``), and
its page modules, imported at the bottom of that file, take ``bp`` from it and
share helpers through a small module, never through one another. Read from the
source (nothing is executed), so these checks take milliseconds.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import qa_app

ROOT = Path(qa_app.__file__).parent


def module_files(root: Path = ROOT) -> dict[str, Path]:
    files = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


def imported_at_load(name: str, path: Path, modules: set[str]) -> set[str]:
    """The application modules that loading ``name`` loads first: its imports
    at module level (not in functions, not under ``if TYPE_CHECKING``), each
    with the packages on its path. A module's own packages are left out: they
    are being initialised already when it loads (as ``from app.main import bp``
    in microblog's route modules)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                prefix = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*prefix, base] if base else prefix)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    loaded = set()
    for target in found:
        parts = target.split(".")
        loaded.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return {m for m in loaded & modules if m != name and not name.startswith(f"{m}.")}


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    files = module_files(root)
    return {name: imported_at_load(name, path, set(files)) for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


VIEW = re.compile(r"^@\w+\.(route|get|post|put|patch|delete)\(", re.MULTILINE)


def is_route_module(path: Path) -> bool:
    """A module that registers views on a blueprint (pages or API)."""
    return VIEW.search(path.read_text(encoding="utf-8")) is not None


def test_no_module_is_part_of_an_import_cycle():
    # Any module can be imported first (a test, a job, the CLI) without
    # finding another half-initialised.
    assert cycles(import_graph()) == []


def test_a_page_module_imports_no_other_page_module():
    files = module_files()
    graph = import_graph()
    pages = {name for name, path in files.items() if is_route_module(path)}
    assert {"qa_app.reviews.routes.scoring", "qa_app.api.calibration"} <= pages
    crossings = {name: sorted(graph[name] & pages) for name in pages if graph[name] & pages}
    assert crossings == {}


def test_the_cycle_check_finds_a_cycle(tmp_path):
    package = tmp_path / "app"
    (package / "pages").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "pages" / "__init__.py").write_text("from app.pages import a\n")
    (package / "pages" / "a.py").write_text("from app.pages import bp\nfrom app import b\n")
    (package / "b.py").write_text("import app.pages.a\n")
    (package / "c.py").write_text("def later():\n    import app.b\n")
    # b loads a through its package: pages -> a -> b -> pages is a cycle.
    # a's import of its own package and c's import inside a function are not.
    assert cycles(import_graph(package)) == [["app.b", "app.pages", "app.pages.a"]]
