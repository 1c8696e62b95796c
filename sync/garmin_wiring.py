"""The Garmin parts of a sync (source, calendar, workout and note sinks) from the config.

They share one :class:`GarminSession` per config, so a sync signs in once (two requests)
and the one-second pacing holds across all of them; a session that hit a 429 or a refused
sign-in makes no further request until its cool-down ends or new tokens are stored.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from connectors.base import ActivitySource, UpcomingSource
from connectors.garmin.activities import GarminActivities
from connectors.garmin.calendar import GarminUpcoming
from connectors.garmin.session import GarminSession, Pacer, token_dir_for

from .config import Config
from .keystore import get_secret
from .sinks.base import SessionSink
from .sinks.garmin_notes import GarminNotesSink
from .sinks.garmin_workouts import GarminWorkoutSink

_SESSIONS: dict[tuple[Path, float], GarminSession] = {}
"""One session per token folder and pace: reused by the parts of a sync and by the daemon."""


def garmin_token_dir(config: Config) -> Path:
    assert config.state_dir is not None
    return token_dir_for(config.state_dir, get_secret("garmin", "tokenstore"))


def garmin_session(config: Config) -> GarminSession:
    source = config.sources.garmin
    interval = source.min_interval_s if source is not None else 1.0
    key = (garmin_token_dir(config), interval)
    if key not in _SESSIONS:
        _SESSIONS[key] = GarminSession(key[0], Pacer(min_interval_s=interval))
    return _SESSIONS[key]


def garmin_sources(config: Config) -> list[ActivitySource]:
    source = config.sources.garmin
    if source is None or not source.enabled:
        return []
    return [
        GarminActivities(
            garmin_session(config), config.tz, overlap=timedelta(days=source.overlap_days),
            initial_days=source.initial_days, checkins=source.checkins_from_feel,
        )
    ]  # fmt: skip


def garmin_upcoming(config: Config) -> list[UpcomingSource]:
    if not config.upcoming.garmin:
        return []
    prefix = config.sinks.garmin.name_prefix if config.sinks.garmin else "hamsync:"
    return [GarminUpcoming(garmin_session(config), config.settings(), own_prefix=prefix)]


def garmin_sinks(config: Config) -> list[SessionSink]:
    sinks: list[SessionSink] = []
    workouts = config.sinks.garmin
    if workouts is not None and workouts.enabled:
        sinks.append(
            GarminWorkoutSink(garmin_session(config), config.settings(), workouts.name_prefix)
        )
    notes = config.sinks.garmin_notes
    if notes is not None and notes.enabled:
        sinks.append(GarminNotesSink(garmin_session(config)))
    return sinks
