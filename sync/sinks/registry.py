"""The sinks of a sync, found through the ``hamsync.sinks`` entry points.

A sink is a factory registered in the group ``hamsync.sinks`` under the name of its config
section: with ``[sinks.tp]`` in the config, hamsync loads the entry point ``tp`` (only then)
and calls it with that section (a plain mapping, ``enabled`` removed) and a
:class:`SinkContext`. It returns storage (:mod:`.contract`) of any role (:data:`ROLES`); the
wiring pairs it with the renderer of its role and the executor does the rest. A factory whose
items are not its role's usual format returns a :class:`~sync.sinks.renderer.Writer` pairing
its storage with a renderer of its own (intervals.icu's workouts are not Garmin's JSON).

Every built-in sink registers the same way (``pyproject.toml``: ``ics``, ``caldav``,
``google``, ``intervals``, ``garmin``, ``garmin_notes``, ``strava_notes``), so the registry is
the one way in. See ``docs/plugins.md``, "Writing a sink".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from connectors.plugin import PluginContext, load_entry_point
from sync.config.model import Config
from sync.sinks.contract import ROLES, Storage
from sync.sinks.renderer import Writer

GROUP = "hamsync.sinks"

SinkFactory = Callable[[Mapping[str, Any], PluginContext], Storage | Writer[Any]]
OPERATIONS = ("list", "get", "create", "update", "delete")


class SinkLoadError(Exception):
    """The sink could not be loaded or built; the message says which and why."""


@dataclass(frozen=True, slots=True)
class SinkContext(PluginContext):
    """What a sink's factory gets: a connector's :class:`~connectors.plugin.PluginContext`,
    and hamsync's whole config, from which the built-in sinks read the sections they share
    with a source (a platform's account). A plugin reads its own section only."""

    config: Config | None = None


def build_sink(
    name: str, section: Mapping[str, Any], context: PluginContext
) -> Storage | Writer[Any]:
    """The storage of ``[sinks.<name>]`` (or its writer); :class:`SinkLoadError` when it
    cannot be had: not installed, or what the factory gave is not storage of a known role."""
    from connectors.plugin import ConnectorLoadError

    try:
        factory: SinkFactory = load_entry_point(GROUP, name, "sink")
    except ConnectorLoadError as exc:
        raise SinkLoadError(str(exc)) from None
    made = factory(section, context)
    sink = made.sink if isinstance(made, Writer) else made
    missing = [m for m in OPERATIONS if not callable(getattr(sink, m, None))]
    role = getattr(sink, "role", None)
    if missing or role not in ROLES:
        raise SinkLoadError(
            f'the sink "{name}" gave {type(sink).__name__}, not storage '
            f"(missing: {', '.join(missing) or 'a role among ' + ', '.join(ROLES)})"
        )
    if role == "notes" and not isinstance(made, Writer):
        source = getattr(sink, "source", None)
        if not isinstance(source, str) or not source:
            raise SinkLoadError(
                f'the sink "{name}" writes notes but names no `source` (the source whose run '
                'ids name its activities, e.g. source = "strava" for strava:123)'
            )
    return made
