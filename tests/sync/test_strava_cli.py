"""Strava through the CLI: sign in, sync with tokens in a file keyring, merge with FIT files."""

from __future__ import annotations

import json
import shutil
import threading
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import responses
from keyrings.alt.file import PlaintextKeyring
from strava_fake import TOKEN_URL, FakeStrava, load
from typer.testing import CliRunner

from connectors.files import FilesSource
from connectors.strava import auth as strava_auth
from connectors.strava import to_run
from connectors.strava.auth import CallbackServer, parse_redirect
from sync.cli import app
from sync.config import keystore as secrets
from sync.store.database import StateDatabase

WriteConfig = Callable[..., Path]
runner = CliRunner()
STRAVA = "[sources.strava]\nclient_id = 1234\n"


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def sync(config: Path, today: str = "2025-10-19") -> tuple[int, dict[str, Any], str]:
    result = runner.invoke(
        app,
        ["sync", "--config", str(config), "--today", today, "--json"],
        catch_exceptions=False,
    )
    return result.exit_code, json.loads(result.stdout), result.output


def test_sync_refreshes_and_keeps_the_new_token_in_the_keyring(
    write_config: WriteConfig,
    file_keyring: PlaintextKeyring,
    rsps: responses.RequestsMock,
    testdata_dir: Path,
    tmp_path: Path,
) -> None:
    """A sync with a stored refresh token pulls the runs and stores the rotated token."""
    secrets.set_secret("strava", "client_secret", "client-secret")
    secrets.set_secret("strava", "refresh_token", "refresh-1")
    rsps.add(
        responses.POST, TOKEN_URL, json=load(testdata_dir, "oauth_refresh_token_response.json")
    )
    small = load(testdata_dir, "segment_streams_keyed_altitude.json")
    FakeStrava(
        load(testdata_dir, "athlete_activities_2025-10.json"), default_streams=small
    ).install(rsps)
    (tmp_path / "no-files").mkdir()  # an empty folder: the runs all come from Strava
    config = write_config(activities=tmp_path / "no-files", extra=STRAVA)
    code, data, output = sync(config)
    assert code == 0, data["errors"]
    assert data["runs_pulled"] == 30
    assert secrets.get_secret("strava", "refresh_token") == "new-refresh-token"
    for secret in ("new-access-token", "new-refresh-token", "client-secret"):
        assert secret not in output
        assert secret.encode() not in (tmp_path / "state" / "hamsync.sqlite3").read_bytes()


