"""Turns the config into the sources and sinks of a sync: the one place that knows them all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from connectors.base import ActivitySource, UpcomingSource
from connectors.ics_calendar import IcsUpcoming
from sync.config.keystore import get_secret
from sync.config.model import CalDavConfig, Config
from sync.sinks.base import SessionSink
from sync.sinks.event_items import EventRenderer
from sync.sinks.ics_file import IcsFileSink
from sync.sinks.renderer import Writer
from sync.sinks.strava_notes import StravaNotesSink
from sync.sinks.vevent import EventTiming
from sync.store.install_id import install_id
from sync.wiring import plugin_sources
from sync.wiring import strava as strava_wiring
from sync.wiring.garmin import garmin_sinks, garmin_upcoming

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
    """Sessions as calendar events, carrying this install's id."""
    assert config.state_dir is not None
    return EventRenderer(event_timing(config), install_id(config.state_dir))


def build_sinks(config: Config) -> list[SessionSink | Writer]:
    sinks: list[SessionSink | Writer] = []
    ics = config.sinks.ics
    if ics is not None and ics.enabled:
        sinks.append(Writer(IcsFileSink(ics.path, ics.name), event_renderer(config)))
    caldav = config.sinks.caldav
    if caldav is not None and caldav.enabled:
        from sync.sinks.caldav import CalDavSink

        account = caldav_account(caldav, get_secret("caldav", "password"), "caldav")
        sinks.append(Writer(CalDavSink(account), event_renderer(config)))
    notes = config.sinks.strava_notes
    if notes is not None and notes.enabled and config.sources.strava is not None:
        sinks.append(StravaNotesSink(strava_wiring.build_api(config.sources.strava)))
    sinks.extend(garmin_sinks(config))
    return sinks


def caldav_account(section: CalDavConfig, password: str | None, secret: str) -> CalDavAccount:
    from connectors.caldav_calendar import CalDavAccount

    hint = f"the keyring entry {secret}.password or HAMSYNC_{secret.upper()}_PASSWORD"
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
    return upcoming
