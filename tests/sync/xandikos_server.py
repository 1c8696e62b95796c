"""A real Xandikos CalDAV server on 127.0.0.1 for the tests, started and stopped by them.

The second server the CalDAV sink is checked against, next to :mod:`radicale_server`: it
stores each calendar in a git repository and answers with its own ETag and listing format,
so what passes on both is not tuned to one server. Xandikos only takes passwords over TLS,
so it runs without authentication (the user name is sent, never checked) and the password
tests stay on Radicale. ``--defaults`` names its own calendar "calendar": tests make theirs
with :meth:`make_calendar`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dav_server import LocalDavServer


class Xandikos(LocalDavServer):
    """``python -m xandikos serve`` in a temporary folder."""

    name = "Xandikos"

    def __init__(self, folder: Path, user: str = "runner") -> None:
        super().__init__(folder, password=None, user=user)

    def arguments(self) -> list[str]:
        return [
            sys.executable, "-m", "xandikos", "serve",
            "-d", str(self.folder / "collections"), "--defaults",
            "-l", "127.0.0.1", "-p", str(self.port),
            "--current-user-principal", "/user/", "--no-detect-systemd",
            "--state-dir", str(self.folder / "state"),
        ]  # fmt: skip
