"""``run_once``: the one path data takes, for ``hamsync sync`` and the daemon alike.

Pull -> merge -> look ahead -> plan -> write, as in DESIGN.md. Each step commits its own
transaction, so a sync killed anywhere resumes cleanly; a failing source or sink is
reported and the others go on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from connectors.base import ActivitySource, Problem
from planner.classify import classify_run
from planner.models import Plan, PlannedEvent, PlannerState, Run, RunFlags
from planner.plan import plan as make_plan
from sync.config.model import Config
from sync.engine.faults import checkpoint
from sync.engine.health import Health
from sync.engine.lookahead import look_ahead
from sync.engine.notices import config_gaps, stale_history
from sync.engine.plan_inputs import config_races, strength_activity_days
from sync.engine.report import SyncReport, backing_off, failed
from sync.engine.state_merge import merge_planner_state
from sync.engine.valves import Refused, deletes_expected, vanished_pull
from sync.engine.writeback import write_back
from sync.sinks.outcome import SessionSink, SinkResult, WriteContext
from sync.sinks.renderer import Writer
from sync.store.backup import backup_after_sync
from sync.store.database import StateDatabase
from sync.wiring.build import build_sinks, build_sources
from sync.wiring.plugin_sources import enabled_sections

# SyncReport (sync.engine.report) and look_ahead (sync.engine.lookahead) stay importable from here.
__all__ = [
    "SyncReport",
    "compute_plan",
    "look_ahead",
    "pull_all",
    "recent_flagged",
    "run_once",
    "write_all",
]


def pull_all(
    sources: Sequence[ActivitySource],
    state: StateDatabase,
    today: date,
    report: SyncReport,
    health: Health | None = None,
    force: bool = False,
) -> None:
    health = health or Health()
    for source in sources:
        part = f"source:{source.name}"
        report.parts.append(part)
        if backing_off(health, state, part, source.name, report):
            continue
        try:
            result = source.pull(state.cursor(source.name), today)
        except Exception as exc:  # one connector's failure (or bug) never stops the others
            failed(health, state, part, source.name, exc, report)
            continue
        refusal = None if force else vanished_pull(source.name, result, state)
        if refusal is not None:  # nothing stored: runs and cursor stay as they were
            report.refused.append((source.name, refusal))
            report.warnings.extend(_problem_text(source.name, p) for p in result.problems)
            continue
        try:  # what one source delivered never stops the others (issue 15: one odd name)
            with state.transaction():
                state.save_pull(source.name, result.runs, result.cursor, result.removed_run_ids)
                if result.skipped is not None:
                    skipped = ((p.where, p.why, p.quiet) for p in result.skipped)
                    state.save_skipped(source.name, skipped)
                for checkin in result.checkins:
                    state.add_checkin(checkin)
                for day in result.strength_days:
                    state.add_strength_day(day, source.name)
                health.record(state, part, True, f"{len(result.runs)} runs pulled")
                checkpoint("pull-transaction", source.name)
        except (ValueError, sqlite3.DataError, sqlite3.IntegrityError) as exc:  # rolled back
            failed(health, state, part, source.name, exc, report)
            continue
        report.sources_ok += 1
        report.warnings.extend(_problem_text(source.name, p) for p in result.problems)
        report.warnings.extend(f"{source.name}: {notice}" for notice in result.notices)
        report.runs_pulled += len(result.runs)


def _problem_text(source: str, problem: Problem) -> str:
    return f"{source}: skipped {problem.where}: {problem.why}"


def compute_plan(
    config: Config, state: StateDatabase, today: date, upcoming: Sequence[PlannedEvent]
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


def save_plan(
    state: StateDatabase, today: date, result: Plan, before: PlannerState, level: int
) -> None:
    """Store ``result`` (planned from ``before``) as the plan from ``today`` on.

    The plan part of a sync, also run by a check-in (:func:`sync.engine.checkins.replan`):
    call inside ``state.transaction()``. A done mark or pause stored since ``before`` was
    read is kept (:func:`~sync.engine.state_merge.merge_planner_state`).
    """
    state.replace_plan_from(today, result.sessions)
    current = state.planner_state(level)
    state.save_planner_state(merge_planner_state(before, result.state, current))


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
    sinks: Sequence[SessionSink | Writer[Any]],
    context: WriteContext,
    state: StateDatabase,
    report: SyncReport,
    dry_run: bool,
    health: Health | None = None,
) -> None:
    health = health or Health()
    for sink in sinks:
        part = f"sink:{sink.name}"
        report.parts.append(part)
        if backing_off(health, state, part, sink.name, report):
            continue
        try:
            if isinstance(sink, Writer):
                report.writes[sink.name] = write_back(sink, context, state, dry_run)
            else:
                report.writes[sink.name] = sink.sync(context, state, dry_run)
        except Refused as exc:  # a safety valve: nothing was written or recorded
            report.refused.append((sink.name, str(exc)))
            continue
        except Exception as exc:  # one sink's failure (or bug) never stops the others
            failed(health, state, part, sink.name, exc, report)
            continue
        report.sinks_ok += 1
        report.errors.extend((sink.name, failure) for failure in report.writes[sink.name].failures)
        with state.transaction():
            health.record(state, part, True, _writes_text(report.writes[sink.name]))
        checkpoint("after-sink", sink.name)


def _writes_text(result: SinkResult) -> str:
    return f"{result.created} created, {result.updated} updated, {result.deleted} deleted"


def run_once(
    config: Config,
    state: StateDatabase,
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
    report.warnings.extend(config_gaps(config))
    pull_all(build_sources(config), state, today, report, health, force)
    checkpoint("after-pull")
    report.upcoming = look_ahead(config, today, report, state, health)
    level = config.settings().starting_level
    with state.snapshot():  # the plan's inputs, read as of one moment
        before = state.planner_state(level)
        result, history = compute_plan(config, state, today, report.upcoming)
    checkpoint("planned")
    report.runs_total = len(history)
    stale = stale_history(history, today, config.tz)
    if stale is not None and enabled_sections(config.sources):
        report.warnings.append(stale)
    report.recent = recent_flagged(history, config, today)
    report.sessions, report.moved, report.notes = result.sessions, result.moved, result.notes
    with state.transaction():
        save_plan(state, today, result, before, level)
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
        kept = {"sync", "feed"} if config.feed.enabled else {"sync"}
        state.forget_parts_except(kept | set(report.parts))  # the rest left the config
    if not dry_run:
        warning = backup_after_sync(state)
        report.warnings.extend([warning] if warning else [])
    return report
