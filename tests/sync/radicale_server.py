"""A real Radicale CalDAV server on 127.0.0.1 for the tests, started and stopped by them."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from caldav.davclient import DAVClient


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Radicale:
    """``python -m radicale`` in a temporary folder; ``password`` switches on htpasswd."""

    def __init__(self, folder: Path, password: str | None = None, user: str = "runner") -> None:
        self.folder = folder
        self.port = free_port()
        self.user = user
        self.password = password
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [
            sys.executable, "-m", "radicale",
            "--server-hosts", f"127.0.0.1:{self.port}",
            "--storage-filesystem-folder", str(self.folder / "collections"),
        ]  # fmt: skip
        if self.password is None:
            args += ["--auth-type", "none"]
        else:
            users = self.folder / "users"
            users.write_text(f"{self.user}:{self.password}\n", encoding="utf-8")
            args += [
                "--auth-type", "htpasswd", "--auth-htpasswd-filename", str(users),
                "--auth-htpasswd-encryption", "plain", "--auth-delay", "0",
            ]  # fmt: skip
        log = (self.folder / "radicale.log").open("ab")
        self.process = subprocess.Popen(args, stdout=log, stderr=log)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url, timeout=1)
                return
            except urllib.error.HTTPError:
                return  # it answers (401 with a password): ready
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("Radicale exited at start") from None
                time.sleep(0.05)
        raise RuntimeError("Radicale did not start within 15 s")

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
