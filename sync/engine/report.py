"""What one sync did (:class:`SyncReport`), and how a part's failure or backoff is entered in
it and in the health records, for the pulls and writes of :mod:`sync.engine.run` and the
calendar reads of :mod:`sync.engine.lookahead` alike.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from connectors.errors import HamsyncError
from planner.models import Move, PlannedEvent, Reason, Run, RunFlags, Session
from sync.config.keystore import redact
from sync.engine.health import Health
from sync.sinks.outcome import SinkResult
from sync.store.database import StateDatabase

log = logging.getLogger("hamsync")


@dataclass(slots=True)
class SyncReport:
    """What one sync did; the CLI prints it and ``--json`` serialises it."""

    today: date
    runs_pulled: int = 0
    runs_total: int = 0
    warnings: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """Parts the daemon left alone this time because they are backing off after failures."""
    refused: list[tuple[str, str]] = field(default_factory=list)
    """Parts a safety valve stopped (:mod:`sync.engine.valves`): nothing written, nothing stored."""
    sources_ok: int = 0
    sinks_ok: int = 0
    recent: list[tuple[Run, RunFlags]] = field(default_factory=list)
    upcoming: list[PlannedEvent] = field(default_factory=list)
    sessions: tuple[Session, ...] = ()
    moved: tuple[Move, ...] = ()
    notes: tuple[Reason, ...] = ()
    writes: dict[str, SinkResult] = field(default_factory=dict)
    parts: list[str] = field(default_factory=list)
    """Every part of the config this sync went through (``source:files``...), backing off or
    not: ``status`` forgets the parts that are no longer in the config."""

    @property
    def exit_code(self) -> int:
        """0 all well, 3 some parts failed while others worked, 4 everything failed; 6 (first:
        it needs the runner) a safety valve refused a write."""
        if self.refused:
            return 6
        if not self.errors:
            return 0
        return 3 if (self.sources_ok + self.sinks_ok) > 0 else 4


def backing_off(
    health: Health, state: StateDatabase, part: str, name: str, report: SyncReport
) -> bool:
    waiting = health.waiting(state, part)
    if waiting is not None:
        report.skipped.append((name, f"backing off after {waiting.failures} failures"))
    return waiting is not None


def failed(
    health: Health, state: StateDatabase, part: str, name: str, exc: Exception, report: SyncReport
) -> None:
    """Report and record a failed part; an unexpected exception is a bug, logged in full."""
    fix = getattr(exc, "fix", "") or ""
    if isinstance(exc, HamsyncError):  # an error meant for the runner (connectors.errors)
        message = redact(str(exc))
    else:
        message = redact(f"unexpected error: {exc!r}")
        log.error("%s: %s", name, message, exc_info=exc)
    shown = f"{message} ({fix})" if fix else message
    report.errors.append((name, shown))
    log.warning("%s: %s", name, shown)
    with state.transaction():
        health.record(state, part, False, message, fix, getattr(exc, "retry_after_s", None))
