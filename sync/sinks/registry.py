"""The sinks of a sync, found through the ``hamsync.sinks`` entry points.

A sink is a factory registered in the group ``hamsync.sinks`` under the name of its config
section: with ``[sinks.tp]`` in the config, hamsync loads the entry point ``tp`` (only then)
and calls it with that section (a plain mapping, ``enabled`` removed) and a
:class:`~connectors.plugin.PluginContext`. It returns storage (:mod:`.contract`); the
executor does the rest. The built-in storage sinks (``ics``, ``caldav``) register the same
way (``pyproject.toml``). See ``docs/plugins.md``, "Writing a sink".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from connectors.plugin import PluginContext, load_entry_point
from sync.sinks.contract import ROLES, Storage

GROUP = "hamsync.sinks"

SinkFactory = Callable[[Mapping[str, Any], PluginContext], Storage]


class SinkLoadError(Exception):
    """The sink could not be loaded or built; the message says which and why."""


def build_sink(name: str, section: Mapping[str, Any], context: PluginContext) -> Storage:
    """The storage of ``[sinks.<name>]``; :class:`SinkLoadError` when it cannot be had."""
    from connectors.plugin import ConnectorLoadError

    try:
        factory: SinkFactory = load_entry_point(GROUP, name, "sink")
    except ConnectorLoadError as exc:
        raise SinkLoadError(str(exc)) from None
    sink = factory(section, context)
    missing = [m for m in ("list", "get", "create", "update", "delete") if not hasattr(sink, m)]
    if missing or getattr(sink, "role", None) not in ROLES:
        raise SinkLoadError(
            f'the sink "{name}" gave {type(sink).__name__}, not storage '
            f"(missing: {', '.join(missing) or 'a role among ' + ', '.join(ROLES)})"
        )
    return sink
