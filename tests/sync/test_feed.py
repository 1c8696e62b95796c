"""The ICS feed over real HTTP on 127.0.0.1: the secret URL serves the calendar, others 404."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from keyrings.alt.file import PlaintextKeyring
from radicale_server import free_port
from typer.testing import CliRunner

from sync.cli import app
from sync.config.model import load_config
from sync.serve.feed import feed_token
from sync.serve.server import start_feed

WriteConfig = Callable[..., Path]
TOKEN = "test-feed-token-1234567890"
PAGE_TOKEN = "test-page-token-0987654321"
HAMSYNC = str(Path(sys.executable).with_name("hamsync"))


def get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read(), response.headers["Content-Type"]
    except urllib.error.HTTPError as exc:
        return exc.code, b"", ""


@pytest.fixture
def synced(write_config: WriteConfig) -> Path:
    """A config whose first sync has written the ICS calendar."""
    config = write_config()
    result = CliRunner().invoke(app, ["sync", "--config", str(config), "--today", "2026-11-25"])
    assert result.exit_code == 0, result.output
    return config


def test_feed_serves_the_ics_calendar_and_404s_other_paths(
    synced: Path, tmp_path: Path
) -> None:
    """The secret URL answers the very bytes of the ICS file; a wrong token or path is 404."""
    server = start_feed(load_config(synced), port=0, token=TOKEN)
    try:
        assert server.url.startswith("http://127.0.0.1:")
        status, body, content_type = get(server.url)
        assert status == 200
        assert content_type.startswith("text/calendar")
        assert body == (tmp_path / "out" / "hamsync.ics").read_bytes()
        base = server.url.rsplit("/", 1)[0]
        assert get(f"{base}/wrong-token.ics")[0] == 404
        assert get(f"{base}/")[0] == 404
        assert get(f"{base}/{TOKEN}")[0] == 404
    finally:
        server.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(server.url, timeout=2)



def test_token_is_made_once_and_kept(
    file_keyring: PlaintextKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first call makes and stores a long random token; later calls return the same one."""
    monkeypatch.delenv("HAMSYNC_FEED_TOKEN", raising=False)
    token, new = feed_token()
    assert new and len(token) >= 24
    assert feed_token() == (token, False)


def test_hamsync_serve_prints_the_url_and_serves_it(synced: Path) -> None:
    """`hamsync serve --port P` prints the subscription URL once and answers on it."""
    port = free_port()
    env = {**os.environ, "HAMSYNC_FEED_TOKEN": TOKEN, "HAMSYNC_PAGE_TOKEN": PAGE_TOKEN}
    process = subprocess.Popen(
        [HAMSYNC, "serve", "--config", str(synced), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = f"http://127.0.0.1:{port}/{TOKEN}.ics"
        assert url in line
        assert get(url)[0] == 200
        assert get(f"http://127.0.0.1:{port}/nope.ics")[0] == 404
    finally:
        process.terminate()
        process.wait(timeout=10)
