"""Dependencies point down (docs: ARCHITECTURE.md): each context imports only the contexts below it, and
the contexts' import graph has no cycle. Read from the source with ``ast``, so a lazy import inside a
function counts as much as one at the top; imports for type checkers only (``if TYPE_CHECKING:``) are
not run and do not count."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "alur"
# Lowest first. `api` and `config` sit on top of every context.
LAYERS = ("core", "accounts", "strategy", "campaigns", "content", "publishing", "analytics", "reports", "api", "config")
RANK = {name: rank for rank, name in enumerate(LAYERS)}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[tuple[str, int]]:
    """(imported module, line) of every runtime import in ``tree``."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, node.lineno
            for alias in node.names:  # `from alur import publishing`
                if node.module == "alur":
                    yield f"alur.{alias.name}", node.lineno
        stack.extend(ast.iter_child_nodes(node))


def context_edges() -> dict[tuple[str, str], list[str]]:
    """(importing context, imported context) → where, for every import from one context into another."""
    edges: dict[tuple[str, str], list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if len(relative.parts) < 2:
            continue
        source = relative.parts[0]
        for module, line in _imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            parts = module.split(".")
            if len(parts) < 2 or parts[0] != "alur" or parts[1] == source or parts[1] not in RANK:
                continue
            edges.setdefault((source, parts[1]), []).append(f"{relative}:{line}")
    return edges


def test_every_context_directory_has_a_layer() -> None:
    contexts = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert contexts <= set(RANK), f"give these a place in LAYERS: {sorted(contexts - set(RANK))}"


def test_contexts_import_only_the_contexts_below_them() -> None:
    upward = {
        f"{source} → {target}": where[:3] for (source, target), where in context_edges().items() if RANK[target] > RANK[source]
    }
    assert upward == {}, f"these imports point up (let the higher context register a hook instead): {upward}"


def test_core_imports_no_context() -> None:
    assert [edge for edge in context_edges() if edge[0] == "core"] == []


def test_content_does_not_import_publishing() -> None:
    assert ("content", "publishing") not in context_edges()


def test_there_is_no_import_cycle_between_contexts() -> None:
    graph: dict[str, set[str]] = {}
    for source, target in context_edges():
        graph.setdefault(source, set()).add(target)
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)) is not None:
                return cycle
        path.pop()
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)) is not None:
            raise AssertionError("import cycle: " + " → ".join(cycle))


def test_the_checker_sees_lazy_imports_and_skips_type_only_ones() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from alur.publishing.models import Post\n"
        "def f():\n    from alur.publishing.scheduler import sync_item_posts\n"
        "from alur import campaigns\n"
    )
    found = [module for module, _line in _imports(tree)]
    assert "alur.publishing.scheduler" in found and "alur.campaigns" in found
    assert "alur.publishing.models" not in found
