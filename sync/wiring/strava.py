"""Strava tokens in the keyring (or the environment), and the Strava API built from config.

Implements :class:`connectors.strava.TokenStore` on :mod:`sync.config.keystore`, so the connector
never imports ``sync``. Keyring entries (service ``hamsync``): ``strava.refresh_token``,
``strava.access_token``, ``strava.expires_at``; the client secret is ``strava.client_secret``.
In a container, ``HAMSYNC_STRAVA_REFRESH_TOKEN`` alone is enough: the access token is then
kept in memory and fetched again by the first request of each process.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from connectors.base import SourceError
from connectors.strava.oauth import Tokens

if TYPE_CHECKING:
    from connectors.strava import StravaApi, StravaSource

from sync.config.keystore import SecretStoreUnavailable, get_secret, set_secret
from sync.config.model import StravaSourceConfig

SECTION = "strava"
CLIENT_KEY_FIX = (
    "set HAMSYNC_STRAVA_CLIENT_SECRET, or store it with `hamsync login strava` (it asks for it)"
)


class KeyringTokenStore:
    """Strava tokens in the keyring; never in the config, the database or the logs."""

    def __init__(self) -> None:
        self._memory: Tokens | None = None

    def load(self) -> Tokens | None:
        if self._memory is not None:
            return self._memory
        try:
            refresh = get_secret(SECTION, "refresh_token")
            if not refresh:
                return None
            access = get_secret(SECTION, "access_token")
            expires = get_secret(SECTION, "expires_at")
        except SecretStoreUnavailable as error:
            raise SourceError(str(error)) from None
        try:
            expires_at = int(expires) if expires else 0
        except ValueError:
            expires_at = 0
        return Tokens(refresh_token=refresh, access_token=access, expires_at=expires_at)

    def save(self, tokens: Tokens) -> None:
        """Save the rotated refresh token first: once used, the old one is dead."""
        self._memory = tokens
        try:
            set_secret(SECTION, "refresh_token", tokens.refresh_token)
        except SecretStoreUnavailable as error:
            raise SourceError(
                f"Strava gave hamsync a new refresh token but it cannot be stored: {error}"
            ) from None
        try:
            if tokens.access_token:
                set_secret(SECTION, "access_token", tokens.access_token)
            set_secret(SECTION, "expires_at", str(tokens.expires_at))
        except SecretStoreUnavailable:
            pass  # container mode: the access token lives in memory for this process


def client_secret() -> str | None:
    try:
        return get_secret(SECTION, "client_secret")
    except SecretStoreUnavailable:
        return None


def build_api(section: StravaSourceConfig, max_requests: int | None = None) -> StravaApi:
    from connectors.strava import StravaApi

    return StravaApi(
        section.client_id,
        client_secret(),
        KeyringTokenStore(),
        timeout_s=section.timeout_s,
        max_requests=max_requests,
        secret_fix=CLIENT_KEY_FIX,
    )


def build_source(section: StravaSourceConfig) -> StravaSource:
    from connectors.strava import StravaSource

    return StravaSource(
        build_api(section, section.max_requests_per_sync),
        sports=section.sports,
        overlap=timedelta(hours=section.overlap_hours),
        history_days=section.history_days,
        checkins=section.checkins_from_exertion,
    )
