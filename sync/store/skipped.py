"""The files each source skips, with the reason: what ``hamsync runs --skipped`` lists.

A mixin of :class:`sync.store.database.StateDatabase`. A source that keeps such a list
(:attr:`connectors.base.PullResult.skipped`) replaces its rows on every stored pull, in the
pull's transaction, so the list is always that of the last pull.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """One input a source skipped: ``where`` names it, ``why`` the reason; ``quiet`` ones
    (a course file, a ride) were not warned about."""

    source: str
    where: str
    why: str
    quiet: bool = False


class SkippedFiles:
    _conn: sqlite3.Connection

    def save_skipped(self, source: str, items: Iterable[tuple[str, str, bool]]) -> None:
        """Replace the skipped files of ``source`` by ``items`` (where, why, quiet)."""
        self._conn.execute("DELETE FROM skipped_files WHERE source = ?", (source,))
        self._conn.executemany(
            "INSERT OR REPLACE INTO skipped_files(source, place, why, quiet) VALUES (?, ?, ?, ?)",
            [(source, where, why, int(quiet)) for where, why, quiet in items],
        )

    def skipped_files(self) -> list[SkippedFile]:
        rows = self._conn.execute(
            "SELECT source, place, why, quiet FROM skipped_files ORDER BY source, place"
        ).fetchall()
        return [SkippedFile(s, w, y, bool(q)) for s, w, y, q in rows]
