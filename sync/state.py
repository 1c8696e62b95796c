"""The state database: runs, cursors, check-ins, the current plan and what each sink wrote.

One SQLite file in the state directory, WAL mode, versioned migrations (``PRAGMA
user_version``). Each step of a sync commits in one transaction (:meth:`State.transaction`),
so a sync killed at any point leaves either the old or the new state, never half of each.
The directory is created 0700 and the files 0600: it holds the runner's training history.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from planner.merge import find_same_run, merge
from planner.models import CheckIn, Feeling, PlannerState, Run, Session

from .serialize import run_from_json, run_to_json, session_from_json, session_to_json

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
)


@dataclass(frozen=True, slots=True)
class PartLog:
    """The last outcome of one part of a sync (``source:files``, ``sink:ics``, ``sync``)."""

    part: str
    finished_at: str
    ok: bool
    message: str = ""
    fix: str = ""
    failures: int = 0
    """Failures in a row; 0 once it works again."""
    retry_at: str = ""
    """UTC ISO time before which the daemon leaves a failing part alone (backoff)."""


@dataclass(frozen=True, slots=True)
class SinkItem:
    """What a sink wrote for one session: enough to update or delete exactly that item."""

    sink: str
    session_id: str
    day: date
    remote_id: str
    etag: str
    content_hash: str
    sequence: int
    body: str
    """The session as JSON, so past events can be written again byte for byte."""


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) and make the leaf 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)


class State:
    """Typed access to the state database; open with :meth:`open`."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, state_dir: Path) -> State:
        ensure_private_dir(state_dir)
        path = state_dir / DB_NAME
        old_umask = os.umask(0o077)
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        finally:
            os.umask(old_umask)
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{path}{suffix}").chmod(0o600)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        state = cls(conn, path)
        state._migrate()
        return state

    def scratch_copy(self) -> State:
        """An in-memory copy to try a sync on (``--dry-run``): changes to it are thrown away."""
        conn = sqlite3.connect(":memory:", isolation_level=None)
        self._conn.backup(conn)
        return State(conn, self.path)

    def close(self) -> None:
        self._conn.close()

    def _migrate(self) -> None:
        (version,) = self._conn.execute("PRAGMA user_version").fetchone()
        if version > len(MIGRATIONS):
            raise RuntimeError(
                f"{self.path}: the state was written by a newer hamsync (schema {version}); "
                "upgrade hamsync"
            )
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

    # -- runs and cursors -------------------------------------------------------------
    def cursor(self, source: str) -> str | None:
        row = self._conn.execute(
            "SELECT cursor FROM cursors WHERE source = ?", (source,)
        ).fetchone()
        return None if row is None else row[0]

    def save_pull(
        self, source: str, runs: Sequence[Run], cursor: str | None, removed: Sequence[str] = ()
    ) -> None:
        """Store a source's runs and its new cursor together (call inside a transaction)."""
        for run_id in removed:
            self._delete_source_id(run_id)
        for run in runs:
            self.store_run(run)
        self._conn.execute(
            "INSERT INTO cursors(source, cursor) VALUES (?, ?) "
            "ON CONFLICT(source) DO UPDATE SET cursor = excluded.cursor",
            (source, cursor),
        )

    def store_run(self, run: Run) -> Run:
        """Store ``run``, merged into the stored run it duplicates (same run, other source)."""
        known = {self.run_id_for_source(s) for s in run.sources}
        stored = [self.run(run_id) for run_id in sorted(k for k in known if k is not None)]
        candidates = [r for r in stored if r is not None] or self.runs_near(run.start)
        twin = next((r for r in candidates if r.id == run.id), None) or find_same_run(
            run, candidates
        )
        if twin is not None:
            run = merge(twin, run)
        self.upsert_run(run)
        return run

    def run(self, run_id: str) -> Run | None:
        row = self._conn.execute("SELECT body FROM runs WHERE id = ?", (run_id,)).fetchone()
        return None if row is None else run_from_json(json.loads(row[0]))

    def runs_near(self, start: datetime) -> list[Run]:
        """Stored runs that start within a day of ``start`` (merge candidates)."""
        rows = self._conn.execute(
            "SELECT body FROM runs WHERE start BETWEEN ? AND ? ORDER BY start, id",
            (_utc(start - timedelta(days=1)), _utc(start + timedelta(days=1))),
        ).fetchall()
        return [run_from_json(json.loads(body)) for (body,) in rows]

    def upsert_run(self, run: Run) -> None:
        self._conn.execute(
            "INSERT INTO runs(id, start, body) VALUES (?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET start = excluded.start, body = excluded.body",
            (run.id, _utc(run.start), json.dumps(run_to_json(run), sort_keys=True)),
        )
        for source_id in run.sources:
            self._conn.execute(
                "INSERT INTO run_sources(source_id, run_id) VALUES (?, ?) "
                "ON CONFLICT(source_id) DO UPDATE SET run_id = excluded.run_id",
                (source_id, run.id),
            )

    def run_id_for_source(self, source_id: str) -> str | None:
        row = self._conn.execute(
            "SELECT run_id FROM run_sources WHERE source_id = ?", (source_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def delete_run(self, run_id: str) -> None:
        self._conn.execute("DELETE FROM runs WHERE id = ?", (run_id,))

    def _delete_source_id(self, source_id: str) -> None:
        run_id = self.run_id_for_source(source_id)
        if run_id is None:
            return
        self._conn.execute("DELETE FROM run_sources WHERE source_id = ?", (source_id,))
        run = self.run(run_id)
        left = tuple(s for s in run.sources if s != source_id) if run else ()
        if run is None or not left:
            self.delete_run(run_id)
        else:
            self.upsert_run(replace(run, sources=left))

    def runs(self) -> list[Run]:
        rows = self._conn.execute("SELECT body FROM runs ORDER BY start, id").fetchall()
        return [run_from_json(json.loads(body)) for (body,) in rows]

    def add_strength_day(self, day: date, source: str) -> None:
        """A strength activity ``source`` logged on local ``day`` (idempotent)."""
        self._conn.execute(
            "INSERT OR IGNORE INTO strength_days(day, source) VALUES (?, ?)",
            (day.isoformat(), source),
        )

    def strength_days(self) -> list[date]:
        rows = self._conn.execute("SELECT DISTINCT day FROM strength_days ORDER BY day")
        return [date.fromisoformat(d) for (d,) in rows.fetchall()]

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
        }
        self._conn.executemany(
            "INSERT INTO planner_state(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )

    # -- the plan ----------------------------------------------------------------------
    def plan_sessions(self) -> list[Session]:
        rows = self._conn.execute("SELECT body FROM plan_sessions ORDER BY day, id").fetchall()
        return [session_from_json(json.loads(body)) for (body,) in rows]

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
                    json.dumps(session_to_json(session), sort_keys=True),
                ),
            )

    # -- what sinks wrote --------------------------------------------------------------
    def sink_items(self, sink: str) -> dict[str, SinkItem]:
        rows = self._conn.execute(
            "SELECT sink, session_id, day, remote_id, etag, content_hash, sequence, body "
            "FROM sink_items WHERE sink = ?",
            (sink,),
        ).fetchall()
        return {
            r[1]: SinkItem(r[0], r[1], date.fromisoformat(r[2]), r[3], r[4], r[5], r[6], r[7])
            for r in rows
        }

    def put_sink_item(self, item: SinkItem) -> None:
        self._conn.execute(
            "INSERT INTO sink_items(sink, session_id, day, remote_id, etag, content_hash, "
            "sequence, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sink, session_id) "
            "DO UPDATE SET day = excluded.day, remote_id = excluded.remote_id, "
            "etag = excluded.etag, content_hash = excluded.content_hash, "
            "sequence = excluded.sequence, body = excluded.body",
            (
                item.sink, item.session_id, item.day.isoformat(), item.remote_id, item.etag,
                item.content_hash, item.sequence, item.body,
            ),
        )  # fmt: skip

    def delete_sink_item(self, sink: str, session_id: str) -> None:
        self._conn.execute(
            "DELETE FROM sink_items WHERE sink = ? AND session_id = ?", (sink, session_id)
        )

    # -- sync log ----------------------------------------------------------------------
    def log_part(
        self,
        part: str,
        finished_at: str,
        ok: bool,
        message: str = "",
        *,
        fix: str = "",
        failures: int = 0,
        retry_at: str = "",
    ) -> None:
        self._conn.execute(
            "INSERT INTO sync_log(part, finished_at, ok, message, fix, failures, retry_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(part) DO UPDATE SET finished_at = excluded.finished_at, "
            "ok = excluded.ok, message = excluded.message, fix = excluded.fix, "
            "failures = excluded.failures, retry_at = excluded.retry_at",
            (part, finished_at, int(ok), message, fix, failures, retry_at),
        )

    def part_logs(self) -> dict[str, PartLog]:
        rows = self._conn.execute(
            "SELECT part, finished_at, ok, message, fix, failures, retry_at FROM sync_log "
            "ORDER BY part"
        ).fetchall()
        return {r[0]: PartLog(r[0], r[1], bool(r[2]), r[3], r[4], r[5], r[6]) for r in rows}

    def cache_upcoming(self, source: str, fetched_at: str, body: str) -> None:
        """Keep the last good read of a look-ahead calendar (used while it is unreachable)."""
        self._conn.execute(
            "INSERT INTO upcoming_cache(source, fetched_at, body) VALUES (?, ?, ?) "
            "ON CONFLICT(source) DO UPDATE SET fetched_at = excluded.fetched_at, "
            "body = excluded.body",
            (source, fetched_at, body),
        )

    def cached_upcoming(self, source: str) -> tuple[str, str] | None:
        """``(fetched_at, body)`` of the last good read of ``source``, if any."""
        row = self._conn.execute(
            "SELECT fetched_at, body FROM upcoming_cache WHERE source = ?", (source,)
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    def sync_log(self) -> list[tuple[str, str, bool, str]]:
        rows = self._conn.execute(
            "SELECT part, finished_at, ok, message FROM sync_log ORDER BY part"
        ).fetchall()
        return [(p, f, bool(o), m) for p, f, o, m in rows]


def _utc(moment: datetime) -> str:
    """Start times are indexed in UTC so that text order is time order."""
    return moment.astimezone(UTC).isoformat()
