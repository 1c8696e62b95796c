"""What ``hamsync login`` tells a newcomer (issue 16): a garbage paste says what to paste, a
mistyped Strava client secret can be replaced, and Garmin without a network is one line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import responses
from keyrings.alt.file import PlaintextKeyring
from strava_fake import TOKEN_URL, load
from typer.testing import CliRunner

from connectors.strava import auth as strava_auth
from sync.cli import app
from sync.config import keystore as secrets

WriteConfig = Callable[..., Path]
STRAVA = "[sources.strava]\nclient_id = 1234\n"
PASTED = "http://127.0.0.1/hamsync-callback?state=state-1&code=abc123&scope=read,activity:read_all"


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.mark.parametrize("garbage", ["hello", "abc123", "127.0.0.1/hamsync-callback"])
def test_a_garbage_paste_says_what_to_paste(
    write_config: WriteConfig,
    file_keyring: PlaintextKeyring,
    monkeypatch: pytest.MonkeyPatch,
    rsps: responses.RequestsMock,
    garbage: str,
) -> None:
    monkeypatch.setenv("HAMSYNC_STRAVA_CLIENT_SECRET", "client-secret")
    result = CliRunner().invoke(
        app,
        ["login", "strava", "--config", str(write_config(extra=STRAVA)), "--paste"],
        input=garbage + "\n",
    )
    flat = " ".join(result.output.split())
    assert result.exit_code == 4
    assert "that is not the address Strava sent your browser back to" in flat
    assert "paste the whole address from the browser's address bar" in flat
    assert "state mismatch" not in flat and "Traceback" not in flat
    assert len(rsps.calls) == 0


def test_a_mistyped_client_secret_is_replaced_with_new_secret(
    write_config: WriteConfig,
    file_keyring: PlaintextKeyring,
    monkeypatch: pytest.MonkeyPatch,
    rsps: responses.RequestsMock,
    testdata_dir: Path,
) -> None:
    """Strava refuses the stored secret: the message names --new-secret, which asks again,
    replaces it in the keyring and signs in."""
    monkeypatch.delenv("HAMSYNC_STRAVA_CLIENT_SECRET", raising=False)
    monkeypatch.setattr(strava_auth, "new_state", lambda: "state-1")
    secrets.set_secret("strava", "client_secret", "mistyped")
    config = str(write_config(extra=STRAVA))
    refused = {"message": "Bad Request", "errors": [
        {"resource": "Application", "field": "client_secret", "code": "invalid"}
    ]}  # fmt: skip
    rsps.add(responses.POST, TOKEN_URL, json=refused, status=400)
    first = CliRunner().invoke(
        app, ["login", "strava", "--config", config, "--paste"], input=PASTED + "\n"
    )
    assert first.exit_code == 4
    assert "`hamsync login strava --new-secret`" in " ".join(first.output.split())
    rsps.replace(
        responses.POST, TOKEN_URL, json=load(testdata_dir, "oauth_refresh_token_response.json")
    )
    second = CliRunner().invoke(
        app,
        ["login", "strava", "--config", config, "--paste", "--new-secret"],
        input="the-right-secret\n" + PASTED + "\n",
    )
    assert second.exit_code == 0, second.output
    sent = parse_qs(str(rsps.calls[-1].request.body))
    assert sent["client_secret"] == ["the-right-secret"]
    assert secrets.get_secret("strava", "client_secret") == "the-right-secret"


def test_garmin_without_a_network_is_one_line(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch, rsps: responses.RequestsMock
) -> None:
    """Every sign-in strategy fails to connect: one line saying so, no library internals.
    (All traffic goes to a closed port on 127.0.0.1, or is refused by ``responses``.)"""
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    config = write_config(extra="[sources.garmin]\n")
    result = CliRunner().invoke(
        app, ["login", "garmin", "--config", str(config)], input="me@example.com\npassword\n"
    )
    flat = " ".join(result.output.split())
    assert result.exit_code == 4
    assert "cannot reach Garmin Connect" in flat and "hamsync login garmin" in flat
    assert "failed:" not in flat and "Responses" not in flat and "curl" not in flat
