"""The state database: runs, cursors, check-ins, the current plan and what each sink wrote.

One SQLite file in the state directory, WAL mode, versioned migrations (``PRAGMA
user_version``). Each step of a sync commits in one transaction (:meth:`StateDatabase.transaction`),
so a sync killed at any point leaves either the old or the new state, never half of each.
The directory is created 0700 and the files 0600: it holds the runner's training history.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from planner.models import CheckIn, Feeling, PlannerState, Session
from sync.store.integrity import (
    SUFFIXES,
    WAY_OUT,
    DamagedState,
    NewerState,
    explain,
    header_problem,
    is_corruption,
    pending,
    quarantine,
    quick_check,
)
from sync.store.lock import LockHeld, sync_lock
from sync.store.records import PartLog, PartLogs, SinkItem, SinkRecords
from sync.store.runs import RunStore
from sync.store.serialize import session_body, session_from_body
from sync.store.skipped import SkippedFile, SkippedFiles

__all__ = [
    "DB_NAME",
    "MIGRATIONS",
    "PartLog",
    "SinkItem",
    "SkippedFile",
    "StateDatabase",
    "ensure_private_dir",
]

DB_NAME = "hamsync.sqlite3"

# Each migration is applied once, in order; user_version records how many ran.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "initial schema",
        """
        CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            start TEXT NOT NULL,
            body TEXT NOT NULL
        );
        CREATE INDEX runs_by_start ON runs(start);
        CREATE TABLE run_sources (
            source_id TEXT PRIMARY KEY,
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE
        );
        CREATE TABLE cursors (
            source TEXT PRIMARY KEY,
            cursor TEXT
        );
        CREATE TABLE checkins (
            day TEXT NOT NULL,
            source TEXT NOT NULL,
            feeling TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (day, source)
        );
        CREATE TABLE plan_sessions (
            id TEXT PRIMARY KEY,
            day TEXT NOT NULL,
            body TEXT NOT NULL
        );
        CREATE TABLE planner_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE sink_items (
            sink TEXT NOT NULL,
            session_id TEXT NOT NULL,
            day TEXT NOT NULL,
            remote_id TEXT NOT NULL DEFAULT '',
            etag TEXT NOT NULL DEFAULT '',
            content_hash TEXT NOT NULL,
            sequence INTEGER NOT NULL DEFAULT 0,
            body TEXT NOT NULL,
            PRIMARY KEY (sink, session_id)
        );
        CREATE TABLE sync_log (
            part TEXT PRIMARY KEY,
            finished_at TEXT NOT NULL,
            ok INTEGER NOT NULL,
            message TEXT NOT NULL DEFAULT ''
        );
        """,
    ),
    (
        "part health: backoff and fixes; last good look-ahead",
        """
        ALTER TABLE sync_log ADD COLUMN fix TEXT NOT NULL DEFAULT '';
        ALTER TABLE sync_log ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sync_log ADD COLUMN retry_at TEXT NOT NULL DEFAULT '';
        CREATE TABLE upcoming_cache (
            source TEXT PRIMARY KEY,
            fetched_at TEXT NOT NULL,
            body TEXT NOT NULL
        );
        """,
    ),
    (
        "strength activities logged on the platforms (R8: a session's day done)",
        """
        CREATE TABLE strength_days (
            day TEXT NOT NULL,
            source TEXT NOT NULL,
            PRIMARY KEY (day, source)
        );
        """,
    ),
    (
        "write-back: each item's uid and place, and the write under way",
        """
        ALTER TABLE sink_items ADD COLUMN uid TEXT NOT NULL DEFAULT '';
        ALTER TABLE sink_items ADD COLUMN location TEXT NOT NULL DEFAULT '';
        ALTER TABLE sink_items ADD COLUMN pending TEXT NOT NULL DEFAULT '';
        UPDATE sink_items SET uid = session_id || '@hamsync';
        """,
    ),
    (
        "files each source skips, with the reason (hamsync runs --skipped)",
        """
        CREATE TABLE skipped_files (
            source TEXT NOT NULL,
            place TEXT NOT NULL,
            why TEXT NOT NULL,
            quiet INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (source, place)
        );
        """,
    ),
)


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) and make the leaf 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)


def _connect(path: Path, modes: bool = True) -> sqlite3.Connection:
    """A connection in hamsync's modes (WAL, foreign keys); the files made 0600.

    ``modes`` False leaves the file as it is (setting WAL writes its header) until checked.
    """
    old_umask = os.umask(0o077)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    finally:
        os.umask(old_umask)
    for suffix in SUFFIXES:
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").chmod(0o600)
    if modes:
        try:
            _set_modes(conn)
        except BaseException:
            conn.close()
            raise
    return conn


def _set_modes(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")


def _create(path: Path) -> None:
    """A new state at ``path``, made whole beside it and then linked into place.

    So the database's name never holds a file without hamsync's tables (a crash while
    creating leaves only a temporary file), and a file found there that has none is damage,
    not a new state. ``os.link`` never replaces: a state another process made first wins.
    """
    for suffix in ("-wal", "-shm"):  # a journal without its database belongs to nothing, and
        if not path.exists():  # SQLite would replay a stale WAL into the new database
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    temporary = path.with_name(f".{path.name}.new-{os.getpid()}")
    for suffix in SUFFIXES:
        Path(f"{temporary}{suffix}").unlink(missing_ok=True)
    try:
        conn = _connect(temporary)
        try:
            StateDatabase(conn, temporary)._migrate(0)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        for suffix in SUFFIXES:
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)


def _tables_of(version: int) -> set[str]:
    """The tables the first ``version`` migrations create."""
    scripts = " ".join(script for _name, script in MIGRATIONS[:version])
    return set(re.findall(r"CREATE TABLE (\w+)", scripts))


def _set_aside(path: Path, problem: str) -> DamagedState:
    """Move the damaged database aside (unless another hamsync is using it) and say so."""
    try:
        with sync_lock(path.parent, wait_s=0):
            folder = quarantine(path, problem)
    except LockHeld:
        return DamagedState(
            f"the state database {path} is damaged ({problem}); another hamsync is running, "
            "so it was left in place",
            "stop the other hamsync (the daemon), then " + WAY_OUT,
        )
    except OSError as exc:
        return DamagedState(
            f"the state database {path} is damaged ({problem}); it could not be moved aside "
            f"({exc.strerror})",
            WAY_OUT,
        )
    return DamagedState(
        f"the state database {path} is damaged ({problem}); nothing was planned. It was "
        f"moved, kept as it was, to {folder}",
        WAY_OUT,
    )


class StateDatabase(RunStore, SinkRecords, PartLogs, SkippedFiles):
    """Typed access to the state database; open with :meth:`open`.

    Runs live in :mod:`.state_runs`, what was written and how each part ended in
    :mod:`.state_records`; this class owns the connection, migrations and transactions.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, state_dir: Path) -> StateDatabase:
        """Open (or, when no file exists, create) the state in ``state_dir``.

        Raises :class:`~sync.store.integrity.DamagedState` for a damaged file (moved aside,
        kept; see :mod:`sync.store.integrity`) or a damage not yet resolved by ``hamsync
        doctor``, :class:`~sync.store.integrity.NewerState` for a file from a newer hamsync,
        and :class:`~connectors.errors.StateError` for other failures (full disk, busy).
        """
        ensure_private_dir(state_dir)
        damage = pending(state_dir)
        if damage is not None:
            raise damage
        path = state_dir / DB_NAME
        try:
            if not path.exists():
                _create(path)
            problem = header_problem(path)
            if problem is None:
                opened = cls._checked(path)
                if isinstance(opened, StateDatabase):
                    return opened
                problem = opened
        except (sqlite3.Error, OSError) as exc:
            raise explain(exc, path) from exc
        raise _set_aside(path, problem)

    @classmethod
    def _checked(cls, path: Path) -> StateDatabase | str:
        """The state at ``path``, whole and migrated, or why it is damaged."""
        try:
            conn = _connect(path, modes=False)
        except sqlite3.Error as exc:
            if is_corruption(exc):
                return str(exc)
            raise
        state = cls(conn, path)
        try:
            problem = state._check_and_migrate()
        except sqlite3.Error as exc:
            state.close()
            if is_corruption(exc):
                return str(exc)
            raise
        except BaseException:
            state.close()
            raise
        if problem is None:
            return state
        state.close()
        return problem

    @classmethod
    def empty(cls, state_dir: Path) -> StateDatabase:
        """An empty state in memory, for commands that only look (``plan``, ``status``,
        ``sync --dry-run``) before any sync: nothing is created on disk (issue 16)."""
        damage = pending(state_dir)  # a damage not yet resolved is said, as by `open`
        if damage is not None:
            raise damage
        state = cls(sqlite3.connect(":memory:", isolation_level=None), state_dir / DB_NAME)
        state._migrate(0)
        return state

    def scratch_copy(self) -> StateDatabase:
        """An in-memory copy to try a sync on (``--dry-run``): changes to it are thrown away."""
        conn = sqlite3.connect(":memory:", isolation_level=None)
        self._conn.backup(conn)
        return StateDatabase(conn, self.path)

    def close(self) -> None:
        self._conn.close()

    def backup_into(self, target: sqlite3.Connection) -> None:
        """Copy the whole database into ``target`` (SQLite's online backup API)."""
        self._conn.backup(target)

    def _check_and_migrate(self) -> str | None:
        """Why the opened file is damaged, or None once it is whole and migrated."""
        (version,) = self._conn.execute("PRAGMA user_version").fetchone()
        if version > len(MIGRATIONS):
            raise NewerState(
                f"the state database {self.path} was written by a newer hamsync (schema "
                f"{version}; this one knows {len(MIGRATIONS)}); nothing was changed",
                "upgrade hamsync (pip install --upgrade hamsync), or run the newer one",
            )
        problem = quick_check(self._conn)
        if problem is not None:
            return f"PRAGMA quick_check: {problem}"
        missing = _tables_of(version) - self._tables()
        if version == 0 or missing:
            return (
                "it holds no hamsync tables"
                if version == 0
                else ("tables are missing: " + ", ".join(sorted(missing)))
            )
        _set_modes(self._conn)
        self._migrate(version)
        return None

    def _tables(self) -> set[str]:
        rows = self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {str(name) for (name,) in rows.fetchall()}

    def _migrate(self, version: int) -> None:
        for number, (_name, script) in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                for statement in script.split(";"):
                    if statement.strip():
                        self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {number}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One all-or-nothing step: commits on success, rolls back on any exception."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads that see one moment of the database (a read transaction; writes nothing)."""
        self._conn.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            self._conn.execute("COMMIT")

    # -- check-ins and planner state ---------------------------------------------------
    def add_checkin(self, checkin: CheckIn) -> None:
        self._conn.execute(
            "INSERT INTO checkins(day, source, feeling, note) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(day, source) DO UPDATE SET feeling = excluded.feeling, "
            "note = excluded.note",
            (checkin.day.isoformat(), checkin.source, checkin.feeling.value, checkin.note),
        )

    def checkins(self) -> list[CheckIn]:
        rows = self._conn.execute(
            "SELECT day, feeling, note, source FROM checkins ORDER BY day, source"
        ).fetchall()
        return [CheckIn(date.fromisoformat(d), Feeling(f), n, s) for d, f, n, s in rows]

    def planner_state(self, starting_level: int) -> PlannerState:
        values = dict(self._conn.execute("SELECT key, value FROM planner_state").fetchall())
        if not values:
            return PlannerState(level=starting_level)

        def day(key: str) -> date | None:
            value = values.get(key)
            return date.fromisoformat(value) if value else None

        return PlannerState(
            level=int(values.get("level", starting_level)),
            done_session_ids=frozenset(json.loads(values.get("done_session_ids", "[]"))),
            paused_until=day("paused_until"),
            level_up_on=day("level_up_on"),
            stepped_back_for=day("stepped_back_for"),
            stage=int(values.get("stage") or 0),
            rung_since=day("rung_since"),
            returned_from=day("returned_from"),
        )

    def save_planner_state(self, state: PlannerState) -> None:
        values = {
            "level": str(state.level),
            "done_session_ids": json.dumps(sorted(state.done_session_ids)),
            "paused_until": state.paused_until.isoformat() if state.paused_until else "",
            "level_up_on": state.level_up_on.isoformat() if state.level_up_on else "",
            "stepped_back_for": (
                state.stepped_back_for.isoformat() if state.stepped_back_for else ""
            ),
            "stage": str(state.stage),
            "rung_since": state.rung_since.isoformat() if state.rung_since else "",
            "returned_from": state.returned_from.isoformat() if state.returned_from else "",
        }
        self._conn.executemany(
            "INSERT INTO planner_state(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )

    # -- the plan ----------------------------------------------------------------------
    def plan_sessions(self) -> list[Session]:
        rows = self._conn.execute("SELECT body FROM plan_sessions ORDER BY day, id").fetchall()
        return [session_from_body(body) for (body,) in rows]

    def replace_plan_from(self, today: date, sessions: Sequence[Session]) -> None:
        """Replace today's and later sessions; sessions before today are history and stay."""
        self._conn.execute("DELETE FROM plan_sessions WHERE day >= ?", (today.isoformat(),))
        for session in sessions:
            self._conn.execute(
                "INSERT INTO plan_sessions(id, day, body) VALUES (?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET day = excluded.day, body = excluded.body",
                (
                    session.id,
                    session.day.isoformat(),
                    session_body(session),
                ),
            )
