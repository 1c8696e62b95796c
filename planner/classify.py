"""Classifying completed runs (R1, R2, R5) and calendar events (DESIGN.md, look-ahead)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from planner.models import Run, RunFlags, Sport
from planner.settings import Settings


def _descent(run: Run) -> float:
    return run.descent_m or 0.0


def vert_per_km(run: Run) -> float:
    """Climb plus descent per kilometre; 0 when the distance is unknown."""
    km = run.distance_m / 1000.0
    if km <= 0:
        return 0.0
    return ((run.ascent_m or 0.0) + (run.descent_m or 0.0)) / km


def loads_descent(run: Run) -> bool:
    """Runs, hikes and other foot activities count for descent load (R2, R4)."""
    return run.sport in (Sport.RUN, Sport.TRAIL_RUN, Sport.HIKE, Sport.OTHER)


class _History:
    """Runs sorted by start, so that R2's six-week look-back is a slice, not a full scan."""

    def __init__(self, history: Sequence[Run]) -> None:
        self.runs = sorted(history, key=lambda r: r.start)
        self.starts = [r.start for r in self.runs]

    def unfamiliar(self, run: Run, settings: Settings) -> bool:
        """R2: a heavy descent above 1.5x the previous six weeks' largest, given 4+ weeks of
        history. Only runs that started before ``run`` (and are not ``run``) count."""
        rules = settings.rules
        end = bisect_left(self.starts, run.start)
        first = next((r.start for r in self.runs[:end] if r.id != run.id), None)
        if first is None:
            return False
        if run.start - first < timedelta(days=rules.unfamiliar_min_history_days):
            return False
        since = bisect_left(self.starts, run.start - timedelta(days=rules.unfamiliar_lookback_days))
        largest = max(
            (_descent(r) for r in self.runs[since:end] if r.id != run.id and loads_descent(r)),
            default=0.0,
        )
        return _descent(run) > rules.unfamiliar_ratio * largest


def classify_run(run: Run, history: Sequence[Run], settings: Settings) -> RunFlags:
    """R1 trail / long trail, R2 heavy / very heavy descent, R5 hill session for one run.

    ``history`` may hold ``run`` itself and later runs: only runs that started before it
    count for the unfamiliar-load clause of R2.
    """
    return _classify(run, lambda: _History(history), settings)


def classify_runs(runs: Sequence[Run], settings: Settings) -> list[RunFlags]:
    """:func:`classify_run` for each of ``runs`` against all of them, sorting them once."""
    index: list[_History] = []

    def shared() -> _History:
        if not index:
            index.append(_History(runs))
        return index[0]

    return [_classify(run, shared, settings) for run in runs]


def _classify(run: Run, history: Callable[[], _History], settings: Settings) -> RunFlags:
    rules = settings.rules
    is_run = run.counts_for_dose
    per_km = vert_per_km(run)
    trail = is_run and (
        run.platform_trail or run.sport is Sport.TRAIL_RUN or per_km >= rules.trail_vert_m_per_km
    )
    long = trail and run.moving_s >= rules.long_trail_min_moving_s
    descent = _descent(run)
    heavy = loads_descent(run) and descent >= rules.heavy_descent_m
    unfamiliar = heavy and history().unfamiliar(run, settings)
    very_heavy = heavy and (descent >= rules.very_heavy_descent_m or unfamiliar)
    km = run.distance_m / 1000.0
    # R5: a hill session by its climb alone, so that rolling trails stay trails; a long trail
    # is a long trail, not also a hill session, as a planned "Long trail" is by its title.
    climb = (run.ascent_m or 0.0) / km if km > 0 else 0.0
    hill = is_run and not long and climb >= rules.hill_climb_m_per_km
    return RunFlags(
        trail=trail,
        long=long,
        heavy_descent=heavy,
        very_heavy_descent=very_heavy,
        hill=hill,
        unfamiliar=unfamiliar,
    )


@dataclass(frozen=True, slots=True)
class EventClass:
    """What the title and times of a calendar event say (DESIGN.md, look-ahead)."""

    is_run: bool
    long: bool = False
    hill: bool = False
    race: bool = False
    ultra: bool = False


@lru_cache(maxsize=64)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    parts = [r"\s+".join(re.escape(p) for p in w.split()) for w in words if w.strip()]
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def has_word(title: str, words: Iterable[str]) -> bool:
    """True when ``title`` holds one of ``words`` as a whole word, ignoring case."""
    pattern = _pattern(tuple(words))
    return pattern is not None and pattern.search(title) is not None


def classify_event(
    title: str,
    duration_s: float | None,
    distance_m: float | None,
    all_day: bool,
    cancelled: bool,
    settings: Settings,
) -> EventClass:
    """Is this calendar event a planned run, and is it long, a hill session, a race, an ultra?

    An event is a run only when its title holds a run word; all-day and cancelled events are
    held to the same test (their title must say so). The length of an all-day event is not a
    run's duration, so it never makes the event long or an ultra.
    """
    del cancelled  # a cancelled event is a run exactly when its title says so (see docstring)
    if not has_word(title, settings.run_words):
        return EventClass(is_run=False)
    duration = None if all_day else duration_s
    long = has_word(title, settings.long_words) or (
        duration is not None and duration >= settings.long_event_min_s
    )
    hill = has_word(title, settings.hill_words)
    race = has_word(title, settings.race_words)
    ultra = race and (
        (distance_m is not None and distance_m > settings.ultra_min_distance_m)
        or (duration is not None and duration >= settings.ultra_min_duration_s)
    )
    return EventClass(is_run=True, long=long, hill=hill, race=race, ultra=ultra)
