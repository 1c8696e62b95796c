"""The Google Calendar parts of a sync (the sink and the look-ahead) from the config.

The sink is storage (:mod:`sync.sinks.google`) run by the write-back executor, with the
renderer of calendar events and this install's id. Secrets: the OAuth client's secret and
the refresh token come from the keyring entries ``google.client_secret`` /
``google.refresh_token`` (service ``hamsync``) or from ``HAMSYNC_GOOGLE_CLIENT_SECRET`` /
``HAMSYNC_GOOGLE_REFRESH_TOKEN``. The credentials are kept per process, so the sink, the
look-ahead and the daemon's next ticks reuse one access token until it expires instead of
asking Google's token endpoint each time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sync.config.keystore import get_secret
from sync.config.model import Config, GoogleConfig

if TYPE_CHECKING:
    from connectors.base import UpcomingSource
    from connectors.google.auth import OAuthClient
    from sync.sinks.contract import Storage

SECTION = "google"

_CREDENTIALS: dict[tuple[str, str, str], Any] = {}
"""Credentials by (client id, token URI, refresh token): one access token per process."""


def oauth_client(section: GoogleConfig, secret: str | None = None) -> OAuthClient:
    """The runner's OAuth client; the secret from the keyring or the environment."""
    from connectors.google.auth import OAuthClient

    found = secret if secret is not None else get_secret(SECTION, "client_secret") or ""
    return OAuthClient(section.client_id, found, section.auth_uri, section.token_uri)


def scopes_for(config: Config) -> tuple[str, ...]:
    """The narrowest scopes the configured Google parts need."""
    from connectors.google.auth import needed_scopes

    sink = config.sinks.google
    upcoming = config.upcoming.google
    names = [c.calendar for c in (sink, upcoming) if c is not None]
    return needed_scopes(
        write=sink is not None,
        create=sink is not None and sink.create,
        read=upcoming is not None,
        by_name=any(name != "primary" and "@" not in name for name in names),
    )


def service_factory(section: GoogleConfig) -> Callable[[], Any]:
    """Builds the Calendar client when first needed; :class:`LoginNeeded` without a grant."""

    def build() -> Any:
        from connectors.google.api import Endpoints, build_service
        from connectors.google.auth import credentials
        from connectors.google.errors import LoginNeeded

        client = oauth_client(section)
        if not client.client_secret:
            raise LoginNeeded("Google Calendar: no client secret stored for [google] client_id")
        token = get_secret(SECTION, "refresh_token")
        key = (client.client_id, client.token_uri, token or "")
        if key not in _CREDENTIALS:
            _CREDENTIALS[key] = credentials(client, token)
        return build_service(
            _CREDENTIALS[key], Endpoints(section.api_endpoint, section.timeout_s)
        )

    return build


def google_sink(config: Config, install: str) -> Storage | None:
    """``[sinks.google]`` as storage for the write-back executor, writing as ``install``."""
    sink = config.sinks.google
    if sink is None or not sink.enabled or config.google is None:
        return None
    from connectors.google.listing import ListingCache
    from connectors.google.storage import GoogleCalendarStorage
    from sync.sinks.google import GoogleEventSink

    assert config.state_dir is not None
    storage = GoogleCalendarStorage(
        service_factory(config.google),
        sink.calendar,
        install,
        ListingCache(config.state_dir / "google" / "google.json"),
        create=sink.create,
        time_zone=config.timezone,
    )
    return GoogleEventSink(storage)


def google_upcoming(config: Config) -> list[UpcomingSource]:
    upcoming = config.upcoming.google
    if upcoming is None or not upcoming.enabled or config.google is None:
        return []
    from connectors.google.upcoming import GoogleUpcoming

    return [
        GoogleUpcoming(
            service_factory(config.google), upcoming.calendar, config.tz, config.settings()
        )
    ]
