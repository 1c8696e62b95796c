"""Strava tokens kept through the plugin context's secret getter and setter."""

from __future__ import annotations

import pytest

from connectors.base import SourceError
from connectors.strava.context_store import SecretTokenStore
from connectors.strava.oauth import Tokens


class Secrets:
    """A secret store by key; ``refuse`` names keys whose write fails (no keyring)."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.values: dict[str, str] = {}
        self.refuse = refuse
        self.order: list[str] = []

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    def set(self, key: str, value: str) -> None:
        if key in self.refuse:
            raise SourceError("no keyring backend")
        self.order.append(key)
        self.values[key] = value


def test_rotated_tokens_are_stored_refresh_token_first_and_read_back() -> None:
    secrets = Secrets()
    SecretTokenStore(secrets.get, secrets.set).save(Tokens("r2", "a2", 1_800_000_000))
    assert secrets.order[0] == "refresh_token"
    assert SecretTokenStore(secrets.get, secrets.set).load() == Tokens("r2", "a2", 1_800_000_000)


def test_nothing_stored_is_not_signed_in_and_a_bad_expiry_means_refresh() -> None:
    secrets = Secrets()
    assert SecretTokenStore(secrets.get, secrets.set).load() is None
    secrets.values = {"refresh_token": "r", "expires_at": "soon"}
    assert SecretTokenStore(secrets.get, secrets.set).load() == Tokens("r", None, 0)


def test_a_refresh_token_that_cannot_be_stored_is_an_error_the_access_token_is_not() -> None:
    """Container mode: the access token lives in memory; losing the refresh token is fatal."""
    secrets = Secrets(refuse=("access_token", "expires_at"))
    store = SecretTokenStore(secrets.get, secrets.set)
    store.save(Tokens("r2", "a2", 5))
    assert store.load() == Tokens("r2", "a2", 5) and secrets.values == {"refresh_token": "r2"}
    with pytest.raises(SourceError, match="cannot be stored: no keyring backend"):
        SecretTokenStore(secrets.get, Secrets(refuse=("refresh_token",)).set).save(Tokens("r3"))
    with pytest.raises(SourceError, match="cannot be stored"):
        SecretTokenStore(secrets.get, None).save(Tokens("r3"))
