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

from . import upcoming_cache
from .config import Config
from .faults import checkpoint
from .health import Health
from .plan_inputs import config_races, strength_activity_days
from .secrets import redact
from .sinks.base import SessionSink, SinkError, SinkResult, WriteContext
from .state import State
from .valves import Refused, deletes_expected, vanished_pull
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
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """Parts the daemon left alone this time because they are backing off after failures."""
    refused: list[tuple[str, str]] = field(default_factory=list)
    """Parts a safety valve stopped (:mod:`sync.valves`): nothing written, nothing stored."""
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
        """0 all well, 3 some parts failed while others worked, 4 everything failed; 6 (first:
        it needs the runner) a safety valve refused a write."""
        if self.refused:
            return 6
        if not self.errors:
            return 0
        return 3 if (self.sources_ok + self.sinks_ok) > 0 else 4


def _backing_off(health: Health, state: State, part: str, name: str, report: SyncReport) -> bool:
    waiting = health.waiting(state, part)
    if waiting is not None:
        report.skipped.append((name, f"backing off after {waiting.failures} failures"))
    return waiting is not None


def _failed(
    health: Health, state: State, part: str, name: str, exc: Exception, report: SyncReport
) -> None:
    """Report and record a failed part; an unexpected exception is a bug, logged in full."""
    fix = getattr(exc, "fix", "") or ""
    if isinstance(exc, SourceError | SinkError):
        message = redact(str(exc))
    else:
        message = redact(f"unexpected error: {exc!r}")
        log.error("%s: %s", name, message, exc_info=exc)
    shown = f"{message} ({fix})" if fix else message
    report.errors.append((name, shown))
    log.warning("%s: %s", name, shown)
    with state.transaction():
        health.record(state, part, False, message, fix, getattr(exc, "retry_after_s", None))


def pull_all(
    sources: Sequence[ActivitySource],
    state: State,
    today: date,
    report: SyncReport,
    health: Health | None = None,
    force: bool = False,
) -> None:
    health = health or Health()
    for source in sources:
        part = f"source:{source.name}"
        if _backing_off(health, state, part, source.name, report):
            continue
        try:
            result = source.pull(state.cursor(source.name), today)
        except Exception as exc:  # one connector's failure (or bug) never stops the others
            _failed(health, state, part, source.name, exc, report)
            continue
        refusal = None if force else vanished_pull(source.name, result, state)
        if refusal is not None:  # nothing stored: runs and cursor stay as they were
            report.refused.append((source.name, refusal))
            continue
        report.sources_ok += 1
        report.warnings.extend(_problem_text(source.name, p) for p in result.problems)
        report.warnings.extend(f"{source.name}: {notice}" for notice in result.notices)
        report.runs_pulled += len(result.runs)
        with state.transaction():
            state.save_pull(source.name, result.runs, result.cursor, result.removed_run_ids)
            for checkin in result.checkins:
                state.add_checkin(checkin)
            for day in result.strength_days:
                state.add_strength_day(day, source.name)
            health.record(state, part, True, f"{len(result.runs)} runs pulled")
            checkpoint("pull-transaction", source.name)


def _problem_text(source: str, problem: Problem) -> str:
    return f"{source}: skipped {problem.where}: {problem.why}"


def look_ahead(
    config: Config,
    today: date,
    report: SyncReport,
    state: State | None = None,
    health: Health | None = None,
    cached: State | None = None,
) -> list[PlannedEvent]:
    """Planned runs from every configured calendar; a failing one is reported, others used.

    With ``state``, each good read is kept, and a calendar that fails (or backs off) is
    planned from its last good read, so a flaky server does not move sessions back and forth.
    With ``cached`` only (``hamsync plan``), nothing is recorded but a calendar that fails is
    still shown from its last good read, so ``plan`` shows what ``sync`` would plan.
    """
    health = health or Health()
    rules = config.settings().rules
    # Races of the last days still rule the first days of the plan (R4: recovery only for 3
    # days after a race, no Nordic for 7 after an ultra), so calendars are read from then.
    first = today - timedelta(days=max(rules.race_recovery_days, rules.ultra_no_heavy_days))
    last = today + timedelta(days=config.horizon_days + LOOKAHEAD_EXTRA_DAYS)
    events: list[PlannedEvent] = []
    for source in build_upcoming(config):
        part = f"upcoming:{source.name}"
        if state is None:  # `hamsync plan`: read what is there, nothing recorded
            try:
                events.extend(_ahead_or_race(source.planned(first, last), today))
                report.sources_ok += 1
            except SourceError as exc:
                message = f"{exc} ({exc.fix})" if exc.fix else str(exc)
                report.errors.append((source.name, redact(message)))
                if cached is not None:
                    _from_cache(cached, part, source.name, (first, today, last), events, report)
            continue
        if not _backing_off(health, state, part, source.name, report):
            try:
                found = _ahead_or_race(source.planned(first, last), today)
            except Exception as exc:
                _failed(health, state, part, source.name, exc, report)
            else:
                events.extend(found)
                report.sources_ok += 1
                with state.transaction():
                    upcoming_cache.save(state, part, found, health.now().isoformat())
                    health.record(state, part, True, f"{len(found)} planned runs")
                continue
        _from_cache(state, part, source.name, (first, today, last), events, report)
    return sorted(events, key=lambda e: (e.day, e.title, e.uid))


