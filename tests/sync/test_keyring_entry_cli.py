"""Secrets as a newcomer stores them (issue 16): ``hamsync secret set`` keeps them in the
keyring, and a machine without a keyring backend gets one clear message everywhere (the
command itself, a CalDAV sync, ``serve``, ``login strava``), never a traceback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring
from typer.testing import CliRunner

from sync.cli import app
from sync.config import keystore

WriteConfig = Callable[..., Path]
CALDAV = (
    '[sinks.caldav]\nurl = "http://127.0.0.1:9/dav"\nusername = "me"\ncalendar = "Training"\n'
)


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("HAMSYNC_CALDAV_PASSWORD", "HAMSYNC_FEED_TOKEN", "HAMSYNC_STRAVA_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_secret_set_stores_in_the_keyring(file_keyring: PlaintextKeyring) -> None:
    result = CliRunner().invoke(
        app, ["secret", "set", "caldav.password"], input="s3cret-pw\ns3cret-pw\n"
    )
    assert result.exit_code == 0, result.output
    assert "caldav.password is stored in the keyring" in result.output
    assert "s3cret-pw" not in result.output
    assert keystore.get_secret("caldav", "password") == "s3cret-pw"


def test_secret_set_names_the_form_it_wants(file_keyring: PlaintextKeyring) -> None:
    result = CliRunner().invoke(app, ["secret", "set", "password"])
    assert result.exit_code == 2
    assert "expected SECTION.KEY, one of caldav.password" in _flat(result.output)


def test_without_a_keyring_secret_set_names_the_variable(no_keyring: None) -> None:
    result = CliRunner().invoke(app, ["secret", "set", "caldav.password"], input="x\nx\n")
    flat = _flat(result.output)
    assert result.exit_code == 2
    assert "no usable keyring backend" in flat and "HAMSYNC_CALDAV_PASSWORD" in flat
    assert "keyrings.alt" in flat and "Traceback" not in flat


def test_without_a_keyring_a_caldav_sync_names_the_variable(
    write_config: WriteConfig, no_keyring: None
) -> None:
    config = write_config(extra=CALDAV)
    result = CliRunner().invoke(app, ["sync", "--config", str(config), "--today", "2026-11-25"])
    flat = _flat(result.output)
    assert result.exit_code == 3
    assert "no password for CalDAV user 'me'" in flat
    assert "HAMSYNC_CALDAV_PASSWORD (this machine has no keyring backend" in flat
    assert "hamsync secret set" not in flat  # it could not work here


def test_with_a_keyring_the_caldav_fix_is_secret_set(
    write_config: WriteConfig, file_keyring: PlaintextKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HAMSYNC_CALDAV_PASSWORD", raising=False)
    config = write_config(extra=CALDAV)
    result = CliRunner().invoke(app, ["sync", "--config", str(config), "--today", "2026-11-25"])
    assert "`hamsync secret set caldav.password` (the keyring)" in _flat(result.output)


def test_without_a_keyring_serve_and_login_say_the_same(
    write_config: WriteConfig, no_keyring: None
) -> None:
    serve = CliRunner().invoke(app, ["serve", "--config", str(write_config())])
    assert serve.exit_code == 2
    assert "no usable keyring backend" in _flat(serve.output)
    assert "HAMSYNC_FEED_TOKEN" in _flat(serve.output)
    config = write_config(extra="[sources.strava]\nclient_id = 1234\n")
    login = CliRunner().invoke(app, ["login", "strava", "--config", str(config), "--paste"])
    assert login.exit_code == 2
    assert "no usable keyring backend" in _flat(login.output)
    for result in (serve, login):
        assert "Traceback" not in result.output and "NoKeyringError" not in result.output
