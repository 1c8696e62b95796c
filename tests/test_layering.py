"""Imports point one way: sync -> connectors -> planner (DESIGN.md, Layout)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def imported_packages(source: str, package: str, depth: int) -> set[str]:
    """Top-level package names that ``source`` imports anywhere (also inside functions).

    ``package`` and ``depth`` (how many folders the module sits below the repo root) resolve
    relative imports: one that stays inside its package names it, one that climbs out is
    reported as ``<outside>``.
    """
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                names.add(package if node.level <= depth else "<outside>")
            elif node.module:
                names.add(node.module.split(".")[0])
    return names


def _offenders(package: str, forbidden: set[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((REPO / package).rglob("*.py")):
        parts = path.relative_to(REPO).parts
        names = imported_packages(path.read_text(encoding="utf-8"), package, len(parts) - 1)
        bad = sorted(names & (forbidden | {"<outside>"}))
        if bad:
            found["/".join(parts)] = bad
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"), [("planner", {"sync", "connectors"}), ("connectors", {"sync"})]
)
def test_imports_point_one_way(package: str, forbidden: set[str]) -> None:
    """The pure planner never imports sync or connectors, and connectors never import sync."""
    assert any((REPO / package).rglob("*.py")), f"no modules under {package}/"
    assert _offenders(package, forbidden) == {}


def test_layering_check_sees_hidden_and_relative_imports() -> None:
    """An import tucked inside a function or climbing out with '..' is still caught."""
    source = (
        "def f() -> None:\n"
        "    from sync import engine\n"
        "    import connectors.files\n"
        "    from ..sync import cli\n"
        "    from .models import Run\n"
    )
    names = imported_packages(source, "planner", 1)
    assert {"sync", "connectors", "<outside>", "planner"} <= names
