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


# -- the wings of sync/ ------------------------------------------------------------------
RANKS = {
    "planner": 0,
    "connectors": 1,
    "sync.config": 2,
    "sync.store": 3,
    "sync.sinks": 3,
    "sync.wiring": 4,
    "sync.engine": 6,
    "sync.views": 7,
    "sync.serve": 8,
    "sync.cli": 9,
    "sync": 10,
}
"""A unit imports only units of a lower rank (DESIGN.md, Layout): cli -> engine ->
store/sinks -> connectors -> planner, with config, wiring (config to sources and sinks) and
the views in between. serve (the feed and the check-in page) sits just below cli: like a
command it records through the engine and shows the views; the daemon gets its server
passed in. store and sinks share a rank: neither imports the other."""

LEGACY_SINKS: dict[str, set[str]] = {}
"""Sinks that still run their own writes instead of being storage run by the executor: known
exceptions, never extended (issue 11 emptied it)."""


def unit_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "sync" and len(parts) > 1 and parts[1] != "__main__":
        return f"sync.{parts[1]}"
    return parts[0]


def imported_modules(path: Path) -> set[str]:
    """Every project module ``path`` imports (absolute or relative, anywhere in the file)."""
    parts = path.relative_to(REPO).with_suffix("").parts
    package = parts[:-1]  # a module's package, and an __init__'s own package alike
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {m for m in found if m.split(".")[0] in ("sync", "connectors", "planner")}


def project_modules() -> dict[str, Path]:
    out = {}
    for package in ("planner", "connectors", "sync"):
        for path in (REPO / package).rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def test_the_wings_import_downwards_only() -> None:
    """No module imports a unit of its own rank or above (legacy sinks listed, not growing)."""
    offenders: dict[str, list[str]] = {}
    for name, path in sorted(project_modules().items()):
        mine = unit_of(name)
        allowed = LEGACY_SINKS.get(str(path.relative_to(REPO)), set())
        bad = sorted(
            {unit_of(m) for m in imported_modules(path)}
            - {mine}
            - allowed
            - {u for u, rank in RANKS.items() if rank < RANKS[mine]}
        )
        if bad:
            offenders[name] = bad
    assert offenders == {}


def test_no_sink_reads_the_store_the_diff_or_the_valves() -> None:
    """Storage sinks never see the state database, the diff or the safety valves."""
    forbidden = ("sync.store", "sync.engine.diff", "sync.engine.valves")
    for path in sorted((REPO / "sync" / "sinks").glob("*.py")):
        if str(path.relative_to(REPO)) in LEGACY_SINKS:
            continue
        used = [m for m in imported_modules(path) if m.startswith(forbidden)]
        assert used == [], path.name


def test_no_import_cycle_between_modules() -> None:
    """Following imports (even those inside functions) never leads back to where it started."""
    modules = project_modules()
    graph = {
        name: {m for m in imported_modules(path) if m in modules and m != name}
        for name, path in modules.items()
    }
    done: set[str] = set()

    def visit(node: str, trail: list[str]) -> None:
        if node in trail:
            cycle = [*trail[trail.index(node) :], node]
            raise AssertionError(" -> ".join(cycle))
        if node in done:
            return
        for target in sorted(graph[node]):
            visit(target, [*trail, node])
        done.add(node)

    for name in sorted(graph):
        visit(name, [])
