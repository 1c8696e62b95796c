"""Forbidden windows of R3 and R4, counted in whole calendar days in the runner's time zone.

"72 h before" a Saturday long run forbids heavy work on Thursday, Friday and Saturday
(Wednesday at the latest); "48 h after" a Sunday descent forbids Sunday and Monday
(Tuesday at the earliest). The day of the event itself is always inside the window.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from planner.models import PlannedEvent, Run, RunFlags
from planner.reasons import day_label, describe_event, metres, run_name, weekday
from planner.settings import Settings


class Limit(StrEnum):
    """What a window forbids."""

    NO_HEAVY = "no_heavy"
    """No session holding a Nordic variant (R3, R4)."""
    NO_QUAD = "no_quad"
    """No step-down or reverse lunge (R4)."""
    RECOVERY_ONLY = "recovery_only"
    """No loading session at all, recovery only (R4, after a race)."""


@dataclass(frozen=True, slots=True, order=True)
class Window:
    """Days ``first``..``last`` (inclusive) on which ``limit`` holds, and why."""

    first: date
    last: date
    limit: Limit
    rule: str
    cause: str
    """The run or event in words: ``planned long trail 'Long run' on Sat 2026-11-28``."""
    hours: int
    before: bool
    """True for an R3 window (before the event), False for an R4 window (after it)."""

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last

    def blocked(self) -> str:
        """Why a day inside the window is not allowed, for moves and R10 reasons."""
        if self.before:
            return f"{self.cause}, {self.rule}"
        after = day_label(self.last + timedelta(1))
        return f"{self.cause} -> {self._forbids()} before {after}, {self.rule}"

    def cleared(self, day: date) -> str:
        """Why ``day`` (outside the window) is fine, for a session's reasons."""
        if self.before:
            return f"{weekday(day)}: {self.hours} h clear before {self.cause} ({self.rule})"
        return (
            f"{self.cause} -> {self._forbids()} before "
            f"{day_label(self.last + timedelta(1))} ({self.rule})"
        )

    def _forbids(self) -> str:
        if self.limit is Limit.NO_QUAD:
            return "no step-downs or reverse lunges"
        if self.limit is Limit.RECOVERY_ONLY:
            return "recovery sessions only"
        return "no Nordic"


def _days(hours: int) -> int:
    """Whole calendar days a window of ``hours`` spans, counting the event's own day."""
    return max(1, math.ceil(hours / 24))


def _before(day: date, hours: int, limit: Limit, rule: str, cause: str) -> Window:
    return Window(day - timedelta(_days(hours) - 1), day, limit, rule, cause, hours, True)


def _after(day: date, hours: int, limit: Limit, rule: str, cause: str) -> Window:
    return Window(day, day + timedelta(_days(hours) - 1), limit, rule, cause, hours, False)


def run_windows(
    run: Run, flags: RunFlags, day: date, settings: Settings, adapted: bool
) -> list[Window]:
    """Windows set by one completed activity on ``day``."""
    rules = settings.rules
    out: list[Window] = []
    name = f"{run_name(run)} on {day_label(day)}"
    descent = metres(run.descent_m or 0.0)
    if run.counts_for_dose and (flags.long or flags.heavy_descent or flags.hill):
        what = (
            "long trail"
            if flags.long
            else f"{descent} descent"
            if flags.heavy_descent
            else "hill session"
        )
        hours = rules.heavy_clear_before_adapted_h if adapted else rules.heavy_clear_before_h
        out.append(_before(day, hours, Limit.NO_HEAVY, "R3", f"{what} {name}"))
    if flags.heavy_descent:
        hours = (
            rules.heavy_after_very_heavy_descent_h
            if flags.very_heavy_descent
            else rules.heavy_after_descent_h
        )
        cause = f"{descent} descent on {day_label(day)} {run_name(run)}"
        if flags.unfamiliar:
            cause += " (well above recent descents)"
        out.append(_after(day, hours, Limit.NO_HEAVY, "R4", cause))
        out.append(_after(day, rules.quad_eccentric_after_descent_h, Limit.NO_QUAD, "R4", cause))
    return out


def event_windows(event: PlannedEvent, settings: Settings, adapted: bool) -> list[Window]:
    """Windows of one planned run: R3 before long trails, hills and races; R4 after races."""
    rules = settings.rules
    out: list[Window] = []
    cause = describe_event(event)
    if event.long or event.hill or event.race or event.ultra:
        hours = rules.heavy_clear_before_adapted_h if adapted else rules.heavy_clear_before_h
        out.append(_before(event.day, hours, Limit.NO_HEAVY, "R3", cause))
    if event.race or event.ultra:
        taper = 24 * rules.race_no_heavy_days
        out.append(_before(event.day, taper, Limit.NO_HEAVY, "R3, race taper", cause))
        out.append(
            _after(event.day, 24 * rules.race_recovery_days, Limit.RECOVERY_ONLY, "R4", cause)
        )
    if event.ultra:
        out.append(_after(event.day, 24 * rules.ultra_no_heavy_days, Limit.NO_HEAVY, "R4", cause))
    return out


def build_windows(
    runs: Sequence[tuple[Run, RunFlags, date]],
    events: Sequence[PlannedEvent],
    settings: Settings,
    adapted: bool,
) -> tuple[Window, ...]:
    """All windows of the completed runs (with their flags and local day) and planned events."""
    out: list[Window] = []
    for run, flags, day in runs:
        out.extend(run_windows(run, flags, day, settings, adapted))
    for event in events:
        out.extend(event_windows(event, settings, adapted))
    return tuple(sorted(set(out)))


def covering(windows: Sequence[Window], day: date, limit: Limit) -> list[Window]:
    """The windows of kind ``limit`` that hold ``day``."""
    return [w for w in windows if w.limit is limit and w.covers(day)]
