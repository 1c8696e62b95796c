"""CalDAV failures each say what to change (issue 16), against a real Radicale on 127.0.0.1:
a wrong password, a wrong address, a URL without its scheme, a calendar name in another case
or not there at all."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from radicale_server import PASSWORD, Radicale, training_radicale
from typer.testing import CliRunner

from sync.cli import app

WriteConfig = Callable[..., Path]
TODAY = "2026-11-25"


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    with training_radicale(tmp_path / "radicale") as server:
        yield server


def _config(write_config: WriteConfig, url: str, user: str, calendar: str) -> Path:
    return write_config(
        extra=f'[sinks.caldav]\nurl = "{url}"\nusername = "{user}"\ncalendar = "{calendar}"\n'
    )


def _sync(config: Path) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(
        app, ["sync", "--config", str(config), "--today", TODAY, "--json"]
    )
    return result.exit_code, json.loads(result.stdout)


def _status(config: Path) -> str:
    result = CliRunner().invoke(app, ["status", "--config", str(config), "--today", TODAY])
    return " ".join(result.output.split())


def _caldav_error(data: dict[str, Any]) -> str:
    return next(e["message"] for e in data["errors"] if e["connector"] == "caldav")


def test_a_wrong_password_says_password_or_app_password(
    write_config: WriteConfig, radicale: Radicale, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMSYNC_CALDAV_PASSWORD", "not-the-password-123")
    config = _config(write_config, radicale.url, radicale.user, "Training")
    code, data = _sync(config)
    message = _caldav_error(data)
    assert code == 3
    assert "(401): the user name or password is not the right one" in message
    assert "app password" in message and "HAMSYNC_CALDAV_PASSWORD" in message
    status = _status(config)
    assert "fix: check `username`, and store the right password" in status
    assert "run `hamsync sync` to retry" not in status


def test_a_path_of_another_user_says_to_check_the_url(
    write_config: WriteConfig, radicale: Radicale, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMSYNC_CALDAV_PASSWORD", PASSWORD)
    elsewhere = radicale.url.rstrip("/") + "/somebody-else/"
    config = _config(write_config, radicale.url, radicale.user, elsewhere)
    code, data = _sync(config)
    message = _caldav_error(data)
    assert code == 3
    assert "403" in message
    assert "check `calendar`" in message or "check `url`" in message
    assert "retry" not in _status(config).split("fix:")[1][:80]


def test_a_url_without_scheme_is_a_config_error(write_config: WriteConfig) -> None:
    config = _config(write_config, "cloud.example.org/remote.php/dav", "me", "Training")
    result = CliRunner().invoke(app, ["sync", "--config", str(config), "--today", TODAY])
    flat = " ".join(result.output.split())
    assert result.exit_code == 2
    assert "sinks.caldav.url" in flat
    assert "add https:// (e.g. https://cloud.example.org/remote.php/dav)" in flat


def test_calendar_names_are_matched_without_case(
    write_config: WriteConfig, radicale: Radicale, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMSYNC_CALDAV_PASSWORD", PASSWORD)
    config = _config(write_config, radicale.url, radicale.user, "training")
    code, data = _sync(config)
    assert code == 0, data["errors"]
    assert data["writes"]["caldav"]["created"] == len(data["sessions"]) > 0


def test_an_unknown_calendar_lists_the_users_calendars(
    write_config: WriteConfig, radicale: Radicale, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMSYNC_CALDAV_PASSWORD", PASSWORD)
    config = _config(write_config, radicale.url, radicale.user, "Trainig")
    code, data = _sync(config)
    message = _caldav_error(data)
    assert code == 3
    assert "no calendar named 'Trainig' (their calendars: 'Training')" in message
    assert "set `calendar`" in message


def _events_in(radicale: Radicale, calendar_url: str) -> int:
    with radicale.client() as client:
        return len(client.calendar(url=calendar_url).events())


def test_two_calendars_of_one_name_are_refused_not_guessed(
    write_config: WriteConfig, radicale: Radicale, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second "Training" (a partner's, shared in) never receives the writes."""
    monkeypatch.setenv("HAMSYNC_CALDAV_PASSWORD", PASSWORD)
    config = _config(write_config, radicale.url, radicale.user, "Training")
    code, data = _sync(config)
    assert code == 0, data["errors"]
    with radicale.client() as client:
        first = str(client.principal().calendar(name="Training").url)
    written = _events_in(radicale, first)
    assert written == len(data["sessions"]) > 0
    other = radicale.make_calendar("Training")

    code, data = _sync(config)

    message = " ".join(_caldav_error(data).split())
    assert code == 3
    assert "2 calendars named 'Training'" in message and "writes to none of them" in message
    assert urlsplit(first).path in message and urlsplit(other).path in message
    assert PASSWORD not in json.dumps(data)
    assert _events_in(radicale, other) == 0
    assert _events_in(radicale, first) == written


def test_the_exact_spelling_wins_over_a_name_in_other_case(
    write_config: WriteConfig, radicale: Radicale, monkeypatch: pytest.MonkeyPatch
) -> None:
    """"training" and "Training" both exist: the config's exact spelling is the one."""
    monkeypatch.setenv("HAMSYNC_CALDAV_PASSWORD", PASSWORD)
    lower = radicale.make_calendar("training")
    config = _config(write_config, radicale.url, radicale.user, "training")
    code, data = _sync(config)
    assert code == 0, data["errors"]
    assert _events_in(radicale, lower) == len(data["sessions"]) > 0
