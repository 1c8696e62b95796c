"""``run_once``: the one path data takes, for ``hamsync sync`` and the daemon alike.

Pull -> merge -> look ahead -> plan -> write, as in DESIGN.md. Each step commits its own
transaction, so a sync killed anywhere resumes cleanly; a failing source or sink is
reported and the others go on.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from connectors.base import ActivitySource, Problem, SourceError
from planner.classify import classify_run
from planner.models import Move, Plan, PlannedEvent, Run, RunFlags, Session
from planner.plan import plan as make_plan

from .config import Config
from .sinks.base import SessionSink, SinkError, SinkResult, WriteContext
from .state import State
from .wiring import build_sinks, build_sources, build_upcoming

log = logging.getLogger("hamsync")

LOOKAHEAD_EXTRA_DAYS = 4
"""Events a few days past the horizon still constrain its last days (R3: 72 h before)."""


@dataclass(slots=True)
class SyncReport:
    """What one sync did; the CLI prints it and ``--json`` serialises it."""

    today: date
    runs_pulled: int = 0
    runs_total: int = 0
    warnings: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    sources_ok: int = 0
    sinks_ok: int = 0
    recent: list[tuple[Run, RunFlags]] = field(default_factory=list)
    upcoming: list[PlannedEvent] = field(default_factory=list)
    sessions: tuple[Session, ...] = ()
    moved: tuple[Move, ...] = ()
    notes: tuple[str, ...] = ()
    writes: dict[str, SinkResult] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 all well, 3 some parts failed while others worked, 4 everything failed."""
        if not self.errors:
            return 0
        return 3 if (self.sources_ok + self.sinks_ok) > 0 else 4


def pull_all(
    sources: Sequence[ActivitySource], state: State, today: date, report: SyncReport
) -> None:
    for source in sources:
        try:
            result = source.pull(state.cursor(source.name), today)
        except SourceError as exc:
            message = f"{exc} ({exc.fix})" if exc.fix else str(exc)
            report.errors.append((source.name, message))
            log.warning("%s: %s", source.name, message)
            continue
        report.sources_ok += 1
        report.warnings.extend(_problem_text(source.name, p) for p in result.problems)
        report.runs_pulled += len(result.runs)
        with state.transaction():
            state.save_pull(source.name, result.runs, result.cursor, result.removed_run_ids)


def _problem_text(source: str, problem: Problem) -> str:
    return f"{source}: skipped {problem.where}: {problem.why}"


def look_ahead(config: Config, today: date, report: SyncReport) -> list[PlannedEvent]:
    """Planned runs from every configured calendar; a failing one is reported, others used."""
    last = today + timedelta(days=config.horizon_days + LOOKAHEAD_EXTRA_DAYS)
    events: list[PlannedEvent] = []
    for source in build_upcoming(config):
        try:
            events.extend(source.planned(today, last))
        except SourceError as exc:
            message = f"{exc} ({exc.fix})" if exc.fix else str(exc)
            report.errors.append((source.name, message))
            log.warning("%s: %s", source.name, message)
            continue
        report.sources_ok += 1
    return sorted(events, key=lambda e: (e.day, e.title, e.uid))


def compute_plan(
    config: Config, state: State, today: date, upcoming: Sequence[PlannedEvent]
) -> tuple[Plan, list[Run]]:
    """The plan from what is stored: pure apart from reading the state."""
    settings = config.settings()
    history = state.runs()
    result = make_plan(
        history=history,
        upcoming=upcoming,
        previous_plan=state.plan_sessions(),
        checkins=state.checkins(),
        state=state.planner_state(settings.starting_level),
        settings=settings,
        today=today,
        tz=config.tz,
    )
    return result, history


def recent_flagged(
    history: Sequence[Run], config: Config, today: date, days: int = 14
) -> list[tuple[Run, RunFlags]]:
    """Runs of the last ``days`` days with what R1/R2/R5 make of them."""
    settings = config.settings()
    first = today - timedelta(days=days)
    out = []
    for index, run in enumerate(history):
        if first <= run.start.astimezone(config.tz).date() <= today:
            out.append((run, classify_run(run, history[:index], settings)))
    return out


def write_all(
    sinks: Sequence[SessionSink],
    context: WriteContext,
    state: State,
    report: SyncReport,
    dry_run: bool,
) -> None:
    for sink in sinks:
        try:
            report.writes[sink.name] = sink.sync(context, state, dry_run)
        except SinkError as exc:
            report.errors.append((sink.name, str(exc)))
            log.warning("%s: %s", sink.name, exc)
            continue
        report.sinks_ok += 1


def run_once(config: Config, state: State, today: date, dry_run: bool = False) -> SyncReport:
    """One full sync. The caller holds the sync lock.

    A dry run works on an in-memory copy of the state and asks the sinks not to write, so
    it shows exactly what a real sync would do and changes nothing.
    """
    if dry_run:
        state = state.scratch_copy()
    report = SyncReport(today=today)
    pull_all(build_sources(config), state, today, report)
    report.upcoming = look_ahead(config, today, report)
    result, history = compute_plan(config, state, today, report.upcoming)
    report.runs_total = len(history)
    report.recent = recent_flagged(history, config, today)
    report.sessions, report.moved, report.notes = result.sessions, result.moved, result.notes
    with state.transaction():
        state.replace_plan_from(today, result.sessions)
        state.save_planner_state(result.state)
    context = WriteContext(
        today=today,
        tz=config.tz,
        sessions=result.sessions,
        moved=result.moved,
        runs=tuple(recent_flagged(history, config, today, days=config.horizon_days)),
    )
    write_all(build_sinks(config), context, state, report, dry_run)
    return report
