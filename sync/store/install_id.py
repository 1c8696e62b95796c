"""The install id: a random id made once per state directory, carried by every item written.

It lives in the file ``install_id`` beside the state database (mode 0600), not in the
database, so a database restored from a backup or started afresh keeps it: events written
by this install are still recognised as its own (DESIGN.md, "Write-back"), and ``purge``
can still find them. Two installs writing to one calendar have different ids, so neither
ever adopts, overwrites or deletes the other's events.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

FILE_NAME = "install_id"
_SHAPE = re.compile(r"[A-Za-z0-9_-]{4,64}")
"""What an install id may look like: made as 16 hex digits; any id of these characters (safe in
a UID and a URL) is kept as it is."""


class InstallIdError(Exception):
    """The install id file exists but does not hold an id; the message names the file."""


def install_id(state_dir: Path) -> str:
    """This install's id (made as 16 lowercase hex digits), made and stored on first use.

    Raises :class:`InstallIdError` when the file holds something else: hamsync then refuses
    to write rather than take on a new identity that would orphan its own events.
    """
    path = state_dir / FILE_NAME
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return _create(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise InstallIdError(f"{path}: cannot read the install id ({exc})") from None
    if not _SHAPE.fullmatch(text):
        raise InstallIdError(
            f"{path}: does not hold an install id (letters, digits, - or _); restore it from a "
            "backup, or delete it only if hamsync never wrote anything from this state directory"
        )
    return text


def provisional_install_id() -> str:
    """An id of the same shape that is never stored: for a look that writes nothing."""
    return secrets.token_hex(8)


def _create(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    new = secrets.token_hex(8)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return install_id(path.parent)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(new + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return new
