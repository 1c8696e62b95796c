"""The state's runs: each stored once, merged across sources, with each source's cursor.

A mixin of :class:`sync.store.database.StateDatabase` (which owns the connection and the
transactions).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from planner.merge import find_same_run, merge
from planner.models import Run
from sync.store.serialize import run_from_json, run_to_json


class RunStore:
    """Runs, the source ids they came from, cursors, and strength days (R8)."""

    _conn: sqlite3.Connection

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


def _utc(moment: datetime) -> str:
    """Start times are indexed in UTC so that text order is time order."""
    return moment.astimezone(UTC).isoformat()
