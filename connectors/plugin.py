"""The plugin contract of an activity source: how a package adds a connector to hamsync.

A connector is a factory registered as an entry point in the group ``hamsync.connectors``,
named after its config section. With ``[sources.coros]`` in the config, hamsync loads the
entry point named ``coros`` (and only then: start-up never imports a connector it does not
use) and calls it with that section and a :class:`PluginContext`::

    # the plugin's pyproject.toml
    [project.entry-points."hamsync.connectors"]
    coros = "hamsync_coros:make_source"

    # hamsync_coros/__init__.py
    def make_source(section: Mapping[str, Any], context: PluginContext) -> ActivitySource:
        return CorosSource(section["folder"], context.tz, name=context.name)

The factory receives the section as a plain mapping (hamsync's own ``enabled`` key removed)
and validates it itself: raise :class:`~connectors.base.SourceError` with a message naming
the key. The source it returns follows :class:`~connectors.base.ActivitySource`; its
``name`` should be ``context.name``, which keys its cursor in the state database. A factory
that fails, or a package that fails to import, costs that source only: the sync reports it
and the other sources go on (exit code 3).

The built-in sources (``files``, ``strava``, ``garmin``) register the same way, from
``connectors.builtin``. This module imports neither ``sync`` nor any platform library.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from planner.settings import Settings

from .base import ActivitySource
from .errors import EXIT_CONFIG, HamsyncError

GROUP = "hamsync.connectors"


@dataclass(frozen=True, slots=True)
class PluginContext:
    """What hamsync hands a connector, so that it never needs to import ``sync``."""

    name: str
    """The section's name (``coros`` for ``[sources.coros]``): use it as the source's name."""
    tz: ZoneInfo
    """The runner's time zone (``timezone`` in the config): local days are in it."""
    state_dir: Path
    """hamsync's state folder; keep the connector's own files (tokens) in ``state_dir / name``."""
    get_secret: Callable[[str], str | None]
    """A secret of this section by key, from ``HAMSYNC_<NAME>_<KEY>`` or the keyring entry
    ``<name>.<key>`` (service ``hamsync``); None when it is set nowhere. Never log it."""
    settings: Settings
    """The planner's settings (rules and word lists), e.g. to tell a trail run."""
    set_secret: Callable[[str, str], None] | None = None
    """Store a secret of this section by key (the keyring entry ``<name>.<key>``), e.g. a
    rotated token; raises :class:`~connectors.base.SourceError` when no keyring can be
    reached. None where hamsync offers no store."""


ConnectorFactory = Callable[[Mapping[str, Any], PluginContext], ActivitySource]


class ConnectorLoadError(HamsyncError):
    """No installed package provides the connector, several do, or its import failed."""

    exit_code = EXIT_CONFIG


def installed_names(group: str = GROUP) -> set[str]:
    """The names installed packages register in ``group`` (reads metadata, imports none)."""
    return {ep.name for ep in entry_points(group=group)}


_LOADED: dict[tuple[str, str], Any] = {}
"""Factories already imported in this process: the daemon reads the metadata once per name
(a package installed or upgraded later is seen after a restart, like any import)."""


def load_factory(name: str) -> ConnectorFactory:
    """Import the factory registered as ``name``; :class:`ConnectorLoadError` says why not."""
    factory: ConnectorFactory = load_entry_point(GROUP, name, "connector")
    return factory


def load_entry_point(group: str, name: str, what: str) -> Any:
    """The callable registered as ``name`` in ``group`` (``what`` names it in messages), loaded
    once per process; :class:`ConnectorLoadError` says why it cannot be (also used for the
    ``hamsync.sinks`` group)."""
    if (group, name) not in _LOADED:
        _LOADED[group, name] = _load(group, name, what)
    return _LOADED[group, name]


def _load(group: str, name: str, what: str) -> Any:
    found = _entry_points(group, name)
    if not found:
        raise ConnectorLoadError(f'no {what} named "{name}" is installed')
    if len(found) > 1:
        packages = ", ".join(sorted(_package(ep) for ep in found))
        raise ConnectorLoadError(f'several packages provide the {what} "{name}": {packages}')
    try:
        factory = found[0].load()
    except Exception as exc:  # the plugin's import: any error of its code lands here
        raise ConnectorLoadError(
            f'the {what} "{name}" ({_package(found[0])}) failed to load: '
            f"{type(exc).__name__}: {exc}"
        ) from exc
    if not callable(factory):
        raise ConnectorLoadError(f'the {what} "{name}" ({found[0].value}) is not callable')
    return factory


def _entry_points(group: str, name: str) -> list[EntryPoint]:
    """The entry points named ``name``, one per package (a package seen twice counts once)."""
    unique: dict[str, EntryPoint] = {}
    for ep in entry_points(group=group, name=name):
        unique.setdefault(ep.value if ep.dist is None else _package(ep), ep)
    return list(unique.values())


def _package(ep: EntryPoint) -> str:
    return ep.dist.name if ep.dist is not None else ep.value
