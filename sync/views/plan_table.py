"""The plan in the terminal: one row per day, then why each session sits where it does.

Built to stay readable in 80 columns: the table holds only short cells (day, runs,
session with doses); the reasons, which are sentences, follow below it grouped by week,
so the week's dose is said once instead of in every row.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from planner.models import Move, Reason, Session
from sync.sinks.event_text import details_line
from sync.views.plan_days import DayRow, RunItem, exercise_lines, session_title

STATUS_MARK = {"done": "done", "missed": "not done", "today": "today", "planned": ""}


def run_cell(item: RunItem) -> str:
    figures = []
    if item.distance_m:
        figures.append(f"{item.distance_m / 1000:.0f} km")
    if item.descent_m is not None:
        figures.append(f"-{item.descent_m:,.0f} m")
    head = item.title if item.done else f"{item.title} (planned)"
    tail = f" {', '.join(figures)}" if figures else ""
    return f"{head}{tail}\n  {item.what}"


def session_cell(session: Session, status: str) -> Text:
    text = Text(session_title(session), style="bold")
    mark = STATUS_MARK.get(status, "")
    if mark:
        text.append(f" [{mark}]", style="green" if status == "done" else "yellow")
    for line in exercise_lines(session):
        text.append("\n" + line)
    return text


def days_table(rows: Sequence[DayRow]) -> Table:
    table = Table(
        title="Next days: runs and hamstring sessions",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        expand=True,
    )
    table.add_column("day", no_wrap=True)
    table.add_column("runs", ratio=2, min_width=16)
    table.add_column("session", ratio=3, min_width=36, overflow="fold")
    for row in rows:
        runs = "\n".join(run_cell(r) for r in row.runs) or "-"
        session = session_cell(row.session, row.status) if row.session else Text("-")
        table.add_row(f"{row.day:%a %d %b}", runs, session)
    return table


def reasons_block(sessions: Sequence[Session]) -> Group:
    """Why each session sits where it does; the week's dose line is said once per week."""
    parts: list[Text | Padding] = [Text("Why", style="bold")]
    said: set[str] = set()
    for session in sorted(sessions, key=lambda s: (s.day, s.id)):
        reasons = [r.text for r in session.reasons]
        if reasons and reasons[0].startswith("week of ") and reasons[0] not in said:
            said.add(reasons[0])
            parts.append(Text(reasons[0], style="italic"))
        rest = [r for r in reasons if r not in said]
        head = Text(f"{session.day:%a %d %b}: {session_title(session)}", style="bold")
        parts.append(Padding(head, (0, 0, 0, 2)))
        parts.extend(Padding(Text(f"- {r}"), (0, 0, 0, 4)) for r in rest)
        details = details_line(session.reasons)
        if details:
            parts.append(Padding(Text(details, style="dim"), (0, 0, 0, 4)))
    return Group(*parts)


def print_days(
    console: Console,
    rows: Sequence[DayRow],
    sessions: Sequence[Session],
    moved: Sequence[Move],
    notes: Sequence[Reason],
) -> None:
    """The ``hamsync plan`` output: the day table, the reasons, moves and notes."""
    console.print(days_table(rows))
    if sessions:
        console.print(reasons_block(sessions))
    else:
        console.print("No hamstring session in the next days.")
    for move in moved:
        console.print(Text(move.reason.text, style="yellow"))
    for note in notes:
        console.print(Text.assemble(("note: ", "bold"), note.text))
