"""The factories of the built-in sources, registered like any plugin (``pyproject.toml``).

Each validates its section with the typed model of :mod:`sync.config.sections` (already
checked when the config was loaded, so this only re-types it) and hands it to the builder
the rest of ``sync`` uses. The platform modules are imported inside the factories: loading
the ``files`` entry point must not pay for Strava or Garmin.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.base import ActivitySource
from connectors.plugin import PluginContext
from sync.config.model import (
    FilesSourceConfig,
    GarminSourceConfig,
    IntervalsSourceConfig,
    StravaSourceConfig,
)


def files(section: Mapping[str, Any], context: PluginContext) -> ActivitySource:
    from connectors.files import FilesSource

    config = FilesSourceConfig.model_validate(dict(section))
    return FilesSource(
        config.path,
        context.tz,
        relative_to_today=config.relative_to_today,
        name=context.name,
        sports=config.sports,
    )


def strava(section: Mapping[str, Any], context: PluginContext) -> ActivitySource:
    from sync.wiring import strava as strava_wiring

    return strava_wiring.build_source(StravaSourceConfig.model_validate(dict(section)))


def garmin(section: Mapping[str, Any], context: PluginContext) -> ActivitySource:
    from sync.wiring.garmin import garmin_activities

    return garmin_activities(
        GarminSourceConfig.model_validate(dict(section)),
        context.state_dir,
        context.get_secret("tokenstore"),
        context.tz,
    )


def intervals(section: Mapping[str, Any], context: PluginContext) -> ActivitySource:
    from sync.wiring.intervals import intervals_activities

    return intervals_activities(
        IntervalsSourceConfig.model_validate(dict(section)), context.get_secret("api_key"),
        context.tz,
    )  # fmt: skip
