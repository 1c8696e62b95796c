"""A real Radicale CalDAV server on 127.0.0.1 for the tests, started and stopped by them."""

from __future__ import annotations

import sys

from dav_server import LocalDavServer, free_port

__all__ = ["Radicale", "free_port"]


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
