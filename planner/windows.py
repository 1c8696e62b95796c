"""Forbidden windows of R3, R4 and R11, in whole calendar days in the runner's time zone.

"Not on the day before" a Saturday long run forbids a Nordic on Friday and Saturday
(Thursday at the latest); "two clear days" before it, Thursday to Saturday (Wednesday at the
latest); "that day or the next" after a Sunday descent, Sunday and Monday (Tuesday at the
earliest). The day of the event itself is always inside the window (DESIGN.md).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from planner.models import PlannedEvent, Reason, Run, RunFlags
from planner.reasons import because, day_label, describe_event, metres, run_name
from planner.settings import Settings


class Limit(StrEnum):
    """What a window forbids."""

    NO_HEAVY = "no_heavy"
    """No session holding a Nordic variant (R3, R4)."""
    NO_NEW_HEAVY = "no_new_heavy"
    """No *new* Nordic stimulus (R3): the first weeks on a Nordic rung, the first ever, the
    first after a break (R14)."""
    NO_QUAD = "no_quad"
    """No step-down or reverse lunge (R4, R11)."""
    NO_MAIN = "no_main"
    """No focused, heavier or maintenance session: only control or recovery (R11)."""
    RECOVERY_ONLY = "recovery_only"
    """No loading session at all, recovery only (R4, after a race)."""


_FORBIDS = {
    Limit.NO_HEAVY: "no Nordic",
    Limit.NO_NEW_HEAVY: "no new Nordic stimulus",
    Limit.NO_QUAD: "no step-downs or reverse lunges",
    Limit.NO_MAIN: "only a light control or recovery session",
    Limit.RECOVERY_ONLY: "recovery sessions only",
}


@dataclass(frozen=True, slots=True, order=True)
class Window:
    """Days ``first``..``last`` (inclusive) on which ``limit`` holds, and why."""

    first: date
    last: date
    limit: Limit
    rule: str
    cause: str
    """The run or event in words: ``planned long trail 'Long run' on Sat 28 Nov``."""
    cause_day: date
    before: bool
    """True for a window before the event (R3, R11), False for one after it (R4)."""

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last

    def blocked(self) -> Reason:
        """Why a day inside the window is not allowed, for moves and R10 reasons."""
        forbids = _FORBIDS[self.limit]
        if self.before:
            span = (self.cause_day - self.first).days
            when = "the day before" if span == 1 else f"in the {span} days before"
            if self.last == self.cause_day:
                when = f"on the day or {when}" if span else "on the day"
            return because(self.rule, f"{forbids} {when}: {self.cause}", self.cause_day)
        return because(
            self.rule,
            f"{self.cause}: {forbids} before {day_label(self.last + timedelta(1))}",
            self.cause_day,
        )

    def cleared(self, day: date) -> Reason:
        """Why ``day`` (outside the window) is fine, for a session's reasons."""
        if self.before:
            clear = (self.cause_day - day).days - 1
            days = "one clear day" if clear == 1 else f"{clear} clear days"
            return because(self.rule, f"{days} before the {self.cause}", self.cause_day)
        return because(
            self.rule,
            f"{self.cause}: {_FORBIDS[self.limit]} before {day_label(self.last + timedelta(1))}",
            self.cause_day,
        )


def _before(day: date, days: int, limit: Limit, rule: str, cause: str) -> Window:
    """The event's day and the ``days`` before it."""
    return Window(day - timedelta(days), day, limit, rule, cause, day, True)


def _eve(day: date, days: int, limit: Limit, rule: str, cause: str) -> Window:
    """The ``days`` days before the event, not its own day."""
    return Window(day - timedelta(days), day - timedelta(1), limit, rule, cause, day, True)


def _after(day: date, last: date, days: int, limit: Limit, rule: str, cause: str) -> Window:
    """The event's days and the ``days`` after its last one."""
    return Window(day, last + timedelta(days), limit, rule, cause, day, False)


def _key_before(day: date, rules_days: tuple[int, int], cause: str) -> list[Window]:
    established, new = rules_days
    return [
        _before(day, established, Limit.NO_HEAVY, "R3", cause),
        _before(day, new, Limit.NO_NEW_HEAVY, "R3", cause),
        _eve(day, 1, Limit.NO_MAIN, "R11", cause),
    ]


