"""Commands about progress: ``done`` (R8) and ``report`` (the plan as an HTML page)."""

from __future__ import annotations

from datetime import date
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
    from sync.config.model import Config
    from sync.views.snapshot import Snapshot


def load_snapshot(config: Config, today: date) -> Snapshot:
    from rich.markup import escape

    from sync.engine.run import SyncReport, look_ahead
    from sync.views.snapshot import snapshot

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
    from sync.engine.checkins import mark_done

    with locked_state(config) as state, state.transaction():
        session = mark_done(state, config, day, today_for(None, config))
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
