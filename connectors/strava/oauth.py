"""Strava tokens: where they live (a :class:`TokenStore` handed in by ``sync``) and when to
refresh them.

Strava access tokens last six hours; the refresh token rotates and the old one stops working
once the new access token is used, so every refresh is saved at once. stravalib refreshes only
after expiry (and only when it finds the client secret in its own environment variables), so
hamsync refreshes itself, a few minutes *before* expiry, and never lets stravalib do it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

REFRESH_MARGIN_S = 5 * 60
"""Refresh when less than this is left: a sync started at 5:59 must not fail at 6:00."""

LOGIN_FIX = "run `hamsync login strava`"


@dataclass(frozen=True, slots=True)
class Tokens:
    """What Strava gave us at sign-in or the last refresh; ``access_token`` may be unknown."""

    refresh_token: str
    access_token: str | None = None
    expires_at: int = 0
    """Epoch seconds when ``access_token`` expires (0: unknown, refresh first)."""

    def needs_refresh(self, now: float, margin_s: int = REFRESH_MARGIN_S) -> bool:
        return not self.access_token or self.expires_at - margin_s <= now


class TokenStore(Protocol):
    """Where tokens are kept; ``sync`` implements it on the keyring (never the config or DB).

    ``save`` raises :class:`connectors.base.SourceError` when the tokens cannot be stored.
    """

    def load(self) -> Tokens | None:
        """The stored tokens, or None when the runner has not signed in."""
        ...

    def save(self, tokens: Tokens) -> None:
        """Store ``tokens`` (called after sign-in and after every refresh)."""
        ...


class MemoryTokenStore:
    """A :class:`TokenStore` in memory, for tests and ``--dry-run`` style checks."""

    def __init__(self, tokens: Tokens | None = None) -> None:
        self.tokens = tokens
        self.saves = 0

    def load(self) -> Tokens | None:
        return self.tokens

    def save(self, tokens: Tokens) -> None:
        self.tokens = tokens
        self.saves += 1
