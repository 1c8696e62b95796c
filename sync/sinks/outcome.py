"""What a sync asks of a sink (:class:`WriteContext`) and what the sink did (:class:`SinkResult`).

``SessionSink`` is the older contract of a sink that runs its own writes on the state
database it is handed (no built-in sink does any more; a configured sink that cannot be
built stands in with one); storage sinks
(:mod:`sync.sinks.contract`) are run by the executor (:mod:`sync.engine.writeback`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from planner.models import Move, Run, RunFlags, Session


@dataclass(slots=True)
class SinkResult:
    """What one sink did in one sync; the ``writes`` entry of ``sync --json``."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    conflicts: int = 0
    messages: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    """Items that could not be written this time (each reported as an error; the others went
    on, and the next sync retries them)."""

    def count(self, kind: str) -> None:
        """One more item created, updated or deleted (``kind``: an ``ActionKind``)."""
        if kind == "create":
            self.created += 1
        elif kind == "update":
            self.updated += 1
        else:
            self.deleted += 1

    def as_json(self) -> dict[str, int | list[str]]:
        """The ``writes`` entry of ``sync --json`` (docs/json.md): the counts, and the sink's
        ``messages`` (what it left where, conflicts, items it skipped), each one sentence."""
        return {
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "conflicts": self.conflicts,
            "messages": list(self.messages),
        }


@dataclass(frozen=True, slots=True)
class WriteContext:
    """Everything a sink may write from: the plan, what moved, and the recent runs."""

    today: date
    tz: ZoneInfo
    sessions: Sequence[Session]
    """The desired sessions from today onwards."""
    moved: Sequence[Move] = ()
    runs: Sequence[tuple[Run, RunFlags]] = ()
    """Runs of the last ``horizon`` days with their flags (for activity notes)."""
    force: bool = False
    """``sync --force``: overwrite what the runner edited, restore what they deleted, and
    delete many sessions at once (see :mod:`sync.engine.valves`)."""
    deletes_expected: bool = False
    """The runner emptied the plan on purpose (``hamsync pause``, a pain check-in): many
    deletes at once are what they asked for, not an accident."""


class SessionSink(Protocol):
    name: str

    def sync(self, context: WriteContext, state: Any, dry_run: bool) -> SinkResult:
        """Bring the sink in line with the plan (today onwards) and record what was written.

        Raise :class:`SinkError` when the sink cannot be written; record in ``state`` only
        what was actually written, so the next sync repairs the rest.
        """
        ...
