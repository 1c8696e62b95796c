"""The core commands: ``sync``, ``plan``, ``runs`` and ``checkin``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from planner.models import CheckIn, Feeling
from planner.reasons import MEDICAL_NOTE
from sync.cli.app import (
    ConfigOption,
    JsonOption,
    TodayOption,
    app,
    err,
    load,
    locked_state,
    open_state,
    out,
    print_json,
    today_for,
)
from sync.cli.progress import snapshot
from sync.engine.run import SyncReport, look_ahead, recent_flagged, run_once
from sync.store.lock import sync_lock
from sync.views.plan_table import print_days
from sync.views.skipped import skipped_json, skipped_table
from sync.views.summary import plan_json, print_sync_report, runs_json, runs_table, sync_json


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
    config = load(config_path)
    day = today_for(today, config)
    assert config.state_dir is not None
    with open_state(config) as state, sync_lock(config.state_dir):
        report: SyncReport = run_once(config, state, day, dry_run=dry_run, force=force)
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
    config = load(config_path)
    day = today_for(today, config)
    report = SyncReport(today=day)
    with open_state(config) as state:
        upcoming = look_ahead(config, day, report, cached=state)
        snap = snapshot(config, state, day, upcoming)
    if as_json:
        print_json(plan_json(snap.sessions, snap.moved, snap.notes))
    else:
        print_days(out, snap.rows, snap.sessions, snap.moved, snap.notes)
    for connector, message in report.errors:
        err.print(f"[yellow]warning:[/] {connector}: {message}")
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
    config = load(config_path)
    day = today_for(today, config)
    if skipped:
        with open_state(config) as state:
            items = state.skipped_files()
        if as_json:
            print_json(skipped_json(items))
        else:
            out.print(skipped_table(items))
        return
    with open_state(config) as state:
        flagged = recent_flagged(state.runs(), config, day, days=days)
    if as_json:
        print_json(runs_json(flagged))
    else:
        out.print(runs_table(flagged, config.tz, f"Stored runs ({len(flagged)})"))


@app.command()
def checkin(
    feeling: Annotated[Feeling, typer.Argument(help="How the hamstrings feel.")],
    config_path: ConfigOption = None,
    on: Annotated[str | None, typer.Option("--date", help="Day of the check-in.")] = None,
    note: Annotated[str, typer.Option("--note", help="A few words for yourself.")] = "",
) -> None:
    """Record how your hamstrings feel: fine, sensitive or pain (R7)."""
    config = load(config_path)
    day = today_for(on, config)
    with locked_state(config) as state, state.transaction():
        state.add_checkin(CheckIn(day, feeling, note))
    out.print(
        f"check-in recorded: {feeling.value} on {day:%a %Y-%m-%d}; run `hamsync sync` to re-plan."
    )
    if feeling is Feeling.PAIN:
        out.print(Text(MEDICAL_NOTE))
