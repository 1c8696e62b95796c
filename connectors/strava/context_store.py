"""Strava tokens kept through the plugin context's secret getter and setter (hamsync keeps
them in the keyring, or the environment): never in the config, the database or the logs.

Keys (section ``strava``): ``refresh_token``, ``access_token``, ``expires_at``. In a
container, ``HAMSYNC_STRAVA_REFRESH_TOKEN`` alone is enough: the access token is then kept
in memory and fetched again by the first request of each process. The getter and setter
raise :class:`~connectors.base.SourceError` when no secret store can be reached.
"""

from __future__ import annotations

from collections.abc import Callable

from connectors.base import SourceError
from connectors.strava.oauth import Tokens

GetSecret = Callable[[str], str | None]
SetSecret = Callable[[str, str], None]


class SecretTokenStore:
    """A :class:`~connectors.strava.oauth.TokenStore` on a secret getter and setter."""

    def __init__(self, get_secret: GetSecret, set_secret: SetSecret | None) -> None:
        self.get_secret = get_secret
        self.set_secret = set_secret
        self._memory: Tokens | None = None

    def load(self) -> Tokens | None:
        if self._memory is not None:
            return self._memory
        refresh = self.get_secret("refresh_token")
        if not refresh:
            return None
        access = self.get_secret("access_token")
        expires = self.get_secret("expires_at")
        try:
            expires_at = int(expires) if expires else 0
        except ValueError:
            expires_at = 0
        return Tokens(refresh_token=refresh, access_token=access, expires_at=expires_at)

    def save(self, tokens: Tokens) -> None:
        """Save the rotated refresh token first: once used, the old one is dead."""
        self._memory = tokens
        if self.set_secret is None:
            raise SourceError("Strava gave hamsync a new refresh token but it cannot be stored")
        try:
            self.set_secret("refresh_token", tokens.refresh_token)
        except SourceError as error:
            raise SourceError(
                f"Strava gave hamsync a new refresh token but it cannot be stored: {error}"
            ) from None
        try:
            if tokens.access_token:
                self.set_secret("access_token", tokens.access_token)
            self.set_secret("expires_at", str(tokens.expires_at))
        except SourceError:
            pass  # container mode: the access token lives in memory for this process
