"""Commands about progress: ``done`` (R8) and ``report`` (the plan as an HTML page)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sync.cli.app import (
    EXIT_CONFIG,
    ConfigOption,
    TodayOption,
    app,
    err,
    fail,
    load,
    locked_state,
    open_state,
    out,
    today_for,
)

if TYPE_CHECKING:  # imported where used: `hamsync --help` stays quick
    from planner.models import Move, PlannedEvent, Reason, Run, Session
    from sync.config.model import Config
    from sync.store.database import StateDatabase
    from sync.views.plan_days import DayRow, WeekLoad

PAST_DAYS = 7
"""The views start a week back: the runs just done explain the sessions ahead."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything a view of the plan shows, computed once from the stored facts."""

    today: date
    rows: list[DayRow]
    sessions: tuple[Session, ...]
    moved: tuple[Move, ...]
    notes: tuple[Reason, ...]
    weeks: list[WeekLoad]
    level: int
    upcoming: list[PlannedEvent]
    history: list[Run]


def snapshot(
    config: Config, state: StateDatabase, today: date, upcoming: list[PlannedEvent]
) -> Snapshot:
    """The plan of today and the week before it (runs done, sessions done or not)."""
    from planner.inputs import expand_habitual
    from sync.engine.plan_inputs import config_races
    from sync.engine.run import compute_plan
    from sync.views.plan_days import build_days, weekly_load

    result, history = compute_plan(config, state, today, upcoming)
    events = config_races(config, upcoming)
    run_days = {r.start.astimezone(config.tz).date() for r in history}
    last = today + timedelta(config.horizon_days - 1)
    events += expand_habitual(config.settings(), today, last, events, run_days)
    past = [s for s in state.plan_sessions() if s.day < today]
    every = past + list(result.sessions)
    done = result.state.done_session_ids
    first = today - timedelta(PAST_DAYS)
    rows = build_days(
        first, last, today, config.tz, history, events, every, done, config.settings()
    )
    weeks = weekly_load(history, every, done, today, config.tz)
    return Snapshot(
        today, rows, result.sessions, result.moved, result.notes, weeks, result.state.level,
        events, history,
    )  # fmt: skip


def load_snapshot(config: Config, today: date) -> Snapshot:
    from rich.markup import escape

    from sync.engine.run import SyncReport, look_ahead

    report = SyncReport(today=today)
    with open_state(config, look_only=True) as state:
        upcoming = look_ahead(config, today, report, cached=state)
        for connector, message in report.errors:
            err.print(f"[yellow]warning:[/] {escape(connector)}: {escape(message)}")
        for warning in report.warnings:
            err.print(f"[yellow]warning:[/] {escape(warning)}")
        return snapshot(config, state, today, upcoming)


@app.command()
def done(
    config_path: ConfigOption = None,
    on: Annotated[
        str | None, typer.Option("--date", help="Day of the session (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Mark the hamstring session of a day (default: today) as done (R8)."""
    config = load(config_path)
    day = today_for(on, config, option="--date")
    if on is not None and day > today_for(None, config):
        fail(f"{day:%a %Y-%m-%d} is still ahead: mark a session done on its day", EXIT_CONFIG)
    with locked_state(config) as state, state.transaction():
        sessions = [s for s in state.plan_sessions() if s.day == day]
        if not sessions:
            fail(f"no hamstring session was planned on {day:%a %Y-%m-%d}", EXIT_CONFIG)
        session = sessions[0]
        current = state.planner_state(config.settings().starting_level)
        state.save_planner_state(
            replace(current, done_session_ids=current.done_session_ids | {session.id})
        )
    out.print(
        f"session {session.id} ({session.kind.value}) on {day:%a %Y-%m-%d} marked done; "
        "the next plan counts it for progression (R6)."
    )


@app.command()
def report(
    out_path: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    config_path: ConfigOption = None,
    today: TodayOption = None,
) -> None:
    """Write the plan and the last eight weeks' descent and sessions as one HTML page."""
    config = load(config_path)
    day = today_for(today, config)
    from sync.views.report_html import render_report

    snap = load_snapshot(config, day)
    page = render_report(
        today=snap.today,
        rows=snap.rows,
        sessions=snap.sessions,
        moved=snap.moved,
        notes=snap.notes,
        weeks=snap.weeks,
        level=snap.level,
    )
    try:
        out_path.write_text(page, encoding="utf-8")
    except OSError as exc:
        fail(f"{out_path}: cannot write the report: {exc.strerror}", EXIT_CONFIG)
    out.print(f"report written to {out_path}")
