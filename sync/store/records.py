"""The state's records of what was written: sink items, each part's last outcome, and the
last good read of each look-ahead calendar.

A mixin of :class:`sync.store.database.StateDatabase` (which owns the connection and the
transactions).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date


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
    """The session as written (:func:`sync.store.serialize.session_body`), so past events can be
    written again byte for byte; for the activity-note sinks, the note's text."""
    uid: str = ""
    """The item's uid as written (items recorded before install ids: ``<session id>@hamsync``)."""
    location: str = ""
    """Where the sink wrote it (its ``location`` then, e.g. the calendar's URL); "" unknown."""
    pending: str = ""
    """The write under way ("create", "update", "delete"), recorded before it is sent and
    cleared with its result: a crash in between leaves it, and the next sync checks the item."""


class SinkRecords:
    """What each sink wrote, keyed by (sink, session id)."""

    _conn: sqlite3.Connection

    def sink_items(self, sink: str) -> dict[str, SinkItem]:
        rows = self._conn.execute(
            "SELECT sink, session_id, day, remote_id, etag, content_hash, sequence, body, uid, "
            "location, pending FROM sink_items WHERE sink = ?",
            (sink,),
        ).fetchall()
        return {
            r[1]: SinkItem(
                r[0], r[1], date.fromisoformat(r[2]), r[3], r[4], r[5], r[6], r[7], r[8], r[9],
                r[10],
            )
            for r in rows
        }  # fmt: skip

    def put_sink_item(self, item: SinkItem) -> None:
        self._conn.execute(
            "INSERT INTO sink_items(sink, session_id, day, remote_id, etag, content_hash, "
            "sequence, body, uid, location, pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(sink, session_id) "
            "DO UPDATE SET day = excluded.day, remote_id = excluded.remote_id, "
            "etag = excluded.etag, content_hash = excluded.content_hash, "
            "sequence = excluded.sequence, body = excluded.body, uid = excluded.uid, "
            "location = excluded.location, pending = excluded.pending",
            (
                item.sink, item.session_id, item.day.isoformat(), item.remote_id, item.etag,
                item.content_hash, item.sequence, item.body, item.uid, item.location,
                item.pending,
            ),
        )  # fmt: skip

    def delete_sink_item(self, sink: str, session_id: str) -> None:
        self._conn.execute(
            "DELETE FROM sink_items WHERE sink = ? AND session_id = ?", (sink, session_id)
        )


class PartLogs:
    """How each part of a sync last ended, and the look-ahead calendars' last good reads."""

    _conn: sqlite3.Connection

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

    def forget_parts_except(self, parts: set[str]) -> None:
        """Drop the last outcome of every part not in ``parts`` (removed from the config)."""
        known = sorted(parts)
        marks = ", ".join("?" for _ in known)
        self._conn.execute(f"DELETE FROM sync_log WHERE part NOT IN ({marks})", known)  # noqa: S608

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
