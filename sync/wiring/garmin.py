"""The Garmin parts of a sync (source, calendar, workout and note sinks) from the config.

They share one :class:`GarminSession` per config, so a sync signs in once (two requests)
and the one-second pacing holds across all of them; a session that hit a 429 or a refused
sign-in makes no further request until its cool-down ends or new tokens are stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from connectors.base import UpcomingSource
from connectors.garmin.calendar import GarminUpcoming
from connectors.garmin.session import GarminSession, shared_session, token_dir_for
from sync.config.keystore import get_secret
from sync.config.model import Config, GarminSinkConfig
from sync.sinks.garmin_notes import GarminNotesSink
from sync.sinks.garmin_workouts import GarminWorkoutSink
from sync.sinks.renderer import Writer
from sync.sinks.workout_items import WorkoutRenderer
from sync.wiring.install import install_for


def garmin_token_dir(config: Config) -> Path:
    assert config.state_dir is not None
    return token_dir_for(config.state_dir, get_secret("garmin", "tokenstore"))


def garmin_session(config: Config) -> GarminSession:
    source = config.sources.garmin
    interval = source.min_interval_s if source is not None else 1.0
    return shared_session(garmin_token_dir(config), interval)


def garmin_upcoming(config: Config) -> list[UpcomingSource]:
    if not config.upcoming.garmin:
        return []
    prefix = config.sinks.garmin.name_prefix if config.sinks.garmin else "hamsync:"
    return [GarminUpcoming(garmin_session(config), config.settings(), own_prefix=prefix)]


def garmin_workouts(config: Config, section: GarminSinkConfig) -> Writer[Any]:
    """The ``[sinks.garmin]`` workout sink and its renderer, for the executor.

    :class:`~sync.store.install_id.InstallIdError` when the install id cannot be read."""
    assert config.state_dir is not None
    sink = GarminWorkoutSink(garmin_session(config), section.name_prefix)
    install = install_for(config)
    return Writer(sink, WorkoutRenderer(config.settings(), section.name_prefix, install))


def garmin_notes_sink(config: Config, name: str = "garmin_notes") -> GarminNotesSink:
    """The Garmin activity-note sink (storage of role ``notes``) on the shared session."""
    return GarminNotesSink(garmin_session(config), name)
