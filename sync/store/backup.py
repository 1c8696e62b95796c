"""Backups of the state database, made after each completed sync, and restoring from them.

A backup is a copy taken with SQLite's online backup API (``Connection.backup``: a
consistent snapshot even while the database is open; https://www.sqlite.org/backup.html)
into ``<state_dir>/backups/hamsync-<UTC time>.sqlite3``, 0600 in a 0700 folder. It is
written to a temporary name, checked (``PRAGMA quick_check``), synced to disk and only then
renamed into place, so a crash or a full disk never leaves a half backup under a backup's
name. The newest :data:`KEEP` are kept, and the last of each of the :data:`KEEP_DAYS` most
recent days: a daemon syncs every few minutes, and a mistake noticed a day later must still
find a backup from before it.

Restoring (``hamsync doctor --restore``) picks the newest backup that passes the same checks
as the database itself (:mod:`sync.store.integrity`), moves the current database aside (kept)
and puts a copy of the backup in its place. Nothing else in the state directory is touched:
the install id beside the database stays, so the events written after the backup are still
recognised as hamsync's.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sync.store.database import DB_NAME, MIGRATIONS, StateDatabase, ensure_private_dir
from sync.store.integrity import (
    SUFFIXES,
    WAY_OUT,
    DamagedState,
    clear_mark,
    header_problem,
    quarantine,
    quick_check,
)

BACKUP_DIR = "backups"
KEEP = 3
"""hamsync default: the newest backups kept; the newest is the state after the last sync."""
KEEP_DAYS = 7
"""hamsync default: besides, the last backup of each of this many most recent (UTC) days."""
PREFIX = "hamsync-"


@dataclass(frozen=True, slots=True)
class Backup:
    """One backup file and what a check of it found (``problem`` None: usable)."""

    path: Path
    taken_at: datetime
    problem: str | None


def backup_dir(state_dir: Path) -> Path:
    return state_dir / BACKUP_DIR


def make_backup(state: StateDatabase, now: datetime | None = None) -> Path:
    """Copy ``state`` into a new backup and drop those :func:`to_drop` names; returns its path.

    The caller holds the sync lock (a sync does).
    Raises OSError or sqlite3.Error (disk full...) with no partial backup left behind.
    """
    folder = backup_dir(state.path.parent)
    ensure_private_dir(folder)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    final = folder / f"{PREFIX}{stamp}.sqlite3"
    for stale in folder.glob(".partial-*"):  # left by a backup killed midway (we hold the lock)
        stale.unlink(missing_ok=True)
    partial = folder / f".partial-{os.getpid()}.sqlite3"
    try:
        _copy(state.backup_into, partial)
        partial.replace(final)
    finally:
        for suffix in SUFFIXES:
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
    _fsync_dir(folder)
    for old in to_drop(sorted(folder.glob(f"{PREFIX}*.sqlite3"))):
        for suffix in SUFFIXES:
            Path(f"{old}{suffix}").unlink(missing_ok=True)
    return final


def to_drop(paths: list[Path]) -> list[Path]:
    """Of backup files sorted oldest first, those beyond :data:`KEEP` and :data:`KEEP_DAYS`.

    Names sort by time (``hamsync-YYYYmmddTHHMMSS...``); characters 8 to 16 are the UTC day.
    """
    keep = set(paths[-KEEP:])
    last_of_day: dict[str, Path] = {}
    for path in paths:
        last_of_day[path.name[len(PREFIX) : len(PREFIX) + 8]] = path
    keep.update(last_of_day[day] for day in sorted(last_of_day)[-KEEP_DAYS:])
    return [path for path in paths if path not in keep]


def backup_after_sync(state: StateDatabase) -> str | None:
    """:func:`make_backup`, with a failure as a warning (the sync itself worked); None if made."""
    try:
        make_backup(state)
    except (OSError, sqlite3.Error) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        return f"backup of the state into {backup_dir(state.path.parent)} failed ({why})"
    return None


def _copy(fill: Callable[[sqlite3.Connection], None], target: Path) -> None:
    """A new database file at ``target`` (0600) filled by ``fill``, checked, synced to disk."""
    old_umask = os.umask(0o077)
    try:
        conn = sqlite3.connect(target, isolation_level=None)
    finally:
        os.umask(old_umask)
    try:
        fill(conn)
        conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        problem = quick_check(conn)
        if problem is not None:
            raise sqlite3.DatabaseError(f"the copy fails PRAGMA quick_check: {problem}")
    finally:
        conn.close()
    target.chmod(0o600)
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backups(state_dir: Path) -> list[Backup]:
    """Every backup, newest first, each checked as the database would be when opened."""
    found = []
    for path in sorted(backup_dir(state_dir).glob(f"{PREFIX}*.sqlite3"), reverse=True):
        stamp = path.stem.removeprefix(PREFIX)
        try:
            taken = datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append(Backup(path, taken, check_file(path)))
    return found


def check_file(path: Path) -> str | None:
    """Why the database file at ``path`` is not a usable hamsync state, or None."""
    try:
        problem = header_problem(path)
    except Exception as exc:  # an unreadable file is not usable, whatever the reason
        return str(exc)
    if problem is not None:
        return problem
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if not 0 < version <= len(MIGRATIONS):
            return f"schema version {version} is not one this hamsync knows"
        problem = quick_check(conn)
        return None if problem is None else f"PRAGMA quick_check: {problem}"
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()


def restore_newest(state_dir: Path) -> Backup:
    """Put the newest usable backup in place of the database (moved aside, kept).

    The caller holds the sync lock. Raises :class:`~sync.store.integrity.DamagedState`
    when no backup is usable (then nothing was changed).
    """
    usable = [b for b in backups(state_dir) if b.problem is None]
    if not usable:
        raise DamagedState(
            f"no usable backup in {backup_dir(state_dir)}",
            "`hamsync doctor --fresh` starts over (runs are read again from the platforms)",
        )
    chosen = usable[0]
    path = state_dir / DB_NAME
    if any(Path(f"{path}{suffix}").exists() for suffix in SUFFIXES):
        quarantine(path, f"replaced by the backup of {chosen.taken_at:%Y-%m-%d %H:%M} UTC")
    temporary = state_dir / f".{DB_NAME}.restore-{os.getpid()}"
    try:
        with contextlib.closing(sqlite3.connect(f"file:{chosen.path}?mode=ro", uri=True)) as src:
            _copy(src.backup, temporary)
        temporary.replace(path)
    finally:
        for suffix in SUFFIXES:
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)
    clear_mark(state_dir)
    return chosen


def start_fresh(state_dir: Path) -> Path | None:
    """Move the database aside (kept) so that the next command starts a new state.

    The caller holds the sync lock. Returns the folder it was moved to (None: there was none).
    """
    path = state_dir / DB_NAME
    folder = None
    if any(Path(f"{path}{suffix}").exists() for suffix in SUFFIXES):
        folder = quarantine(path, "set aside by `hamsync doctor --fresh`")
    clear_mark(state_dir)
    return folder


__all__ = [
    "BACKUP_DIR",
    "KEEP",
    "KEEP_DAYS",
    "WAY_OUT",
    "Backup",
    "backup_after_sync",
    "backups",
    "check_file",
    "make_backup",
    "restore_newest",
    "start_fresh",
    "to_drop",
]
