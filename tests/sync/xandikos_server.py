"""A real Xandikos CalDAV server on 127.0.0.1 for the tests, started and stopped by them.

The second server the CalDAV sink is checked against, next to :mod:`radicale_server`: it
stores each calendar in a git repository and answers with its own ETag and listing format,
so what passes on both is not tuned to one server. Xandikos only takes passwords over TLS,
so it runs without authentication and the password tests stay on Radicale.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from caldav.davclient import DAVClient
from radicale_server import free_port


class Xandikos:
    """``python -m xandikos serve`` in a temporary folder, with the same interface as Radicale."""

    def __init__(self, folder: Path, user: str = "runner") -> None:
        self.folder = folder
        self.port = free_port()
        self.user = user  # sent, never checked: Xandikos has no authentication here
        self.password: str | None = None
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [
            sys.executable, "-m", "xandikos", "serve",
            "-d", str(self.folder / "collections"), "--defaults",
            "-l", "127.0.0.1", "-p", str(self.port),
            "--current-user-principal", "/user/", "--no-detect-systemd",
            "--state-dir", str(self.folder / "state"),
        ]  # fmt: skip
        log = (self.folder / "xandikos.log").open("ab")
        self.process = subprocess.Popen(args, stdout=log, stderr=log)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url, timeout=1)
                return
            except urllib.error.HTTPError:
                return  # it answers: ready
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("Xandikos exited at start") from None
                time.sleep(0.05)
        raise RuntimeError("Xandikos did not start within 15 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """Stop the server abruptly, as a crash or a network cut would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def client(self) -> DAVClient:
        return DAVClient(url=self.url, username=self.user, password="x", auth_type="basic")

    def make_calendar(self, name: str) -> str:
        """Create a calendar with this display name (``--defaults`` names its own "calendar")."""
        with self.client() as client:
            calendar = client.principal().make_calendar(name=name)
            return str(calendar.url)
