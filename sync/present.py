"""How results look: the terminal summary and the ``--json`` shapes of the CLI contract."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from planner.models import Move, PlannedEvent, Run, RunFlags, Session

from .engine import SyncReport
from .serialize import run_summary_json, session_to_json
from .sinks.event_text import KIND_TITLES, dose_text, exercise_name


def sync_json(report: SyncReport) -> dict[str, Any]:
    return {
        "runs_pulled": report.runs_pulled,
        "sessions": [session_to_json(s) for s in report.sessions],
        "moved": [move_json(m) for m in report.moved],
        "notes": list(report.notes),
        "warnings": list(report.warnings),
        "writes": {name: result.as_json() for name, result in report.writes.items()},
        "errors": [{"connector": c, "message": m} for c, m in report.errors],
    }


def move_json(move: Move) -> dict[str, Any]:
    return {
        "session_id": move.session_id,
        "from": move.from_day.isoformat(),
        "to": move.to_day.isoformat(),
        "reason": move.reason,
    }


def plan_json(
    sessions: Sequence[Session], moved: Sequence[Move], notes: Sequence[str]
) -> dict[str, Any]:
    return {
        "sessions": [session_to_json(s) for s in sessions],
        "moved": [move_json(m) for m in moved],
        "notes": list(notes),
    }


def runs_json(runs: Sequence[tuple[Run, RunFlags]]) -> dict[str, Any]:
    return {"runs": [run_summary_json(run, flags) for run, flags in runs]}


def _km(meters: float) -> str:
    return f"{meters / 1000:.1f} km"


def _m(meters: float | None) -> str:
    return "-" if meters is None else f"{meters:,.0f} m"


def flag_words(flags: RunFlags) -> str:
    words = []
    if flags.long:
        words.append("long trail")
    elif flags.trail:
        words.append("trail")
    if flags.very_heavy_descent:
        words.append("very heavy descent")
    elif flags.heavy_descent:
        words.append("heavy descent")
    if flags.hill:
        words.append("hills")
    return ", ".join(words)


def runs_table(runs: Sequence[tuple[Run, RunFlags]], tz: ZoneInfo, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("date", "activity", "distance", "time", "climb", "descent", "from", "spotted"):
        table.add_column(column)
    for run, flags in runs:
        local = run.start.astimezone(tz)
        minutes = int(run.moving_s // 60)
        table.add_row(
            local.strftime("%a %Y-%m-%d"),
            run.name or run.sport.value,
            _km(run.distance_m),
            f"{minutes // 60}:{minutes % 60:02d}",
            _m(run.ascent_m),
            _m(run.descent_m),
            run.descent_from,
            flag_words(flags),
        )
    table.caption = f"times in {tz.key}; 'from' says whose descent figure is used"
    return table


def sessions_table(sessions: Sequence[Session]) -> Table:
    table = Table(title="Hamstring sessions", title_justify="left", show_lines=True)
    table.add_column("day")
    table.add_column("session")
    table.add_column("exercises")
    table.add_column("why")
    for session in sessions:
        exercises = "\n".join(f"{exercise_name(d.key)} {dose_text(d)}" for d in session.exercises)
        kind = KIND_TITLES[session.kind] + (" (Nordic)" if session.heavy else "")
        table.add_row(
            session.day.strftime("%a %Y-%m-%d"), kind, exercises, "\n".join(session.reasons)
        )
    return table


def print_plan(
    console: Console,
    sessions: Sequence[Session],
    moved: Sequence[Move],
    notes: Sequence[str],
    upcoming: Sequence[PlannedEvent] = (),
) -> None:
    if upcoming:
        console.print("Planned runs ahead:")
        for event in upcoming:
            console.print(f"  {event.day:%a %Y-%m-%d}  {event.title}  ({event.source})")
    if sessions:
        console.print(sessions_table(sessions))
    else:
        console.print("No hamstring session in the next days.")
    for move in moved:
        console.print(f"[yellow]moved[/] {move.session_id}: {move.reason}")
    for note in notes:
        console.print(f"[bold]note:[/] {note}")


def print_sync_report(console: Console, report: SyncReport, tz: ZoneInfo) -> None:
    console.print(
        f"hamsync sync for {report.today:%a %Y-%m-%d}: {report.runs_pulled} new or changed "
        f"activities read, {report.runs_total} stored."
    )
    spotted = [(r, f) for r, f in report.recent if f.long or f.heavy_descent or f.hill]
    if report.recent:
        console.print(runs_table(report.recent, tz, "Runs of the last 14 days"))
    if spotted:
        console.print(f"Spotted: {len(spotted)} long trail / heavy descent / hill runs.")
    print_plan(console, report.sessions, report.moved, report.notes, report.upcoming)
    for name, result in report.writes.items():
        console.print(
            f"{name}: {result.created} created, {result.updated} updated, "
            f"{result.deleted} deleted, {result.conflicts} conflicts"
        )
        for message in result.messages:
            console.print(f"  {message}")
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    for connector, message in report.errors:
        console.print(f"[red]error:[/] {connector}: {message}")