def _descent_after(
    day: date, last: date, descent: float, very: bool, cause: str, settings: Settings
) -> list[Window]:
    rules = settings.rules
    if descent < rules.heavy_descent_m and not very:
        return []
    heavy = (
        rules.heavy_after_very_heavy_descent_days
        if very or descent >= rules.very_heavy_descent_m
        else rules.heavy_after_descent_days
    )
    return [
        _after(day, last, heavy, Limit.NO_HEAVY, "R4", cause),
        _after(day, last, rules.quad_eccentric_after_descent_days, Limit.NO_QUAD, "R4", cause),
    ]


def run_windows(run: Run, flags: RunFlags, day: date, settings: Settings) -> list[Window]:
    """Windows set by one completed activity on ``day``."""
    rules = settings.rules
    out: list[Window] = []
    descent = run.descent_m or 0.0
    if run.counts_for_dose and (flags.long or flags.heavy_descent or flags.hill):
        what = (
            "long trail"
            if flags.long
            else f"{metres(descent)} descent"
            if flags.heavy_descent
            else "hill session"
        )
        cause = f"{what} {run_name(run)} on {day_label(day)}"
        days = (rules.heavy_clear_days_before, rules.new_nordic_clear_days)
        out.extend(w for w in _key_before(day, days, cause) if w.limit is not Limit.NO_MAIN)
    if flags.heavy_descent:
        cause = f"{metres(descent)} descent on {day_label(day)} ({run_name(run)})"
        if flags.unfamiliar:
            cause += ", well above your recent descents"
        out.extend(_descent_after(day, day, descent, flags.very_heavy_descent, cause, settings))
    if flags.long:
        cause = f"long trail {run_name(run)} on {day_label(day)}"
        out.append(_after(day, day, rules.heavy_after_long_trail_days, Limit.NO_HEAVY, "R4", cause))
    return out


def planned_long_descent(runs: Sequence[tuple[Run, RunFlags, date]], settings: Settings) -> float:
    """R4: the median descent of the runner's last four long trails (0 without any)."""
    longs = [r.descent_m or 0.0 for r, f, _ in runs if f.long]
    recent = longs[-settings.rules.planned_long_descent_runs :]
    return float(statistics.median(recent)) if recent else 0.0


def event_windows(
    event: PlannedEvent,
    settings: Settings,
    assumed_descent: float = 0.0,
    logged_descent: float | None = None,
) -> list[Window]:
    """Windows of one planned run.

    R3 and R11 before long trails, hill sessions and races; R4 after a race (longer with
    ``logged_descent``, the descent of the activity logged on its day) and after a planned
    long trail that has no activity yet (``logged_descent`` None): it counts as done with
    ``assumed_descent`` (R4); once its activity arrives, the run's own windows rule.
    """
    rules = settings.rules
    out: list[Window] = []
    cause = describe_event(event)
    end = event.end_day
    if event.race or event.ultra:
        out.append(_before(event.day, rules.race_no_heavy_days, Limit.NO_HEAVY, "R3", cause))
        out.append(
            _before(event.day, rules.new_nordic_race_clear_days, Limit.NO_NEW_HEAVY, "R3", cause)
        )
        out.append(_eve(event.day, 1, Limit.NO_MAIN, "R11", cause))
        out.append(_eve(event.day, rules.quad_clear_days_before_race, Limit.NO_QUAD, "R11", cause))
        descent = logged_descent or 0.0
        extra = rules.race_recovery_days_per_1000m * int(descent // 1000)
        out.append(
            _after(
                event.day,
                end,
                rules.race_recovery_days - 1 + extra,
                Limit.RECOVERY_ONLY,
                "R4",
                cause,
            )
        )
        if event.ultra:
            out.append(_after(event.day, end, rules.ultra_no_quad_days, Limit.NO_QUAD, "R4", cause))
            out.append(
                _after(event.day, end, rules.ultra_no_heavy_days, Limit.NO_HEAVY, "R4", cause)
            )
        return out
    if event.long or event.hill:
        days = (rules.heavy_clear_days_before, rules.new_nordic_clear_days)
        out.extend(_key_before(event.day, days, cause))
    if event.long and logged_descent is None:
        out.append(
            _after(event.day, end, rules.heavy_after_long_trail_days, Limit.NO_HEAVY, "R4", cause)
        )
        if assumed_descent > 0:
            what = f"{cause}, counted as done with {metres(assumed_descent)} descent"
            out.extend(_descent_after(event.day, end, assumed_descent, False, what, settings))
    return out


def covering(windows: Sequence[Window], day: date, limit: Limit) -> list[Window]:
    """The windows of kind ``limit`` that hold ``day``."""
    return [w for w in windows if w.limit is limit and w.covers(day)]
