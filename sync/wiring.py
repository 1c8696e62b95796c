"""Turns the config into the sources and sinks of a sync: the one place that knows them all."""

from __future__ import annotations

from connectors.base import ActivitySource, UpcomingSource
from connectors.files import FilesSource
from connectors.ics_calendar import IcsUpcoming

from .config import Config
from .sinks.base import SessionSink
from .sinks.ics_file import IcsFileSink
from .sinks.vevent import EventTiming


def build_sources(config: Config) -> list[ActivitySource]:
    sources: list[ActivitySource] = []
    files = config.sources.files
    if files is not None and files.enabled:
        sources.append(
            FilesSource(files.path, config.tz, relative_to_today=files.relative_to_today)
        )
    return sources


def event_timing(config: Config) -> EventTiming:
    return EventTiming.from_config(
        config.tz, config.athlete.session_time, config.athlete.session_minutes
    )


def build_sinks(config: Config) -> list[SessionSink]:
    sinks: list[SessionSink] = []
    ics = config.sinks.ics
    if ics is not None and ics.enabled:
        sinks.append(IcsFileSink(ics.path, event_timing(config), ics.name))
    return sinks


def build_upcoming(config: Config) -> list[UpcomingSource]:
    upcoming: list[UpcomingSource] = []
    if config.upcoming.ics:
        upcoming.append(IcsUpcoming(config.upcoming.ics, config.tz, config.settings()))
    return upcoming
