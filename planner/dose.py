"""R5: the weekly dose, by runs in the ISO week, done plus expected."""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from planner.models import PlannedEvent, Reason, SessionKind
from planner.reasons import because, day_label, iso_week
from planner.settings import Settings


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
    reason: Reason


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def median_weekly_runs(
    done: Mapping[date, DayRuns], today: date, weeks: int = 4, hills: bool = False
) -> int:
    """Median number of done runs (or hill sessions) in the ``weeks`` ISO weeks before
    today's, rounded half up."""
    this_monday = monday_of(today)
    counts = []
    for back in range(1, weeks + 1):
        monday = this_monday - timedelta(weeks=back)
        days = [done.get(monday + timedelta(i), DayRuns()) for i in range(7)]
        counts.append(sum(d.hills if hills else d.runs for d in days))
    return math.floor(statistics.median(counts) + 0.5)


KIND_WORDS = {
    SessionKind.CONTROL: "one light control session",
    SessionKind.HEAVIER: "one short heavier session",
    SessionKind.FOCUSED: "one focused session",
    SessionKind.MAINTENANCE: "one small maintenance input",
}


def _kinds(runs: int, hills: int, settings: Settings) -> tuple[SessionKind, ...]:
    rules = settings.rules
    if runs >= rules.many_runs or hills >= rules.many_hill_sessions:
        kinds: tuple[SessionKind, ...] = (SessionKind.FOCUSED,)
    elif runs >= 2:
        kinds = (SessionKind.FOCUSED, SessionKind.MAINTENANCE)
    else:
        kinds = (SessionKind.CONTROL, SessionKind.HEAVIER)
    return kinds[: rules.max_loading_sessions_per_week]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def week_label(monday: date) -> str:
    """``week of Mon 5 Oct``: weeks said by their Monday, not as ISO weeks."""
    return f"week of {day_label(monday)}"


def week_dose(
    monday: date,
    today: date,
    done: Mapping[date, DayRuns],
    events: Sequence[PlannedEvent],
    median: int,
    settings: Settings,
    median_hills: int = 0,
) -> WeekDose:
    """R5: runs of the week, done plus still planned (each day counts the larger of its done
    and planned runs, so a planned run that is then done counts once), or the habitual count
    (the long-run days, or the median of the last four weeks) when that is larger; so a run
    that arrives as expected changes nothing. Hill sessions: done (by climb) or planned (by
    title) by day, counted once.
    """
    n_done = n_planned = hills = 0
    for i in range(7):
        day = monday + timedelta(i)
        got = done.get(day, DayRuns())
        n_done += got.runs
        if day < today:
            hills += got.hills
            continue
        todays = [e for e in events if e.day == day]
        n_planned += max(0, len(todays) - got.runs)
        hills += max(got.hills, sum(1 for e in todays if e.hill))
    runs = n_done + n_planned
    # Said without the split into done and planned, so a run that arrives as planned does
    # not rewrite the sentence (R5, R9).
    source = "done and still planned"
    habitual = max(median, len(settings.long_run_days))
    if habitual >= runs:
        runs = habitual
        source = "your usual weekly count"
    # Hill sessions the same way: the usual weekly count when that is larger, so a hill run
    # that arrives as every week changes nothing.
    hills = max(hills, median_hills)
    kinds = _kinds(runs, hills, settings)
    many = hills >= settings.rules.many_hill_sessions
    hill_text = f", {_plural(hills, 'hill session')}" if many else ""
    words = " and ".join(KIND_WORDS[k] for k in kinds)
    reason = because(
        "R5",
        f"{week_label(monday)}: {_plural(runs, 'run')} ({source}){hill_text}, so {words}",
        monday,
    )
    return WeekDose(iso_week(monday), monday, runs, hills, kinds, reason)
