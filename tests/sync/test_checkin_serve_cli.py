"""``hamsync serve`` prints and serves the check-in page beside the feed, each at its own
secret address; ``--urls`` prints both and exits; ``[feed] page = false`` serves the feed alone."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from checkin_helpers import FEED_TOKEN, PAGE_TOKEN, sync
from radicale_server import free_port
from typer.testing import CliRunner

from sync.cli import app

WriteConfig = Callable[..., Path]
HAMSYNC = str(Path(sys.executable).with_name("hamsync"))
TOKENS = {"HAMSYNC_FEED_TOKEN": FEED_TOKEN, "HAMSYNC_PAGE_TOKEN": PAGE_TOKEN}


def serve(config: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [HAMSYNC, "serve", "--config", str(config), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **TOKENS}, text=True,
    )  # fmt: skip


def read_until(process: subprocess.Popen[str], marker: str) -> str:
    assert process.stdout is not None
    seen = ""
    while marker not in seen:
        line = process.stdout.readline()
        assert line, f"hamsync serve ended before saying {marker!r}: {seen}"
        seen += line
    return seen


def test_serve_prints_and_serves_the_page_at_its_own_address(
    write_config: WriteConfig,
) -> None:
    config = write_config()
    sync(config)
    port = free_port()
    process = serve(config, port)
    try:
        said = read_until(process, "Ctrl-C stops serving.")
        page = f"http://127.0.0.1:{port}/{PAGE_TOKEN}/"
        assert page in said and f"http://127.0.0.1:{port}/{FEED_TOKEN}.ics" in said
        assert "never an open port" in " ".join(said.split())
        answer = requests.get(page, timeout=30)
        assert answer.status_code == 200 and "Hamstring check-in" in answer.text
        assert "your calendars follow at the next sync" in answer.text
        assert requests.get(f"http://127.0.0.1:{port}/{FEED_TOKEN}/", timeout=30).status_code == 404
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_urls_prints_both_addresses_and_exits(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a daemon user runs to learn the page's address (the log never holds it)."""
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["serve", "--config", str(write_config()), "--urls"])
    assert result.exit_code == 0, result.output
    flat = "".join(result.output.split())
    assert f"http://127.0.0.1:8765/{PAGE_TOKEN}/" in flat
    assert f"http://127.0.0.1:8765/{FEED_TOKEN}.ics" in flat


def test_page_off_serves_the_feed_alone(write_config: WriteConfig) -> None:
    config = write_config(extra="[feed]\npage = false\n")
    sync(config)
    port = free_port()
    process = serve(config, port)
    try:
        said = read_until(process, "Ctrl-C stops serving.")
        assert PAGE_TOKEN not in said
        assert requests.get(f"http://127.0.0.1:{port}/{PAGE_TOKEN}/", timeout=30).status_code == 404
        feed = requests.get(f"http://127.0.0.1:{port}/{FEED_TOKEN}.ics", timeout=30)
        assert feed.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("token", ["short", "has spaces in it, long enough", "with/slash/in/it/xx"])
def test_a_page_token_unfit_for_an_address_is_refused(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    """A hand-set page token that is short or not URL-safe: exit 2 naming the variable."""
    monkeypatch.setenv("HAMSYNC_FEED_TOKEN", FEED_TOKEN)
    monkeypatch.setenv("HAMSYNC_PAGE_TOKEN", token)
    result = CliRunner().invoke(app, ["serve", "--config", str(write_config()), "--urls"])
    assert result.exit_code == 2
    flat = " ".join(result.output.split())
    assert "HAMSYNC_PAGE_TOKEN" in flat and "at least 16 characters" in flat
    assert token not in result.output


def test_help_and_output_point_to_the_safe_ways_to_reach_the_page(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No advice to open the page to the network; on another address than loopback the
    warning comes first, before any address of the page."""
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)
    help_text = CliRunner().invoke(app, ["serve", "--help"], terminal_width=200).output
    assert "phone on the same network" not in help_text
    assert "Tailscale" in help_text and "TLS" in help_text
    config = str(write_config())
    for host in ("0.0.0.0", "192.0.2.7"):  # noqa: S104 (the address the tester used)
        said = CliRunner().invoke(app, ["serve", "--config", config, "--host", host, "--urls"])
        assert said.exit_code == 0, said.output
        assert "warning:" in said.output and "plain HTTP" in said.output
        assert said.output.index("warning:") < said.output.index(f"/{PAGE_TOKEN}/")
        assert said.output.index("warning:") < said.output.index(f"/{FEED_TOKEN}.ics")
    local = CliRunner().invoke(app, ["serve", "--config", config, "--urls"])
    assert "warning:" not in local.output and f"/{PAGE_TOKEN}/" in local.output
