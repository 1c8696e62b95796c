"""What the real CalDAV servers of the tests share: a process on 127.0.0.1, started, waited
for, stopped or killed, and a caldav client for it. Each server module only says how to
launch its own server (:meth:`LocalDavServer.arguments`)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from caldav.davclient import DAVClient

START_TIMEOUT_S = 15


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalDavServer:
    """A CalDAV server process in a temporary folder, on a free port of 127.0.0.1."""

    name = "CalDAV server"

    def __init__(self, folder: Path, password: str | None = None, user: str = "runner") -> None:
        self.folder = folder
        self.port = free_port()
        self.user = user
        self.password = password
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen[bytes] | None = None

    def arguments(self) -> list[str]:
        """The command line that starts this server (files it needs are written here)."""
        raise NotImplementedError

    def start(self) -> None:
        log = (self.folder / f"{self.name.lower()}.log").open("ab")
        self.process = subprocess.Popen(self.arguments(), stdout=log, stderr=log)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url, timeout=1)
                return
            except urllib.error.HTTPError:
                return  # it answers (401 with a password): ready
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited at start") from None
                time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not start within {START_TIMEOUT_S} s")

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
        return DAVClient(
            url=self.url, username=self.user, password=self.password or "x", auth_type="basic"
        )

    def make_calendar(self, name: str) -> str:
        """Create a calendar with this display name; returns its URL."""
        with self.client() as client:
            calendar = client.principal().make_calendar(name=name)
            return str(calendar.url)
