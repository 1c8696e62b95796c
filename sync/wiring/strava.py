"""Strava tokens in the keyring (or the environment), and the Strava API built from config.

Implements :class:`connectors.strava.TokenStore` on :mod:`sync.config.keystore`, so the connector
never imports ``sync``. Keyring entries (service ``hamsync``): ``strava.refresh_token``,
``strava.access_token``, ``strava.expires_at``; the client secret is ``strava.client_secret``.
In a container, ``HAMSYNC_STRAVA_REFRESH_TOKEN`` alone is enough: the access token is then
kept in memory and fetched again by the first request of each process.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from connectors.builtin import STRAVA_SECRET_FIX as CLIENT_KEY_FIX
from connectors.strava.context_store import SecretTokenStore
from sync.config.keystore import SecretStoreUnavailable, get_secret
from sync.config.model import StravaSourceConfig
from sync.wiring.plugin_sources import store_secret

if TYPE_CHECKING:
    from connectors.strava import StravaApi

SECTION = "strava"


class KeyringTokenStore(SecretTokenStore):
    """Strava tokens in the keyring; never in the config, the database or the logs."""

    def __init__(self) -> None:
        super().__init__(partial(get_secret, SECTION), partial(store_secret, SECTION))


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
