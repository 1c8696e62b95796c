"""The ``hamsync`` command: thin wrappers around the engine, with the exit codes of the design.

Exit codes: 0 success (skipped files are warnings), 2 usage or config error, 3 some sources
or sinks failed while others worked, 4 all failed, 5 another sync holds the lock.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from planner.models import CheckIn, Feeling

from .config import Config, ConfigError, default_config_path, load_config
from .engine import SyncReport, compute_plan, look_ahead, recent_flagged, run_once
from .lock import LockHeld, sync_lock
from .present import plan_json, print_plan, print_sync_report, runs_json, runs_table, sync_json
from .state import State, ensure_private_dir

EXIT_CONFIG = 2
EXIT_LOCKED = 5

app = typer.Typer(
    help="Plan hamstring sessions around the trail runs you actually ran.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Config file (default: the platform's config dir)."),
]
TodayOption = Annotated[
    str | None, typer.Option("--today", help="Plan as if today were YYYY-MM-DD.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def _fail(message: str, code: int) -> NoReturn:
    err.print(f"[red]hamsync:[/] {message}", highlight=False)
    raise typer.Exit(code)


def _config(path: Path | None) -> Config:
    try:
        return load_config(path or default_config_path())
    except ConfigError as exc:
        _fail(str(exc), EXIT_CONFIG)


def _today(value: str | None, config: Config) -> date:
    if value is None:
        return datetime.now(config.tz).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"--today {value!r}: expected a date as YYYY-MM-DD", EXIT_CONFIG)


@contextmanager
def _state(config: Config) -> Iterator[State]:
    assert config.state_dir is not None
    try:
        ensure_private_dir(config.state_dir)
        state = State.open(config.state_dir)
    except OSError as exc:
        _fail(f"state directory {config.state_dir}: {exc.strerror}", EXIT_CONFIG)
    try:
        yield state
    finally:
        state.close()


def _print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


@app.command()
def sync(
    config_path: ConfigOption = None,
    today: TodayOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Pull new runs, re-plan the hamstring sessions and write them to the calendars."""
    config = _config(config_path)
    day = _today(today, config)
    assert config.state_dir is not None
    with _state(config) as state:
        try:
            with sync_lock(config.state_dir):
                report: SyncReport = run_once(config, state, day, dry_run=dry_run)
        except LockHeld as exc:
            _fail(str(exc), EXIT_LOCKED)
    if as_json:
        _print_json(sync_json(report))
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
    config = _config(config_path)
    day = _today(today, config)
    report = SyncReport(today=day)
    upcoming = look_ahead(config, day, report)
    with _state(config) as state:
        result, _history = compute_plan(config, state, day, upcoming)
    if as_json:
        _print_json(plan_json(result.sessions, result.moved, result.notes))
    else:
        print_plan(out, result.sessions, result.moved, result.notes, upcoming)
    for connector, message in report.errors:
        err.print(f"[yellow]warning:[/] {connector}: {message}")


@app.command()
def runs(
    config_path: ConfigOption = None,
    today: TodayOption = None,
    days: Annotated[int, typer.Option(help="How many days back to list.")] = 3650,
    as_json: JsonOption = False,
) -> None:
    """List the stored runs with their figures and what the rules make of them."""
    config = _config(config_path)
    day = _today(today, config)
    with _state(config) as state:
        flagged = recent_flagged(state.runs(), config, day, days=days)
    if as_json:
        _print_json(runs_json(flagged))
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
    config = _config(config_path)
    day = _today(on, config)
    with _state(config) as state, state.transaction():
        state.add_checkin(CheckIn(day, feeling, note))
    out.print(
        f"check-in recorded: {feeling.value} on {day:%a %Y-%m-%d}; run `hamsync sync` to re-plan."
    )
    if feeling is Feeling.PAIN:
        out.print(
            "Sharp pain, bruising, weakness or recurring symptoms deserve personal "
            "medical advice. hamsync pauses all loading until a 'fine' check-in."
        )


def main() -> None:
    app()
