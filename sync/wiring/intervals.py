"""The intervals.icu parts of a sync (source, look-ahead calendar, sink) from the config.

They share one :class:`IntervalsClient` per athlete, address and key, so a 429 met by any of
them stops the others from asking again in the same sync (and in the daemon until the wait
the server asked for is over). The key comes from ``HAMSYNC_INTERVALS_API_KEY`` or the
keyring entry ``intervals.api_key``; the config only names the athlete.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from connectors.base import UpcomingSource
from connectors.intervals.client import IntervalsClient, shared_client
from connectors.intervals.upcoming import IntervalsUpcoming
from sync.config.keystore import get_secret
from sync.config.model import Config, IntervalsConfig
from sync.sinks.intervals_storage import IntervalsRenderer, IntervalsStorage
from sync.sinks.renderer import Writer
from sync.wiring.install import install_for


def client_for(section: IntervalsConfig, api_key: str | None) -> IntervalsClient:
    """The one client of this account (:func:`connectors.intervals.client.shared_client`)."""
    return shared_client(section.athlete_id, api_key, section.base_url, section.timeout_s)


def intervals_upcoming(config: Config) -> list[UpcomingSource]:
    section = config.upcoming.intervals
    if section is None or not section.enabled:
        return []
    client = client_for(section, get_secret("intervals", "api_key"))
    return [IntervalsUpcoming(client, config.settings())]


def intervals_writer(config: Config, section: IntervalsConfig) -> Writer[Any]:
    """``[sinks.intervals]``: the calendar as storage, with its own renderer (its workouts are
    intervals.icu's, not Garmin's JSON). :class:`~sync.store.install_id.InstallIdError` when
    the install id cannot be read."""
    assert config.state_dir is not None
    client = client_for(section, get_secret("intervals", "api_key"))
    tz = config.tz
    storage = IntervalsStorage(client, today=lambda: datetime.now(tz).date())
    athlete = config.athlete
    renderer = IntervalsRenderer(
        install_for(config), athlete.session_minutes, athlete.slider
    )
    return Writer(storage, renderer)
