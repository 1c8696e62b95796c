"""The factories of the built-in sinks, registered like any plugin (``pyproject.toml``, group
``hamsync.sinks``) and built through the same registry (:mod:`sync.sinks.registry`).

Each re-types its section with the model of :mod:`sync.config.sections` (already checked when
the config was loaded) and reads what it shares with a source (a platform's account) from the
whole config in its :class:`~sync.sinks.registry.SinkContext`. Storage of role ``events``
gets the wiring's event renderer; the others return their :class:`~sync.sinks.renderer.Writer`
(storage and the renderer of their items). Platform libraries are imported when used, so
start-up never pays for a sink that is not configured.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.plugin import PluginContext
from sync.config.model import (
    CalDavConfig,
    Config,
    GarminNotesConfig,
    GarminSinkConfig,
    IcsSinkConfig,
    IntervalsConfig,
    StravaNotesConfig,
)
from sync.sinks.contract import Storage
from sync.sinks.registry import SinkContext, SinkLoadError
from sync.sinks.renderer import Writer


def _config(context: PluginContext) -> Config:
    if not isinstance(context, SinkContext) or context.config is None:
        raise SinkLoadError(f'the built-in sink "{context.name}" needs hamsync\'s config')
    return context.config


def ics(section: Mapping[str, Any], context: PluginContext) -> Storage:
    from sync.sinks.ics_file import IcsFileSink

    config = IcsSinkConfig.model_validate(dict(section))
    return IcsFileSink(config.path, config.name, name=context.name)


def caldav(section: Mapping[str, Any], context: PluginContext) -> Storage:
    from sync.sinks.caldav import CalDavSink  # caldav costs ~0.2 s of start-up: only when used
    from sync.wiring.build import caldav_account

    config = CalDavConfig.model_validate(dict(section))
    account = caldav_account(config, context.get_secret("password"), context.name)
    return CalDavSink(account, name=context.name)


def google(section: Mapping[str, Any], context: PluginContext) -> Storage:
    from sync.wiring.build import event_renderer
    from sync.wiring.google import google_sink

    config = _config(context)
    sink = google_sink(config, event_renderer(config).install)
    if sink is None:
        raise SinkLoadError("[sinks.google] needs [google] client_id (see docs/calendars.md)")
    return sink


def intervals(section: Mapping[str, Any], context: PluginContext) -> Writer[Any]:
    from sync.wiring.intervals import intervals_writer

    return intervals_writer(_config(context), IntervalsConfig.model_validate(dict(section)))


def garmin(section: Mapping[str, Any], context: PluginContext) -> Writer[Any]:
    from sync.wiring.garmin import garmin_workouts

    return garmin_workouts(_config(context), GarminSinkConfig.model_validate(dict(section)))


def garmin_notes(section: Mapping[str, Any], context: PluginContext) -> Writer[Any]:
    from sync.sinks.garmin_notes import garmin_notes_writer
    from sync.wiring.garmin import garmin_notes_sink

    GarminNotesConfig.model_validate(dict(section))
    return garmin_notes_writer(garmin_notes_sink(_config(context), context.name))


def strava_notes(section: Mapping[str, Any], context: PluginContext) -> Writer[Any]:
    from sync.sinks.strava_notes import StravaNotesSink, strava_notes_writer
    from sync.wiring import strava

    StravaNotesConfig.model_validate(dict(section))
    source = _config(context).sources.strava
    if source is None:
        raise SinkLoadError(
            "[sinks.strava_notes] writes to your Strava activities: it needs [sources.strava] "
            "(client_id, and `hamsync login strava`)"
        )
    return strava_notes_writer(StravaNotesSink(strava.build_api(source), name=context.name))
