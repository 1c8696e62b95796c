"""Turns the config into the sources and sinks of a sync: the one place that knows them all."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from connectors.base import ActivitySource, UpcomingSource
from connectors.errors import HamsyncError
from connectors.ics_calendar import IcsUpcoming
from connectors.plugin import PluginContext
from sync.config.keystore import get_secret, where_to_put
from sync.config.model import CalDavConfig, Config
from sync.sinks.base import SinkError
from sync.sinks.contract import Storage
from sync.sinks.event_items import EventRenderer
from sync.sinks.note_items import NoteRenderer
from sync.sinks.outcome import SessionSink, SinkResult, WriteContext
from sync.sinks.registry import SinkContext, SinkLoadError, build_sink
from sync.sinks.renderer import Renderer, Writer
from sync.sinks.vevent import EventTiming
from sync.sinks.workout_items import WorkoutRenderer
from sync.store.database import StateDatabase
from sync.store.install_id import InstallIdError
from sync.wiring import plugin_sources
from sync.wiring.garmin import garmin_upcoming
from sync.wiring.google import google_upcoming
from sync.wiring.install import install_for
from sync.wiring.intervals import intervals_upcoming

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
    return EventRenderer(event_timing(config), install_for(config))


BUILTIN_SINKS = (
    "ics", "caldav", "strava_notes", "garmin", "garmin_notes", "google", "intervals",
)  # fmt: skip
"""The built-in sinks, in the order they are written (before any plugin); each registers under
``hamsync.sinks`` like a plugin (:mod:`sync.wiring.builtin_sinks`)."""


def build_sinks(config: Config) -> list[SessionSink | Writer[Any]]:
    """Each enabled sink (built-in or ``hamsync.sinks`` plugin), built through the registry and
    paired with the renderer of its role; one that cannot be had stands in as
    :class:`Unavailable`, saying why."""
    return [storage_writer(name, section, config) for name, section in enabled_sinks(config)]


def enabled_sinks(config: Config) -> list[tuple[str, dict[str, Any]]]:
    """``(name, section)`` of each enabled sink, built-ins first; without ``enabled``."""
    found: list[tuple[str, dict[str, Any]]] = []
    for name in BUILTIN_SINKS:
        typed = getattr(config.sinks, name)
        if typed is not None and typed.enabled:
            found.append((name, typed.model_dump(exclude={"enabled"})))
    for name, table in (config.sinks.model_extra or {}).items():
        if isinstance(table, dict) and table.get("enabled", True):
            found.append((name, {k: v for k, v in table.items() if k != "enabled"}))
    return found


def sink_context(name: str, config: Config) -> SinkContext:
    """The context a sink's factory gets: a connector's, and the whole config."""
    base = plugin_sources.plugin_context(name, config)
    fields = {f: getattr(base, f) for f in PluginContext.__dataclass_fields__}
    return SinkContext(**fields, config=config)


def storage_writer(
    name: str, section: dict[str, Any], config: Config
) -> SessionSink | Writer[Any]:
    """The writer of one sink, or a stand-in that reports why it cannot be had."""
    try:
        made = build_sink(name, section, sink_context(name, config))
        return made if isinstance(made, Writer) else Writer(made, role_renderer(made, config))
    except (SinkLoadError, InstallIdError, HamsyncError) as exc:  # InstallIdError: never
        # write under a new identity by accident
        return Unavailable(name, str(exc))
    except Exception as exc:  # a plugin's bug: reported for this sink only
        return Unavailable(name, f'the sink "{name}" failed to start: {type(exc).__name__}: {exc}')


def role_renderer(sink: Storage, config: Config) -> Renderer[Any]:
    """The renderer of the sink's role, for this install: calendar events (iCalendar),
    workouts (Garmin's workout JSON, :mod:`sync.sinks.workout_items`), or note blocks on the
    runs whose source ids start with ``<sink.source>:``."""
    events = event_renderer(config)  # before the first sync: a provisional install id
    if sink.role == "events":
        return events
    if sink.role == "workouts":
        return WorkoutRenderer(config.settings(), "hamsync:", events.install)
    return NoteRenderer(f"{getattr(sink, 'source', '')}:", events.install)


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
