"""R6 progression and R7 step-backs: which rung of the ladder the runner works at today.

The level is state (it persists between plans) and changes only here, as a pure function
of the facts: sessions done, runs after them, check-ins, races ahead. Each change is
idempotent: recomputing the plan on the same day with the state it returned changes
nothing, because the state records the day of the last step up and the check-in that
last cost a rung.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from planner.exercises import EXERCISES, LADDER, NORDIC_MIN_REPS
from planner.models import (
    CheckIn,
    Dose,
    Feeling,
    PlannedEvent,
    PlannerState,
    Session,
    SessionKind,
)
from planner.reasons import day_label, describe_event
from planner.settings import Settings

TOP_LEVEL = len(LADDER)
NORDIC_LEVEL = 7  # the guide's list: the assisted Nordic is rung 7
STEP_DAYS = 7
"""One rung a week at most (R6): hamsync default (the guide: progress "only when you can run
normally the next day", and make the exercise harder before the week)."""
ECCENTRIC_KEYS = frozenset({"single_leg_rdl", "slider_curl", "assisted_nordic", "nordic"})
"""Exercises that give the hamstrings an eccentric (lengthening under load) input (R6, R10)."""


@dataclass(frozen=True, slots=True)
class Progress:
    """The level to plan with, the state to keep, and what to tell the runner."""

    level: int
    state: PlannerState
    notes: tuple[str, ...]
    fresh_key: str | None
    """The exercise of a rung reached less than a week ago: dosed one set lighter (R6)."""
    new_nordic_until: date | None
    """Until this day, a Nordic is a new stimulus: kept 72 h before long trails (R3)."""


def rung_name(level: int) -> str:
    return LADDER[level - 1].name


def _top(settings: Settings) -> int:
    return TOP_LEVEL if settings.has_nordic_anchor else TOP_LEVEL - 1


def _last_done(past: Sequence[Session], done: Collection[str]) -> Session | None:
    held = [s for s in past if s.id in done and s.kind is not SessionKind.RECOVERY]
    return max(held, key=lambda s: (s.day, s.id), default=None)


def _blocker(
    state: PlannerState,
    last: Session | None,
    run_days: Collection[date],
    checkins: Sequence[CheckIn],
    events: Sequence[PlannedEvent],
    today: date,
    settings: Settings,
) -> str | None:
    """Why the runner does not step up today, or None when every condition of R6 holds."""
    if last is None:
        return "no earlier session marked done (`hamsync done`)"
    if state.level_up_on is not None and last.day <= state.level_up_on:
        return f"no session done at this rung since {day_label(state.level_up_on)}"
    if state.level_up_on is not None and (today - state.level_up_on).days < STEP_DAYS:
        return f"one step a week at most: last step up on {day_label(state.level_up_on)}"
    if not any(last.day < d <= today for d in run_days):
        return (
            f"no run yet after session {last.id} on {day_label(last.day)} (done): "
            "the step up waits for a normal run after it"
        )
    worse = [c for c in checkins if c.day >= last.day and c.feeling is not Feeling.FINE]
    if worse:
        return f"'{worse[-1].feeling.value}' check-in on {day_label(worse[-1].day)}"
    horizon = today + timedelta(settings.rules.race_no_progression_days)
    races = [e for e in events if e.race and today <= e.day <= horizon]
    if races:
        first = min(races, key=lambda e: e.day)
        return f"race taper: {describe_event(first)} is less than 10 days away"
    return None


def _evidence(last: Session, run_days: Collection[date]) -> str:
    ran = min(d for d in run_days if d > last.day)
    return f"session {last.id} on {day_label(last.day)} done and a normal run on {day_label(ran)}"


def progress(
    state: PlannerState,
    past: Sequence[Session],
    done: Collection[str],
    run_days: Collection[date],
    checkins: Sequence[CheckIn],
    active: CheckIn | None,
    events: Sequence[PlannedEvent],
    today: date,
    settings: Settings,
) -> Progress:
    """Step back for a new 'sensitive' or 'pain' check-in (R7), else maybe one rung up (R6).

    ``checkins`` are the effective check-ins (platform ones already capped), ``active`` the
    one that decides R7 today, ``run_days`` the local days of runs that count for the dose.
    ``past`` may end with a session done today: the next step then waits for a run after it.
    """
    top = _top(settings)
    level = max(1, min(state.level, top))
    notes: list[str] = []
    if active is not None and active.feeling is not Feeling.FINE:
        if state.stepped_back_for != active.day:
            level = max(1, level - 1)
            state = replace(state, level=level, stepped_back_for=active.day)
        notes.append(
            f"rung {level} ({rung_name(level)}): one rung back after the "
            f"'{active.feeling.value}' check-in on {day_label(active.day)}; no step up until "
            "a 'fine' check-in (R7)"
        )
    else:
        last = _last_done(past, done)
        why_not = _blocker(state, last, run_days, checkins, events, today, settings)
        # A session done today came after today's step up: the evidence is an earlier one.
        earlier = _last_done([s for s in past if s.day < today], done)
        if state.level_up_on == today and earlier is not None:
            notes.append(f"step up to rung {level} ({rung_name(level)}): "
                         f"{_evidence(earlier, run_days)} (R6)")  # fmt: skip
        elif why_not is None and last is not None and level < top:
            level += 1
            state = replace(state, level=level, level_up_on=today)
            notes.append(f"step up to rung {level} ({rung_name(level)}): "
                         f"{_evidence(last, run_days)} (R6)")  # fmt: skip
        elif level < top and why_not is not None:
            notes.append(f"rung {level} ({rung_name(level)}), no step up yet: {why_not} (R6)")
    state = replace(state, level=level)
    fresh = None
    new_nordic = None
    if state.level_up_on is not None and (today - state.level_up_on).days < STEP_DAYS:
        fresh = LADDER[level - 1].key
        if level >= NORDIC_LEVEL:
            new_nordic = state.level_up_on + timedelta(STEP_DAYS - 1)
    return Progress(level, state, tuple(notes), fresh, new_nordic)


def lighter_fresh(exercises: tuple[Dose, ...], fresh: str | None) -> tuple[tuple[Dose, ...], bool]:
    """The newly reached exercise lighter in its first week (R6: exercise first).

    One set fewer, except for a Nordic variant: its volume stays inside R6's 2-3 sets of
    3-6 reps, so it keeps its sets and starts at the fewest reps instead (the guide: "few
    reps" to start).
    """
    out = []
    changed = False
    for dose in exercises:
        if dose.key == fresh:
            if EXERCISES[fresh].heavy_eccentric:
                if dose.reps is not None and dose.reps > NORDIC_MIN_REPS:
                    dose = replace(dose, reps=NORDIC_MIN_REPS)
                    changed = True
            elif dose.sets > 1:
                dose = replace(dose, sets=dose.sets - 1)
                changed = True
        out.append(dose)
    return tuple(out), changed


def fresh_reason(fresh: str) -> str:
    start = (
        f"{NORDIC_MIN_REPS} reps a set to start"
        if EXERCISES[fresh].heavy_eccentric
        else "one set fewer to start"
    )
    return (
        f"{EXERCISES[fresh].name} is new this week: {start}, "
        "the exercise gets harder before the week does (R6)"
    )


def eccentric_gap_note(
    done_days: Sequence[date],
    planned: Sequence[Session],
    today: date,
    end: date,
    settings: Settings,
) -> str | None:
    """Warn before the 14 days without an eccentric input are exceeded (R6, R10)."""
    if not done_days:
        return None
    limit = settings.rules.max_days_without_eccentric
    last = max(done_days)
    for s in sorted(planned, key=lambda s: s.day):
        if {d.key for d in s.exercises} & ECCENTRIC_KEYS:
            if (s.day - last).days > limit:
                break
            last = s.day
    deadline = last + timedelta(limit)
    if deadline > end:
        return None
    late = deadline < today
    return (
        f"no eccentric hamstring input since {day_label(last)}: "
        f"{'more than ' if late else ''}{limit} days "
        f"{'already' if late else 'by ' + day_label(deadline)}; "
        "a slider curl, single-leg RDL or Nordic keeps the adaptation (R6)"
    )
