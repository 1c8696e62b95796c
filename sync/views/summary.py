"""How results look: the terminal summary and the ``--json`` shapes of the CLI contract."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from planner.models import Move, PlannedEvent, Reason, Run, RunFlags, Session
from planner.reasons import flag_words
from sync.engine.run import SyncReport
from sync.sinks.event_text import KIND_TITLES, details_line, dose_text, exercise_name
from sync.store.serialize import reason_to_json, run_summary_json, session_to_json


def sync_json(report: SyncReport) -> dict[str, Any]:
    return {
        "runs_pulled": report.runs_pulled,
        "sessions": [session_to_json(s) for s in report.sessions],
        "moved": [move_json(m) for m in report.moved],
        "notes": [reason_to_json(n) for n in report.notes],
        "warnings": list(report.warnings),
        "writes": {name: result.as_json() for name, result in report.writes.items()},
        "errors": [{"connector": c, "message": m} for c, m in report.errors],
        "refused": [{"part": c, "message": m} for c, m in report.refused],
    }


def move_json(move: Move) -> dict[str, Any]:
    return {
        "session_id": move.session_id,
        "from": move.from_day.isoformat(),
        "to": move.to_day.isoformat(),
        "reason": move.reason.text,
        "rule": move.reason.rule,
    }


def plan_json(
    sessions: Sequence[Session], moved: Sequence[Move], notes: Sequence[Reason]
) -> dict[str, Any]:
    return {
        "sessions": [session_to_json(s) for s in sessions],
        "moved": [move_json(m) for m in moved],
        "notes": [reason_to_json(n) for n in notes],
    }


def runs_json(runs: Sequence[tuple[Run, RunFlags]]) -> dict[str, Any]:
    return {"runs": [run_summary_json(run, flags) for run, flags in runs]}


def _km(meters: float) -> str:
    return f"{meters / 1000:.1f} km"


def _m(meters: float | None) -> str:
    return "-" if meters is None else f"{meters:,.0f} m"


def runs_table(runs: Sequence[tuple[Run, RunFlags]], tz: ZoneInfo, title: str) -> Table:
    # Fits 80 columns with every date and figure whole: no borders between columns, the
    # figures never wrapped; only the activity's name and what was spotted may wrap.
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
        collapse_padding=True,
    )  # fmt: skip
    table.add_column("date", no_wrap=True)
    table.add_column("activity", ratio=1)
    for column in ("km", "time", "up m", "down m"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("from", no_wrap=True)
    table.add_column("spotted", ratio=2)
    for run, flags in runs:
        local = run.start.astimezone(tz)
        minutes = int(run.moving_s // 60)
        table.add_row(
            local.strftime("%a %Y-%m-%d"),
            run.name or run.sport.value.replace("_", " "),
            _km(run.distance_m).removesuffix(" km"),
            f"{minutes // 60}:{minutes % 60:02d}",
            _m(run.ascent_m).removesuffix(" m"),
            _m(run.descent_m).removesuffix(" m"),
            run.descent_from,
            ", ".join(flag_words(flags)),
        )
    table.caption = (
        f"times in {tz.key}; climb (up) and descent (down) in metres; "
        "'from' says whose descent figure is used"
    )
    return table


def run_line(run: Run, flags: RunFlags, tz: ZoneInfo) -> str:
    """One line per run: day, what, distance, descent and whose figure, what the rules see."""
    what = run.name or run.sport.value.replace("_", " ")
    descent = "no altitude" if run.descent_m is None else f"{run.descent_m:,.0f} m descent"
    words = ", ".join(flag_words(flags))
    return (
        f"{run.start.astimezone(tz):%a %d %b}  {what}, {_km(run.distance_m)}, {descent} "
        f"({run.descent_from})" + (f": {words}" if words else "")
    )


def session_lines(session: Session) -> list[str]:
    """A session as a heading line, its exercises, and its reasons (readable at 80 columns)."""
    kind = KIND_TITLES[session.kind] + (" with a Nordic" if session.heavy else "")
    lines = [f"{session.day:%a %d %b}  {kind} ({session.id})"]
    lines += [f"    {exercise_name(d.key)}: {dose_text(d)}" for d in session.exercises]
    # The planner's "why this day" reason already opens with "why <day>:".
    lines += [
        f"    {reason.text}" if reason.text.startswith("why ") else f"    why: {reason.text}"
        for reason in session.reasons
    ]
    details = details_line(session.reasons)
    if details:
        lines.append(f"    {details}")
    return lines


def print_plan(
    console: Console,
    sessions: Sequence[Session],
    moved: Sequence[Move],
    notes: Sequence[Reason],
    upcoming: Sequence[PlannedEvent] = (),
) -> None:
    if upcoming:
        console.print("Planned runs ahead:")
        for event in upcoming:
            console.print(Text(f"  {event.day:%a %d %b}  {event.title} ({event.source})"))
    if sessions:
        console.print("Hamstring sessions:")
        for session in sessions:
            for line in session_lines(session):
                console.print(Text(line))
    else:
        console.print("No hamstring session in the next days.")
    for move in moved:
        console.print(Text("moved: ", style="yellow") + Text(move.reason.text))
    for note in notes:
        console.print(Text("note: ", style="bold") + Text(note.text))


def print_sync_report(console: Console, report: SyncReport, tz: ZoneInfo) -> None:
    console.print(
        f"hamsync sync for {report.today:%a %Y-%m-%d}: {report.runs_pulled} new or changed "
        f"activities read, {report.runs_total} stored."
    )
    spotted = [(r, f) for r, f in report.recent if f.long or f.heavy_descent or f.hill]
    if spotted:
        console.print(f"Spotted in the last 14 days ({len(spotted)} of {len(report.recent)} runs):")
        for run, flags in spotted:
            console.print(Text("  " + run_line(run, flags, tz)))
    elif report.recent:
        console.print(f"{len(report.recent)} runs in the last 14 days, none long or heavy.")
    print_plan(console, report.sessions, report.moved, report.notes, report.upcoming)
    for name, result in report.writes.items():
        console.print(
            f"{name}: {result.created} created, {result.updated} updated, "
            f"{result.deleted} deleted, {result.conflicts} conflicts"
        )
        for message in result.messages:
            console.print(Text(f"  {message}"))
    for warning in report.warnings:
        console.print(Text("warning: ", style="yellow") + Text(warning))
    for connector, message in report.errors:
        console.print(Text("error: ", style="red") + Text(f"{connector}: {message}"))
    for part, message in report.refused:
        console.print(Text("refused: ", style="red") + Text(f"{part}: {message}"))
    if report.refused:
        console.print("Nothing was changed for these; if it was intended, rerun with --force.")
