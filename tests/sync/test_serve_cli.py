"""``hamsync serve`` as a newcomer meets it (issue 16): a bad port is a usage error, a busy
port names the port and ``--port``, and ``--host 0.0.0.0`` prints addresses a phone can use."""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path

import ifaddr
import pytest
from radicale_server import free_port
from typer.testing import CliRunner

from sync.cli import app

WriteConfig = Callable[..., Path]
TOKEN = "test-feed-token-1234567890"
PAGE_TOKEN = "test-page-token-0987654321"
HAMSYNC = str(Path(sys.executable).with_name("hamsync"))
EVERY = "0.0.0.0"  # noqa: S104 (the test asks for every address on purpose)


def test_a_port_out_of_range_is_a_usage_error(write_config: WriteConfig) -> None:
    result = CliRunner().invoke(app, ["serve", "--config", str(write_config()), "--port", "99999"])
    assert result.exit_code == 2
    assert "Invalid value for '--port'" in result.output and "65535" in result.output
    assert "Traceback" not in result.output


def test_a_busy_port_names_the_port_and_the_option(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMSYNC_FEED_TOKEN", TOKEN)
    monkeypatch.setenv("HAMSYNC_PAGE_TOKEN", PAGE_TOKEN)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(
            app, ["serve", "--config", str(write_config()), "--port", str(port)]
        )
    assert result.exit_code == 2
    flat = " ".join(result.output.split())
    assert f"port {port} on 127.0.0.1 is taken" in flat
    assert "--port" in flat and "[feed] port" in flat


def _lan_addresses() -> list[str]:
    found = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, str):
                address = ipaddress.ip_address(ip.ip)
                if not (address.is_loopback or address.is_link_local):
                    found.append(ip.ip)
    return found


def test_every_address_lists_the_machines_addresses(write_config: WriteConfig) -> None:
    """Bound to 0.0.0.0, the feed is printed at each network address, then at 127.0.0.1,
    which answers."""
    config = write_config()
    CliRunner().invoke(app, ["sync", "--config", str(config), "--today", "2026-11-25"])
    port = free_port()
    env = {**os.environ, "HAMSYNC_FEED_TOKEN": TOKEN, "HAMSYNC_PAGE_TOKEN": PAGE_TOKEN}
    process = subprocess.Popen(
        [HAMSYNC, "serve", "--config", str(config), "--host", EVERY, "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while not lines or "Ctrl-C" not in lines[-1]:
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else "serve ended"
            lines.append(line)
        text = "".join(lines)
        for address in _lan_addresses():
            assert f"http://{address}:{port}/{TOKEN}.ics  (from another device" in text
        local = f"http://127.0.0.1:{port}/{TOKEN}.ics"
        assert f"{local}  (from this machine)" in text
        assert EVERY not in text
        with urllib.request.urlopen(local, timeout=5) as response:
            assert response.status == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