def test_revoked_strava_is_one_message_and_files_still_sync(
    write_config: WriteConfig,
    file_keyring: PlaintextKeyring,
    rsps: responses.RequestsMock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A revoked sign-in names `hamsync login strava`, exits 3, and the files are still read."""
    monkeypatch.setenv("HAMSYNC_STRAVA_CLIENT_SECRET", "client-secret")
    monkeypatch.setenv("HAMSYNC_STRAVA_REFRESH_TOKEN", "refresh-1")
    body = {
        "message": "Bad Request",
        "errors": [{"resource": "RefreshToken", "field": "refresh_token", "code": "invalid"}],
    }
    rsps.add(responses.POST, TOKEN_URL, json=body, status=400)
    code, data, _output = sync(write_config(extra=STRAVA), today="2026-11-25")
    assert code == 3
    (error,) = data["errors"]
    assert error["connector"] == "strava" and "hamsync login strava" in error["message"]
    assert data["runs_pulled"] > 0


def test_login_with_a_pasted_address_stores_tokens_and_names_missing_scopes(
    write_config: WriteConfig,
    file_keyring: PlaintextKeyring,
    rsps: responses.RequestsMock,
    monkeypatch: pytest.MonkeyPatch,
    testdata_dir: Path,
) -> None:
    """`login strava --paste`: the code is exchanged, tokens kept, an unticked scope explained."""
    monkeypatch.setenv("HAMSYNC_STRAVA_CLIENT_SECRET", "client-secret")
    monkeypatch.setattr(strava_auth, "new_state", lambda: "state-1")
    rsps.add(
        responses.POST, TOKEN_URL, json=load(testdata_dir, "oauth_refresh_token_response.json")
    )
    pasted = (
        "http://127.0.0.1/hamsync-callback?state=state-1&code=abc123&scope=read,activity:read_all\n"
    )
    result = runner.invoke(
        app,
        ["login", "strava", "--config", str(write_config(extra=STRAVA)), "--paste"],
        input=pasted,
    )
    assert result.exit_code == 0, result.output
    assert "scope=read%2Cactivity%3Aread_all%2Cactivity%3Awrite" in result.output
    assert "activity:write: [sinks.strava_notes] cannot write" in result.output
    assert "code=abc123" in str(rsps.calls[0].request.body)
    assert secrets.get_secret("strava", "refresh_token") == "new-refresh-token"


def test_login_refuses_an_address_from_another_sign_in() -> None:
    """A pasted address with a foreign state is refused (it could be an attacker's code)."""
    from connectors.base import SourceError

    with pytest.raises(SourceError, match="state mismatch"):
        parse_redirect("http://127.0.0.1/hamsync-callback?state=other&code=x", "state-1")


def test_callback_server_receives_the_redirect_on_localhost() -> None:
    """The one-shot server listens on 127.0.0.1 and hands back the address with the code."""
    server = CallbackServer()
    assert server.redirect_uri.startswith("http://127.0.0.1:")
    got: list[str | None] = []
    thread = threading.Thread(target=lambda: got.append(server.wait(10)))
    thread.start()
    with urllib.request.urlopen(server.redirect_uri + "?state=s&code=c&scope=read") as answer:
        assert answer.status == 200
    thread.join()
    assert got[0] is not None
    assert parse_redirect(got[0], "s").scopes == frozenset({"read"})


def test_a_strava_run_and_its_fit_file_count_once(tmp_path: Path, testdata_dir: Path) -> None:
    """The same run from a FIT file and from Strava is stored once with both source ids."""
    folder = tmp_path / "files"
    folder.mkdir()
    shutil.copy(testdata_dir / "activities" / "workoutizer_fr645m_hilly_run_7k.fit", folder)
    (from_file,) = FilesSource(folder, UTC).pull(None, datetime.now(UTC).date()).runs
    summary = dict(load(testdata_dir, "athlete_activities_2025-10.json")[0])
    summary["start_date"] = (from_file.start.astimezone(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    summary["distance"] = from_file.distance_m * 1.01
    from_strava = to_run(summary, None)
    state = StateDatabase.open(tmp_path / "state")
    try:
        with state.transaction():
            state.store_run(from_file)
            state.store_run(from_strava)
        (run,) = state.runs()
    finally:
        state.close()
    assert set(run.sources) == {from_file.id, from_strava.id}
    assert run.descent_from == "device"  # the watch's figure beats Strava's summary


def test_notes_without_a_strava_source_is_a_config_error(write_config: WriteConfig) -> None:
    """[sinks.strava_notes] alone is refused at load time with a message naming the fix."""
    from sync.config.model import ConfigError, load_config

    with pytest.raises(ConfigError, match=r"needs \[sources.strava\]"):
        load_config(write_config(extra="[sinks.strava_notes]\nenabled = true\n"))
    loaded = load_config(write_config(extra=STRAVA + "[sinks.strava_notes]\nenabled = true\n"))
    assert loaded.sources.strava is not None and loaded.sources.strava.overlap_hours == 48


def test_paste_redirect_matches_the_callback_path() -> None:
    """The --paste redirect is the callback path the code exchange expects."""
    from connectors.strava.auth import CALLBACK_PATH
    from sync.cli.login_strava import PASTE_REDIRECT

    assert f"http://127.0.0.1{CALLBACK_PATH}" == PASTE_REDIRECT


def test_login_without_a_keyring_says_what_to_do_before_the_browser_trip(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No keyring backend: login stops at once, naming keyrings.alt and the variable."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.delenv("HAMSYNC_STRAVA_REFRESH_TOKEN", raising=False)
    try:
        result = runner.invoke(
            app, ["login", "strava", "--config", str(write_config(extra=STRAVA)), "--paste"]
        )
    finally:
        keyring.set_keyring(previous)
    assert result.exit_code == 2
    assert "keyrings.alt" in result.output
    assert "HAMSYNC_STRAVA_REFRESH_TOKEN" in result.output
    assert "Open this address" not in result.output
