"""A real Radicale CalDAV server on 127.0.0.1 for the tests, started and stopped by them."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dav_server import LocalDavServer, free_port

__all__ = ["PASSWORD", "Radicale", "free_port", "training_radicale"]

PASSWORD = "correct horse battery"


class Radicale(LocalDavServer):
    """``python -m radicale`` in a temporary folder; ``password`` switches on htpasswd."""

    name = "Radicale"

    def arguments(self) -> list[str]:
        args = [
            sys.executable, "-m", "radicale",
            "--server-hosts", f"127.0.0.1:{self.port}",
            "--storage-filesystem-folder", str(self.folder / "collections"),
        ]  # fmt: skip
        if self.password is None:
            return [*args, "--auth-type", "none"]
        users = self.folder / "users"
        users.write_text(f"{self.user}:{self.password}\n", encoding="utf-8")
        return [
            *args,
            "--auth-type", "htpasswd", "--auth-htpasswd-filename", str(users),
            "--auth-htpasswd-encryption", "plain", "--auth-delay", "0",
        ]  # fmt: skip


@contextmanager
def training_radicale(folder: Path) -> Iterator[Radicale]:
    """A running Radicale whose user has ``PASSWORD`` and a "Training" calendar; stopped on exit."""
    server = Radicale(folder, password=PASSWORD)
    server.folder.mkdir()
    server.start()
    try:
        server.make_calendar("Training")
        yield server
    finally:
        server.stop()