def _ahead_or_race(events: Sequence[PlannedEvent], today: date) -> list[PlannedEvent]:
    """Planned runs from today on; of the days before, only races (their after-race rules)."""
    return [e for e in events if e.day >= today or e.race]


def _from_cache(
    state: State,
    part: str,
    name: str,
    window: tuple[date, date, date],
    events: list[PlannedEvent],
    report: SyncReport,
) -> None:
    """Add the last good read of a calendar that could not be read now, and say so.

    ``window`` is (first day read, today, last day read).
    """
    first, today, last = window
    found = upcoming_cache.load(state, part, first, last)
    if found is not None:
        events.extend(_ahead_or_race(found[1], today))
        report.warnings.append(f"{name}: planning with the calendar as read at {found[0][:16]} UTC")


def compute_plan(
    config: Config, state: State, today: date, upcoming: Sequence[PlannedEvent]
) -> tuple[Plan, list[Run]]:
    """The plan from what is stored: pure apart from reading the state."""
    settings = config.settings()
    history = state.runs()
    result = make_plan(
        history=history,
        upcoming=config_races(config, upcoming),
        previous_plan=state.plan_sessions(),
        checkins=state.checkins(),
        state=state.planner_state(settings.starting_level),
        settings=settings,
        today=today,
        tz=config.tz,
        strength_days=strength_activity_days(state),
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
    health: Health | None = None,
) -> None:
    health = health or Health()
    for sink in sinks:
        part = f"sink:{sink.name}"
        if _backing_off(health, state, part, sink.name, report):
            continue
        try:
            report.writes[sink.name] = sink.sync(context, state, dry_run)
        except Refused as exc:  # a safety valve: nothing was written or recorded
            report.refused.append((sink.name, str(exc)))
            continue
        except Exception as exc:  # one sink's failure (or bug) never stops the others
            _failed(health, state, part, sink.name, exc, report)
            continue
        report.sinks_ok += 1
        with state.transaction():
            health.record(state, part, True, _writes_text(report.writes[sink.name]))
        checkpoint("after-sink", sink.name)


def _writes_text(result: SinkResult) -> str:
    return f"{result.created} created, {result.updated} updated, {result.deleted} deleted"


def run_once(
    config: Config,
    state: State,
    today: date,
    dry_run: bool = False,
    force: bool = False,
    health: Health | None = None,
) -> SyncReport:
    """One full sync. The caller holds the sync lock.

    A dry run works on an in-memory copy of the state and asks the sinks not to write, so
    it shows exactly what a real sync would do and changes nothing. ``force`` lets sinks
    overwrite events the runner edited or deleted by hand (``sync --force``). ``health``
    carries the clock and the backoff policy (the daemon's honours backoff).
    """
    health = health or Health()
    if dry_run:
        state = state.scratch_copy()
    report = SyncReport(today=today)
    pull_all(build_sources(config), state, today, report, health, force)
    checkpoint("after-pull")
    report.upcoming = look_ahead(config, today, report, state, health)
    result, history = compute_plan(config, state, today, report.upcoming)
    report.runs_total = len(history)
    report.recent = recent_flagged(history, config, today)
    report.sessions, report.moved, report.notes = result.sessions, result.moved, result.notes
    with state.transaction():
        state.replace_plan_from(today, result.sessions)
        state.save_planner_state(result.state)
        checkpoint("plan-transaction")
    checkpoint("after-plan")
    context = WriteContext(
        today=today,
        tz=config.tz,
        sessions=result.sessions,
        moved=result.moved,
        runs=tuple(recent_flagged(history, config, today, days=config.horizon_days)),
        force=force,
        deletes_expected=deletes_expected(result, today),
    )
    write_all(build_sinks(config), context, state, report, dry_run, health)
    with state.transaction():
        summary = f"{report.runs_pulled} runs pulled, {len(report.errors)} errors"
        health.record(state, "sync", not report.errors, summary)
    return report
