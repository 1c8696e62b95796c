"""The core commands: ``sync``, ``plan``, ``runs`` and ``checkin``."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from sync.cli.app import (
    EXIT_CONFIG,
    ConfigOption,
    JsonOption,
    TodayOption,
    app,
    err,
    fail,
    load,
    locked_state,
    open_state,
    out,
    print_json,
    today_for,
)

if TYPE_CHECKING:
    from planner.models import Run


class FeelingChoice(StrEnum):
    """The values of ``planner.models.Feeling`` (a test keeps them equal), spelt out here so
    that ``hamsync --help`` does not load the planner."""

    FINE = "fine"
    SENSITIVE = "sensitive"
    PAIN = "pain"


# Each command imports the engine, the store and the views when it runs, so that
# `hamsync --help` stays quick (benchmarks/startup.py).


@app.command()
def sync(
    config_path: ConfigOption = None,
    today: TodayOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Overwrite calendar events you edited or deleted; pass the safety valves.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Pull new runs, re-plan the hamstring sessions and write them to the calendars."""
    from sync.engine.run import run_once
    from sync.store.lock import sync_lock
    from sync.views.summary import print_sync_report, sync_json

    config = load(config_path)
    day = today_for(today, config)
    assert config.state_dir is not None
    # A dry run before the first sync has no state to guard: it takes no lock (which would
    # create the state folder) and works on an empty state in memory.
    guard = nullcontext() if dry_run and not config.state_dir.is_dir() else None
    with open_state(config, look_only=dry_run) as state, guard or sync_lock(config.state_dir):
        report = run_once(config, state, day, dry_run=dry_run, force=force)
    if as_json:
        print_json(sync_json(report))
    else:
        print_sync_report(out, report, config.tz)
        if dry_run:
            out.print("dry run: nothing was stored or written.")
    raise typer.Exit(report.exit_code)


@app.command()
def plan(
    config_path: ConfigOption = None, today: TodayOption = None, as_json: JsonOption = False
) -> None:
    """Show the plan from what is stored: no pull, no write."""
    from rich.markup import escape
    from rich.text import Text

    from sync.engine.notices import stale_history
    from sync.engine.run import SyncReport, look_ahead
    from sync.views.plan_table import print_days
    from sync.views.snapshot import snapshot
    from sync.views.summary import plan_json

    config = load(config_path)
    day = today_for(today, config)
    report = SyncReport(today=day)
    with open_state(config, look_only=True) as state:
        upcoming = look_ahead(config, day, report, cached=state)
        snap = snapshot(config, state, day, upcoming)
    stale = stale_history(snap.history, day, config.tz)
    if stale is not None:
        report.warnings.append(stale)
    if as_json:
        print_json(plan_json(snap.sessions, snap.moved, snap.notes))
    else:
        print_days(out, snap.rows, snap.sessions, snap.moved, snap.notes)
    for connector, message in report.errors:
        err.print(f"[yellow]warning:[/] {escape(connector)}: {escape(message)}")
    for warning in report.warnings:
        err.print(Text("warning: ", style="yellow") + Text(warning))


@app.command()
def runs(
    config_path: ConfigOption = None,
    today: TodayOption = None,
    days: Annotated[int, typer.Option(help="How many days back to list.")] = 3650,
    as_json: JsonOption = False,
    skipped: Annotated[
        bool,
        typer.Option("--skipped", help="List the files that were skipped, and why, instead."),
    ] = False,
) -> None:
    """List the stored runs with their figures and what the rules make of them."""
    from sync.engine.run import recent_flagged
    from sync.views.summary import runs_json, runs_table

    config = load(config_path)
    day = today_for(today, config)
    if skipped:
        from sync.views.skipped import skipped_json, skipped_table

        with open_state(config, look_only=True) as state:
            items = state.skipped_files()
        if as_json:
            print_json(skipped_json(items))
        else:
            out.print(skipped_table(items))
        return
    with open_state(config, look_only=True) as state:
        stored = state.runs()
    flagged = recent_flagged(stored, config, day, days=days)
    if as_json:
        print_json(runs_json(flagged))
        return
    title = f"Stored runs of the last {days:,} days ({len(flagged)} of {len(stored)})"
    out.print(runs_table(flagged, config.tz, title))
    hidden = _outside(stored, day, days, config.tz)
    if hidden.older:
        oldest = min(hidden.older).isoformat()
        out.print(
            f"{len(hidden.older)} older run(s) not listed, the oldest on {oldest}: "
            f"`hamsync runs --days {(day - min(hidden.older)).days}` lists them",
            highlight=False,
        )
    if hidden.later:
        out.print(
            f"{hidden.later} run(s) after {day.isoformat()} not listed (--today)",
            highlight=False,
        )


@dataclass(frozen=True, slots=True)
class _Outside:
    older: list[date]
    later: int


def _outside(stored: list[Run], today: date, days: int, tz: tzinfo) -> _Outside:
    """The local days of the stored runs before the listed window, and the count after it."""
    first = today - timedelta(days=days)
    local = [run.start.astimezone(tz).date() for run in stored]
    return _Outside([d for d in local if d < first], sum(d > today for d in local))


@app.command()
def checkin(
    feeling: Annotated[
        FeelingChoice,
        typer.Argument(help="How the hamstrings feel (any case).", case_sensitive=False),
    ],
    config_path: ConfigOption = None,
    on: Annotated[
        str | None, typer.Option("--date", help="Day of the check-in (YYYY-MM-DD).")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="A few words for yourself.")] = "",
) -> None:
    """Record how your hamstrings feel: fine, sensitive or pain (R7)."""
    from rich.text import Text

    from planner.models import Feeling
    from planner.reasons import MEDICAL_NOTE
    from sync.engine.checkins import planned_once, record_feeling

    config = load(config_path)
    day = today_for(on, config, option="--date")
    if on is not None and day > today_for(None, config):
        fail(
            f"--date {on}: {day:%a %Y-%m-%d} is still ahead; check in on the day you feel it",
            EXIT_CONFIG,
        )
    felt = Feeling(feeling.value)
    with locked_state(config) as state, state.transaction():
        record_feeling(state, config, day, today_for(None, config), felt, note)
        planned = planned_once(state)
    then = (
        "the plan is re-planned (`hamsync plan` shows it); run `hamsync sync` to update your "
        "calendars."
        if planned
        else "the first `hamsync sync` makes the plan."
    )
    out.print(f"check-in recorded: {felt.value} on {day:%a %Y-%m-%d}; {then}")
    if felt is Feeling.PAIN:
        out.print(Text(MEDICAL_NOTE))
