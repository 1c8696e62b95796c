"""The contract of a session sink: somewhere the plan is written, idempotently."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol
from zoneinfo import ZoneInfo

from connectors.base import SourceError
from connectors.errors import EXIT_FAILED, HamsyncError
from planner.models import Move, Run, RunFlags, Session
from sync.engine.diff import ActionKind
from sync.store.database import State


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

    def count(self, kind: ActionKind) -> None:
        """One more item created, updated or deleted."""
        if kind is ActionKind.CREATE:
            self.created += 1
        elif kind is ActionKind.UPDATE:
            self.updated += 1
        else:
            self.deleted += 1

    def as_json(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "conflicts": self.conflicts,
        }


class SinkError(HamsyncError):
    """The sink could not be written; its recorded state is unchanged, the next sync retries.

    ``retry_after_s`` is how long the server asked us to wait (a 429's ``Retry-After``): the
    daemon leaves the sink alone until then, as it does for a source.
    """

    exit_code = EXIT_FAILED

    def __init__(self, message: str, retry_after_s: float | None = None, fix: str = "") -> None:
        super().__init__(message, fix, retry_after_s)

    @classmethod
    def from_source(cls, exc: SourceError, prefix: str = "") -> SinkError:
        """The connector's error as a sink error: same text, fix and requested wait."""
        text = f"{exc} ({exc.fix})" if exc.fix else str(exc)
        return cls(prefix + text, retry_after_s=exc.retry_after_s)


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

    def sync(self, context: WriteContext, state: State, dry_run: bool) -> SinkResult:
        """Bring the sink in line with the plan (today onwards) and record what was written.

        Raise :class:`SinkError` when the sink cannot be written; record in ``state`` only
        what was actually written, so the next sync repairs the rest.
        """
        ...
