"""Google Calendar through the CLI: `hamsync login google`, then sync, plan and purge.

The real clients (google-auth-oauthlib, google-auth, google-api-python-client) talk to the
local stand-in (``tests/google_server.py``); the browser is simulated by a registered
``webbrowser`` controller that follows the consent URL to the 127.0.0.1 redirect, as a
browser does once the runner approves.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.request
import webbrowser
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from google_server import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    TRAINING,
    GoogleStandIn,
    config_lines,
)
from keyrings.alt.file import PlaintextKeyring
from typer.testing import CliRunner

from connectors.google.auth import CALENDAR_LIST, EVENTS, OAuthClient, paste_login
from connectors.google.errors import GoogleError
from sync.cli import app
from sync.config import keystore as secrets

WriteConfig = Callable[..., Path]
runner = CliRunner()
HAMSYNC = str(Path(sys.executable).with_name("hamsync"))
SINK = '[sinks.google]\ncalendar = "Training"\n'
TODAY = "2026-11-25"


@pytest.fixture
def google(monkeypatch: pytest.MonkeyPatch) -> Iterator[GoogleStandIn]:
    # The stand-in's endpoints are plain http on 127.0.0.1; Google's are https.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    with GoogleStandIn() as stand_in:
        yield stand_in


class ApprovingBrowser(webbrowser.BaseBrowser):
    """The runner's browser: approves the consent screen with ``granted`` scopes, and Google
    sends it to the redirect URI with the code and the state."""

    def __init__(self, google: GoogleStandIn, granted: str) -> None:
        super().__init__("hamsync-test-browser")
        self.google = google
        self.granted = granted
        self.seen: dict[str, list[str]] = {}
        self.thread: threading.Thread | None = None

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.seen = parse_qs(urlsplit(url).query)
        code = "4/0test-authorization-code"
        self.google.codes[code] = self.granted
        back = self.seen["redirect_uri"][0] + "?" + urlencode(
            {"state": self.seen["state"][0], "code": code, "scope": self.granted}
        )

        def follow() -> None:
            with urllib.request.urlopen(back, timeout=10) as answer:
                answer.read()

        self.thread = threading.Thread(target=follow, daemon=True)
        self.thread.start()
        return True


@pytest.fixture
def browser(google: GoogleStandIn) -> Iterator[ApprovingBrowser]:
    made = ApprovingBrowser(google, f"{EVENTS} {CALENDAR_LIST}")
    webbrowser.register(made.name, None, made, preferred=True)
    yield made
    webbrowser._browsers.pop(made.name, None)  # type: ignore[attr-defined]
    if made.name in webbrowser._tryorder:  # type: ignore[attr-defined]
        webbrowser._tryorder.remove(made.name)  # type: ignore[attr-defined]


def google_config(write_config: WriteConfig, google: GoogleStandIn, extra: str = SINK) -> Path:
    return write_config(relative_to_today=True, extra=config_lines(google) + extra)


def test_login_with_the_loopback_redirect(
    write_config: WriteConfig,
    google: GoogleStandIn,
    browser: ApprovingBrowser,
    file_keyring: PlaintextKeyring,
    tmp_path: Path,
) -> None:
    """Consent in the browser, redirect caught on 127.0.0.1: the refresh token is in the
    keyring, the narrowest scopes were asked with PKCE, and no secret is printed."""
    secrets.set_secret("google", "client_secret", CLIENT_SECRET)
    config = google_config(write_config, google)
    result = runner.invoke(app, ["login", "google", "--config", str(config), "--wait", "20"])
    assert result.exit_code == 0, result.output
    assert "Signed in to Google Calendar" in result.output
    assert secrets.get_secret("google", "refresh_token") == REFRESH_TOKEN
    assert browser.seen["redirect_uri"][0].startswith("http://127.0.0.1:")
    assert sorted(browser.seen["scope"][0].split()) == [CALENDAR_LIST, EVENTS]
    assert browser.seen["access_type"] == ["offline"]
    assert browser.seen["code_challenge_method"] == ["S256"]
    exchange = google.token_requests()[0]
    assert exchange.method == "POST"
    for secret in (REFRESH_TOKEN, CLIENT_SECRET, "4/0test-authorization-code"):
        assert secret not in result.output


def test_login_refuses_a_grant_without_the_calendar_scope(
    write_config: WriteConfig,
    google: GoogleStandIn,
    browser: ApprovingBrowser,
    file_keyring: PlaintextKeyring,
) -> None:
    """The runner unticked "see and edit events": nothing stored, and the message says why."""
    browser.granted = CALENDAR_LIST
    secrets.set_secret("google", "client_secret", CLIENT_SECRET)
    config = google_config(write_config, google)
    result = runner.invoke(app, ["login", "google", "--config", str(config), "--wait", "20"])
    assert result.exit_code == 4
    assert "without calendar.events" in result.output
    assert secrets.get_secret("google", "refresh_token") is None


def test_login_with_create_asks_only_for_app_created_calendars(
    write_config: WriteConfig,
    google: GoogleStandIn,
    browser: ApprovingBrowser,
    file_keyring: PlaintextKeyring,
) -> None:
    """`create = true`: calendar.app.created (plus the list to find it again), not all events."""
    browser.granted = (
        "https://www.googleapis.com/auth/calendar.app.created " + CALENDAR_LIST
    )
    secrets.set_secret("google", "client_secret", CLIENT_SECRET)
    extra = '[sinks.google]\ncalendar = "Strength"\ncreate = true\n'
    config = google_config(write_config, google, extra)
    result = runner.invoke(app, ["login", "google", "--config", str(config), "--wait", "20"])
    assert result.exit_code == 0, result.output
    assert sorted(browser.seen["scope"][0].split()) == [
        "https://www.googleapis.com/auth/calendar.app.created", CALENDAR_LIST
    ]  # fmt: skip


def test_paste_login_on_a_headless_server(google: GoogleStandIn) -> None:
    """`--paste`: the runner pastes the 127.0.0.1 address the browser ended on."""
    client = OAuthClient(CLIENT_ID, CLIENT_SECRET, google.auth_uri, google.token_uri)
    shown: list[str] = []
    google.codes["4/0pasted"] = EVENTS

    def pasted() -> str:
        query = parse_qs(urlsplit(shown[0]).query)
        assert query["redirect_uri"] == ["http://127.0.0.1/"]
        return "http://127.0.0.1/?" + urlencode(
            {"state": query["state"][0], "code": "4/0pasted", "scope": EVENTS}
        )

    grant = paste_login(client, [EVENTS], shown.append, pasted)
    assert grant.refresh_token == REFRESH_TOKEN and grant.scopes == (EVENTS,)
    with pytest.raises(GoogleError, match="does not belong to this sign-in"):
        paste_login(
            client, [EVENTS], lambda url: None, lambda: "http://127.0.0.1/?state=x&code=y"
        )


def test_paste_login_cli_says_what_went_wrong(
    write_config: WriteConfig, google: GoogleStandIn, file_keyring: PlaintextKeyring
) -> None:
    """A pasted address from another attempt is refused in one line, nothing stored."""
    secrets.set_secret("google", "client_secret", CLIENT_SECRET)
    config = google_config(write_config, google)
    result = runner.invoke(
        app,
        ["login", "google", "--config", str(config), "--paste"],
        input="http://127.0.0.1/?state=stale&code=4/0old\n",
    )
    assert result.exit_code == 4
    assert "does not belong to this sign-in" in result.output
    assert secrets.get_secret("google", "refresh_token") is None


def test_login_needs_the_google_section(
    write_config: WriteConfig, file_keyring: PlaintextKeyring
) -> None:
    """Without [google] the command says what to add, before any browser round trip."""
    result = runner.invoke(app, ["login", "google", "--config", str(write_config())])
    assert result.exit_code == 2
    assert "[google]" in result.output


def test_login_without_a_keyring_refuses_before_the_browser(
    write_config: WriteConfig, google: GoogleStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No keyring backend: the new token would be lost, so nothing starts; the fixes named."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        monkeypatch.setenv("HAMSYNC_GOOGLE_CLIENT_SECRET", CLIENT_SECRET)
        result = runner.invoke(
            app, ["login", "google", "--config", str(google_config(write_config, google))]
        )
    finally:
        keyring.set_keyring(previous)
    assert result.exit_code == 2
    assert "keyrings.alt" in result.output and "HAMSYNC_GOOGLE_REFRESH_TOKEN" in result.output
    assert google.requests == []


def sync_json(config: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    args = ["sync", "--config", str(config), "--today", TODAY, "--json", *extra]
    result = runner.invoke(app, args, catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout), result.output


@pytest.fixture
def env_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Container mode: the secrets in the environment, no keyring."""
    monkeypatch.setenv("HAMSYNC_GOOGLE_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("HAMSYNC_GOOGLE_REFRESH_TOKEN", REFRESH_TOKEN)


def test_sync_writes_sessions_then_idles_without_a_request(
    write_config: WriteConfig, google: GoogleStandIn, env_secrets: None, tmp_path: Path
) -> None:
    """`hamsync sync`: each session an event in "Training"; the next sync asks Google
    nothing; no secret reaches the output, the state database or the listing file."""
    config = google_config(write_config, google)
    code, data, output = sync_json(config)
    assert code == 0, data["errors"]
    sessions = [s for s in data["sessions"] if s["date"] >= TODAY]
    assert data["writes"]["google"]["created"] == len(sessions) > 0
    assert len(google.live_events(TRAINING)) == len(sessions)
    google.requests.clear()
    code, data, _ = sync_json(config)
    assert code == 0 and data["writes"]["google"] == {
        "created": 0, "updated": 0, "deleted": 0, "conflicts": 0, "messages": []
    }  # fmt: skip
    assert google.requests == []
    state = tmp_path / "state"
    stored = b"".join(
        (state / name).read_bytes() for name in ("hamsync.sqlite3", "google/google.json")
    )
    for secret in (REFRESH_TOKEN, CLIENT_SECRET):
        assert secret not in output and secret.encode() not in stored


def test_purge_removes_the_events_and_leaves_the_runners(
    write_config: WriteConfig, google: GoogleStandIn, env_secrets: None
) -> None:
    """`hamsync purge --yes`: hamsync's events go, the runner's own stay."""
    dentist = google.runner_adds(TRAINING, {"summary": "Dentist"})
    config = google_config(write_config, google)
    sync_json(config)
    result = runner.invoke(app, ["purge", "--config", str(config), "--yes"])
    assert result.exit_code == 0, result.output
    assert "google: removed" in result.output
    assert set(google.live_events(TRAINING)) == {dentist}


def test_revoked_grant_fails_google_only_and_names_the_login(
    write_config: WriteConfig, google: GoogleStandIn, env_secrets: None
) -> None:
    """Revoked access: the sink and the look-ahead say `hamsync login google`; the ICS file
    is still written (exit 3: some parts failed)."""
    google.revoked = True
    extra = SINK + '[upcoming.google]\ncalendar = "Races"\n'
    code, data, _ = sync_json(google_config(write_config, google, extra))
    assert code == 3
    failed = {e["connector"]: e["message"] for e in data["errors"]}
    assert set(failed) >= {"google", "upcoming.google"}
    assert all("hamsync login google" in m for m in failed.values())
    assert data["writes"]["ics"]["created"] > 0


def test_planned_race_from_google_reaches_the_plan(
    write_config: WriteConfig, google: GoogleStandIn, env_secrets: None
) -> None:
    """A race weekend in the runner's Google calendar is in the plan's look-ahead."""
    google.runner_adds(
        "races-calendar@group.calendar.google.com",
        {"summary": "Trail race weekend", "start": {"date": "2026-11-28"},
         "end": {"date": "2026-11-30"}},
    )  # fmt: skip
    extra = '[upcoming.google]\ncalendar = "Races"\n'
    config = google_config(write_config, google, extra)
    result = runner.invoke(app, ["plan", "--config", str(config), "--today", TODAY])
    assert result.exit_code == 0, result.output
    assert "Trail race weekend" in result.output


@pytest.mark.parametrize(
    ("fault", "written"),
    [("sink-written:google#1", 1), ("sink-written:google#2", 2),
     ("sink-transaction:google#1", 1), ("sink-transaction:google#2", 2)],
)  # fmt: skip
def test_a_sync_killed_between_write_and_record_writes_nothing_twice(
    write_config: WriteConfig, google: GoogleStandIn, tmp_path: Path, fault: str, written: int
) -> None:
    """The real process killed after an insert, before or while recording it: the next sync
    adopts that event, and the calendar holds each session exactly once."""
    config = google_config(write_config, google)
    env = {
        **os.environ,
        "HAMSYNC_GOOGLE_CLIENT_SECRET": CLIENT_SECRET,
        "HAMSYNC_GOOGLE_REFRESH_TOKEN": REFRESH_TOKEN,
        "HAMSYNC_FAULT_AT": fault,
    }
    args = [HAMSYNC, "sync", "--config", str(config), "--today", TODAY]
    killed = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9
    assert len(google.live_events(TRAINING)) == written
    del env["HAMSYNC_FAULT_AT"]
    again = subprocess.run([*args, "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    data = json.loads(again.stdout)
    sessions = [s for s in data["sessions"] if s["date"] >= TODAY]
    starts = [e["start"]["dateTime"] for e in google.live_events(TRAINING).values()]
    assert len(starts) == len(set(starts)) == len(sessions)
