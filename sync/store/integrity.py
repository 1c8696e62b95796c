"""Is the state database whole? Checks made when it is opened, and what is done when it is not.

The database holds what cannot be read again from any platform: check-ins (a ``pain`` pause),
done marks, the level, and the records of what hamsync wrote where. A damaged file (zero
bytes after a crash on a full disk, a failed copy, an fs repair; a truncated or overwritten
one; malformed pages) must never be taken as a new, empty state: the next sync would place
full loading sessions again and forget its own calendar events. So a file that exists is
checked when opened (SQLite header, ``PRAGMA quick_check``, hamsync's tables), and a damaged
one is moved aside, kept, into ``<state_dir>/damaged/<UTC time>/``, with a marker file
(:data:`MARKER`) that stops every command until the runner chooses: ``hamsync doctor
--restore`` (the newest good backup) or ``hamsync doctor --fresh``. Nothing else in the
state directory is touched (the install id beside the database stays).

SQLite result codes: https://www.sqlite.org/rescode.html (CORRUPT 11, NOTADB 26, FULL 13).
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from connectors.errors import StateError

HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite 3 database (https://www.sqlite.org/fileformat.html)."""
MARKER = "DAMAGED.txt"
"""In the state directory while a damaged database waits for ``hamsync doctor``."""
DAMAGED_DIR = "damaged"
WAY_OUT = (
    "run `hamsync doctor --restore` to go back to the last good backup, or "
    "`hamsync doctor --fresh` to start over: runs are read again from the platforms, "
    "check-ins, done marks and the level are lost"
)
SUFFIXES = ("", "-wal", "-shm")


class DamagedState(StateError):
    """The state database is damaged; it was moved aside (kept) and nothing was planned."""


class NewerState(StateError):
    """The state database was written by a newer hamsync (a higher schema version)."""


class NoSpace(StateError):
    """No space left under the state directory; nothing was half-written."""


def header_problem(path: Path) -> str | None:
    """Why the file at ``path`` cannot be an SQLite database, or None when its header is one."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(HEADER))
    except OSError as exc:
        raise StateError(f"state database {path}: cannot read it ({exc.strerror})") from exc
    if not head:
        return "the file is empty (0 bytes)"
    if head != HEADER:
        return "the file is not an SQLite database (its header is wrong)"
    return None


def quick_check(conn: sqlite3.Connection) -> str | None:
    """SQLite's ``PRAGMA quick_check``: None when it says ``ok``, else its first complaint."""
    rows = conn.execute("PRAGMA quick_check").fetchall()
    first = str(rows[0][0]) if rows else "no answer"
    return None if first == "ok" else first


def is_corruption(exc: sqlite3.Error) -> bool:
    """True for SQLite's 'malformed' and 'not a database' errors (not locks, I/O or space)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    text = str(exc)
    return "malformed" in text or "not a database" in text


def explain(exc: sqlite3.Error | OSError, path: Path) -> StateError:
    """An SQLite or OS error met while using the state at ``path``, as a :class:`StateError`."""
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return no_space(path.parent)
        where = exc.filename or path
        return StateError(f"state {where}: {exc.strerror or exc}")
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    if code == sqlite3.SQLITE_FULL or "disk is full" in str(exc):
        return no_space(path.parent)
    if code == sqlite3.SQLITE_IOERR and _nearly_full(path.parent):
        return no_space(path.parent)  # SQLite says "disk I/O error" when -wal/-shm cannot grow
    if is_corruption(exc):
        return DamagedState(f"state database {path} is damaged ({exc})", WAY_OUT)
    if code == sqlite3.SQLITE_BUSY:
        return StateError(
            f"state database {path} is busy ({exc})", "try again when the other hamsync is done"
        )
    return StateError(f"state database {path}: {exc}")


LOW_SPACE_BYTES = 1 << 20
"""hamsync's threshold: below 1 MiB free, an SQLite I/O error is taken as a full disk."""


def _nearly_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < LOW_SPACE_BYTES
    except OSError:
        return False


def no_space(state_dir: Path) -> NoSpace:
    return NoSpace(
        f"no space left under {state_dir}: nothing was half-written, the state is as before",
        "free some space there, then run the command again",
    )


def pending(state_dir: Path) -> DamagedState | None:
    """The damage found earlier and not yet resolved by ``hamsync doctor``, if any."""
    marker = state_dir / MARKER
    try:
        text = marker.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return DamagedState(f"{marker}: cannot read it ({exc.strerror})", WAY_OUT)
    return DamagedState(text or f"the state database in {state_dir} was found damaged", WAY_OUT)


def quarantine(path: Path, why: str, now: datetime | None = None) -> Path:
    """Move the database at ``path`` (with its -wal and -shm) into ``damaged/<time>/``.

    Leaves the marker that stops every command until ``hamsync doctor``; returns the folder.
    Raises OSError when the move is impossible (then nothing was moved).
    """
    state_dir = path.parent
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    folder = state_dir / DAMAGED_DIR / stamp
    folder.mkdir(parents=True, mode=0o700)
    for suffix in SUFFIXES:
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.replace(folder / source.name)
    mark(state_dir, f"the state database {path} was damaged ({why}); it was moved to {folder}")
    return folder


def mark(state_dir: Path, text: str) -> None:
    """Write the marker (0600) that keeps commands from planning on a missing database."""
    marker = state_dir / MARKER
    fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")


def clear_mark(state_dir: Path) -> None:
    (state_dir / MARKER).unlink(missing_ok=True)
