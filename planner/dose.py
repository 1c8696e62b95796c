"""R5: the weekly dose, by runs in the ISO week, done plus expected."""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from planner.models import PlannedEvent, SessionKind
from planner.reasons import iso_week
from planner.settings import Settings

MEDIAN_WEEKS = 4  # hamsync default (DESIGN.md R5: "the median weekly count of the last 4 weeks")


@dataclass(frozen=True, slots=True)
class DayRuns:
    """Completed runs (that count for the dose) on one day, and how many were hill sessions."""

    runs: int = 0
    hills: int = 0


@dataclass(frozen=True, slots=True)
class WeekDose:
    """The dose of one ISO week and the sentence that explains it."""

    week: str
    monday: date
    runs: int
    hills: int
    kinds: tuple[SessionKind, ...]
    reason: str


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def median_weekly_runs(done: Mapping[date, DayRuns], today: date) -> int:
    """Median number of done runs in the four ISO weeks before today's week, rounded half up."""
    this_monday = monday_of(today)
    counts = []
    for back in range(1, MEDIAN_WEEKS + 1):
        monday = this_monday - timedelta(weeks=back)
        counts.append(sum(done.get(monday + timedelta(i), DayRuns()).runs for i in range(7)))
    return math.floor(statistics.median(counts) + 0.5)


def _kinds(runs: int, hills: int, settings: Settings) -> tuple[SessionKind, ...]:
    rules = settings.rules
    if runs >= rules.many_runs or hills >= rules.many_hill_sessions:
        kinds: tuple[SessionKind, ...] = (SessionKind.FOCUSED,)
    elif runs >= 2:
        kinds = (SessionKind.FOCUSED, SessionKind.MAINTENANCE)
    else:
        kinds = (SessionKind.CONTROL, SessionKind.HEAVY)
    return kinds[: rules.max_loading_sessions_per_week]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def week_dose(
    monday: date,
    today: date,
    done: Mapping[date, DayRuns],
    events: Sequence[PlannedEvent],
    median: int,
    settings: Settings,
) -> WeekDose:
    """Runs of the week: done on past days; on today and later, done or planned, counted once.

    A planned run that is then done counts once because each day counts the larger of its
    done and planned runs. When the calendar holds no run for the week's remaining days,
    the week counts at least the median of the last four weeks, so it does not flip as
    its runs arrive (R5).
    """
    n_done = n_calendar = n_habitual = hills = 0
    has_calendar = False
    for i in range(7):
        day = monday + timedelta(i)
        got = done.get(day, DayRuns())
        n_done += got.runs
        if day < today:
            hills += got.hills
            continue
        todays = [e for e in events if e.day == day]
        calendar = sum(1 for e in todays if not e.habitual)
        habitual = len(todays) - calendar
        has_calendar = has_calendar or calendar > 0
        extra = max(0, calendar + habitual - got.runs)
        from_calendar = min(extra, calendar)
        n_calendar += from_calendar
        n_habitual += extra - from_calendar
        hills += max(got.hills, sum(1 for e in todays if e.hill))
    runs = n_done + n_calendar + n_habitual
    parts = [f"{n_done} done"]
    if n_calendar:
        parts.append(f"{n_calendar} planned")
    if n_habitual:
        parts.append(f"{n_habitual} habitual long {'run' if n_habitual == 1 else 'runs'}")
    if not has_calendar and median > runs:
        runs = median
        parts.append(f"expected from the median of the last {MEDIAN_WEEKS} weeks: {median}")
    kinds = _kinds(runs, hills, settings)
    week = iso_week(monday)
    hill_text = f", {_plural(hills, 'hill session')}" if hills else ""
    reason = (
        f"week {week}: {_plural(runs, 'run')} ({', '.join(parts)}){hill_text} -> "
        f"{' + '.join(k.value for k in kinds)} (R5)"
    )
    return WeekDose(week, monday, runs, hills, kinds, reason)
