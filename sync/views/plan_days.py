"""The plan as days: runs done and planned, the session of each day, and its status.

One pure builder shared by the terminal table (``hamsync plan``) and the HTML report, so
both show the same plan. Nothing here prints or reads the clock.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from planner.classify import classify_run, loads_descent
from planner.models import PlannedEvent, Run, Session
from planner.reasons import event_kind, flag_words
from planner.settings import Settings
from sync.sinks.event_text import KIND_TITLES, exercise_name


@dataclass(frozen=True, slots=True)
class RunItem:
    """A run on a day: done (with its figures) or planned (from a calendar or habit)."""

    title: str
    done: bool
    descent_m: float | None
    distance_m: float | None
    what: str
    """What the rules make of it: ``long trail, heavy descent`` or ``planned race``."""


@dataclass(frozen=True, slots=True)
class DayRow:
    day: date
    runs: tuple[RunItem, ...]
    session: Session | None
    status: str
    """``done``, ``missed`` (passed, not marked done), ``today`` or ``planned``; '' without one."""


@dataclass(frozen=True, slots=True)
class WeekLoad:
    """One ISO week for the report's chart: descent load and sessions."""

    monday: date
    descent_m: float
    runs: int
    sessions_done: int
    sessions_planned: int


def short_dose(key: str, sets: int, reps: int | None, hold_s: int | None, per_side: bool) -> str:
    """``3x8/side``, ``2x30s`` or ``1x20min``: the dose in the few characters a table cell has."""
    held = hold_s or 0
    hold = f"{held // 60}min" if held >= 60 and held % 60 == 0 else f"{held}s"
    amount = f"{sets}x{reps}" if reps is not None else f"{sets}x{hold}"
    return amount + ("/side" if per_side else "")


def exercise_lines(session: Session) -> list[str]:
    return [
        f"{exercise_name(d.key)} {short_dose(d.key, d.sets, d.reps, d.hold_s, d.per_side)}"
        for d in session.exercises
    ]


def session_title(session: Session) -> str:
    title = KIND_TITLES[session.kind]
    return title[0].upper() + title[1:] + (" (Nordic)" if session.heavy else "")


def _run_items(
    history: Sequence[Run], tz: ZoneInfo, settings: Settings, first: date, last: date
) -> dict[date, list[RunItem]]:
    """The runs from ``first`` to ``last`` (only those are classified: the rest are not shown,
    and classifying every run of years of history costs most of a page view)."""
    out: dict[date, list[RunItem]] = {}
    for index, run in enumerate(history):
        day = run.start.astimezone(tz).date()
        if not first <= day <= last:
            continue
        flags = classify_run(run, history[:index], settings)
        words = flag_words(flags) or ["road run" if run.counts_for_dose else str(run.sport)]
        out.setdefault(day, []).append(
            RunItem(
                run.name or run.sport.value.replace("_", " "),
                True,
                run.descent_m,
                run.distance_m,
                ", ".join(words),
            )
        )
    return out


def build_days(
    first: date,
    last: date,
    today: date,
    tz: ZoneInfo,
    history: Sequence[Run],
    upcoming: Sequence[PlannedEvent],
    sessions: Sequence[Session],
    done: Collection[str],
    settings: Settings,
) -> list[DayRow]:
    """One row per day from ``first`` to ``last``; planned runs show on days not yet run."""
    runs = _run_items(history, tz, settings, first, last)
    by_day = {s.day: s for s in sessions}
    rows: list[DayRow] = []
    day = first
    while day <= last:
        items = list(runs.get(day, []))
        if day >= today and not items:
            items.extend(
                RunItem(e.title, False, None, e.distance_m, event_kind(e))
                for e in upcoming
                if e.day == day
            )
        session = by_day.get(day)
        status = ""
        if session is not None:
            if session.id in done:
                status = "done"
            elif day < today:
                status = "missed"
            else:
                status = "today" if day == today else "planned"
        rows.append(DayRow(day, tuple(items), session, status))
        day += timedelta(1)
    return rows


def weekly_load(
    history: Sequence[Run],
    sessions: Sequence[Session],
    done: Collection[str],
    today: date,
    tz: ZoneInfo,
    weeks: int = 8,
) -> list[WeekLoad]:
    """The last ``weeks`` ISO weeks up to this one: descent of every foot activity (R2, R4)
    and sessions done or planned."""
    this_monday = today - timedelta(today.weekday())
    out = []
    for back in range(weeks - 1, -1, -1):
        monday = this_monday - timedelta(weeks=back)
        sunday = monday + timedelta(6)
        week_runs = [r for r in history if monday <= r.start.astimezone(tz).date() <= sunday]
        descent = sum((r.descent_m or 0.0) for r in week_runs if loads_descent(r))
        in_week = [s for s in sessions if monday <= s.day <= sunday]
        n_done = sum(1 for s in in_week if s.id in done)
        out.append(
            WeekLoad(
                monday,
                descent,
                sum(1 for r in week_runs if r.counts_for_dose),
                n_done,
                len(in_week) - n_done,
            )
        )
    return out
