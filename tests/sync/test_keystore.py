"""Secrets come from the environment or a keyring, and never show up in text we print."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring

from sync.config import keystore as secrets


def test_environment_wins_and_is_named_by_section_and_key(
    monkeypatch: pytest.MonkeyPatch, file_keyring: PlaintextKeyring
) -> None:
    """HAMSYNC_CALDAV_PASSWORD is used before the keyring."""
    secrets.set_secret("caldav", "password", "from-keyring")
    monkeypatch.setenv("HAMSYNC_CALDAV_PASSWORD", "from-env")
    assert secrets.get_secret("caldav", "password") == "from-env"
    monkeypatch.delenv("HAMSYNC_CALDAV_PASSWORD")
    assert secrets.get_secret("caldav", "password") == "from-keyring"


def test_no_backend_gives_the_fixes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a keyring backend, storing a secret names keyrings.alt and the variable."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert secrets.get_secret("strava", "refresh_token") is None
        with pytest.raises(secrets.SecretStoreUnavailable) as excinfo:
            secrets.set_secret("strava", "refresh_token", "abc123456")
    finally:
        keyring.set_keyring(previous)
    assert "keyrings.alt" in str(excinfo.value)
    assert "HAMSYNC_STRAVA_REFRESH_TOKEN" in str(excinfo.value)


def test_redact_masks_known_secrets_and_bearer_tokens(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A secret read once is masked in any later message."""
    monkeypatch.setenv("HAMSYNC_GARMIN_PASSWORD", "hunter2-secret")
    assert secrets.get_secret("garmin", "password") == "hunter2-secret"
    text = "login failed for hunter2-secret with Authorization: Bearer eyJabc.def"
    masked = secrets.redact(text)
    assert "hunter2-secret" not in masked
    assert "eyJabc" not in masked
