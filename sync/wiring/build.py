"""Turns the config into the sources and sinks of a sync: the one place that knows them all."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from connectors.base import ActivitySource, UpcomingSource
from connectors.ics_calendar import IcsUpcoming
from sync.config.keystore import get_secret, where_to_put
from sync.config.model import CalDavConfig, Config
from sync.sinks.activity_notes import ActivityNotesSink
from sync.sinks.base import SinkError
from sync.sinks.event_items import EventRenderer
from sync.sinks.outcome import SessionSink, SinkResult, WriteContext
from sync.sinks.registry import SinkLoadError, build_sink
from sync.sinks.renderer import Writer
from sync.sinks.strava_notes import StravaNotesSink
from sync.sinks.vevent import EventTiming
from sync.store.database import StateDatabase
from sync.store.install_id import InstallIdError, install_id, provisional_install_id
from sync.wiring import plugin_sources
from sync.wiring import strava as strava_wiring
from sync.wiring.garmin import garmin_sinks, garmin_upcoming, garmin_workouts
from sync.wiring.google import google_sink, google_upcoming
from sync.wiring.intervals import intervals_sinks, intervals_upcoming

if TYPE_CHECKING:  # caldav (with niquests) costs ~0.2 s of start-up: imported where used
    from connectors.caldav_calendar import CalDavAccount


def build_sources(config: Config) -> list[ActivitySource]:
    """Each enabled ``[sources.<name>]`` through its ``hamsync.connectors`` entry point."""
    return plugin_sources.build_sources(config)


def event_timing(config: Config) -> EventTiming:
    return EventTiming.from_config(
        config.tz,
        config.athlete.session_time,
        config.athlete.session_minutes,
        slider=config.athlete.slider,
    )


def event_renderer(config: Config) -> EventRenderer:
    """Sessions as calendar events, carrying this install's id.

    Before the first sync (``sync --dry-run``, which writes nothing) the state folder does not
    exist: the events carry a provisional id, and no folder or id file is made (issue 16).
    """
    assert config.state_dir is not None
    if not config.state_dir.is_dir():
        return EventRenderer(event_timing(config), provisional_install_id())
    return EventRenderer(event_timing(config), install_id(config.state_dir))


STORAGE_SINKS = ("ics", "caldav")
"""Built-in sinks that are storage, run by the executor; the others (Garmin workouts, activity
notes) still run their own writes; Garmin workouts are storage wired by
:func:`garmin_writer`."""


def build_sinks(config: Config) -> list[SessionSink | Writer | ActivityNotesSink]:
    """Each enabled sink: storage ones (built-in or ``hamsync.sinks`` plugins) paired with the
    renderer of their role, then the Garmin and notes sinks."""
    sinks: list[SessionSink | Writer | ActivityNotesSink] = []
    for name, section in enabled_sinks(config):
        sinks.append(storage_writer(name, section, config))
    notes = config.sinks.strava_notes
    if notes is not None and notes.enabled and config.sources.strava is not None:
        sinks.append(StravaNotesSink(strava_wiring.build_api(config.sources.strava)))
    if config.sinks.garmin is not None and config.sinks.garmin.enabled:
        sinks.append(garmin_writer(config))
    sinks.extend(garmin_sinks(config))
    sinks.extend(google_writers(config))
    try:
        sinks.extend(intervals_sinks(config))
    except InstallIdError as exc:  # never write under a new identity by accident
        sinks.append(Unavailable("intervals", str(exc)))
    return sinks


def google_writers(config: Config) -> list[SessionSink | Writer]:
    """``[sinks.google]`` run by the executor with this install's event renderer."""
    if config.sinks.google is None or not config.sinks.google.enabled:
        return []
    try:
        renderer = event_renderer(config)
    except InstallIdError as exc:  # never write under a new identity by accident
        return [Unavailable("google", str(exc))]
    sink = google_sink(config, renderer.install)
    return [Writer(sink, renderer)] if sink is not None else []


def enabled_sinks(config: Config) -> list[tuple[str, dict[str, Any]]]:
    """``(name, section)`` of each enabled storage sink, built-ins first; without ``enabled``."""
    found: list[tuple[str, dict[str, Any]]] = []
    for name in STORAGE_SINKS:
        typed = getattr(config.sinks, name)
        if typed is not None and typed.enabled:
            found.append((name, typed.model_dump(exclude={"enabled"})))
    for name, table in (config.sinks.model_extra or {}).items():
        if isinstance(table, dict) and table.get("enabled", True):
            found.append((name, {k: v for k, v in table.items() if k != "enabled"}))
    return found


def storage_writer(name: str, section: dict[str, Any], config: Config) -> SessionSink | Writer:
    """The writer of one storage sink, or a stand-in that reports why it cannot be had."""
    from sync.wiring.plugin_sources import plugin_context

    try:
        sink = build_sink(name, section, plugin_context(name, config))
    except SinkLoadError as exc:
        return Unavailable(name, str(exc))
    except Exception as exc:  # a plugin's bug: reported for this sink only
        return Unavailable(name, f'the sink "{name}" failed to start: {type(exc).__name__}: {exc}')
    if sink.role != "events":
        return Unavailable(name, f'the sink "{name}" writes {sink.role}: this hamsync runs '
                                 "plugin sinks of calendar events only")  # fmt: skip
    try:
        renderer = event_renderer(config)
    except InstallIdError as exc:  # never write under a new identity by accident
        return Unavailable(name, str(exc))
    return Writer(sink, renderer)


def garmin_writer(config: Config) -> SessionSink | Writer:
    """The Garmin workout sink with its renderer, or why it cannot be had."""
    assert config.state_dir is not None
    try:
        writer = garmin_workouts(config, install_id(config.state_dir))
    except InstallIdError as exc:  # never write under a new identity by accident
        return Unavailable("garmin", str(exc))
    assert writer is not None
    return writer


class Unavailable:
    """A configured sink that could not be built: each sync and purge reports why."""

    def __init__(self, name: str, why: str) -> None:
        self.name = name
        self.why = why

    def sync(self, context: WriteContext, state: StateDatabase, dry_run: bool) -> SinkResult:
        raise SinkError(self.why)

    def purge(self, state: StateDatabase, dry_run: bool) -> SinkResult:
        raise SinkError(self.why)


def caldav_account(section: CalDavConfig, password: str | None, secret: str) -> CalDavAccount:
    from connectors.caldav_calendar import CalDavAccount

    hint = where_to_put(secret, "password")
    return CalDavAccount(
        url=section.url,
        username=section.username,
        password=password,
        calendar=section.calendar,
        timeout_s=section.timeout_s,
        password_hint=hint,
    )


def build_upcoming(config: Config) -> list[UpcomingSource]:
    upcoming: list[UpcomingSource] = []
    if config.upcoming.ics:
        upcoming.append(IcsUpcoming(config.upcoming.ics, config.tz, config.settings()))
    caldav = config.upcoming.caldav
    if caldav is not None and caldav.enabled:
        # Its own password if set, else the one of [sinks.caldav] (often the same account).
        password = get_secret("caldav_upcoming", "password") or get_secret("caldav", "password")
        from connectors.caldav_calendar import CalDavUpcoming

        account = caldav_account(caldav, password, "caldav_upcoming")
        upcoming.append(CalDavUpcoming(account, config.tz, config.settings()))
    upcoming.extend(garmin_upcoming(config))
    upcoming.extend(google_upcoming(config))
    upcoming.extend(intervals_upcoming(config))
    return upcoming
