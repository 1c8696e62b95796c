"""Progression (R6, R12), check-ins (R7) and graded returns (R14): the level to plan with.

The level (rung of the guide's ladder) and the stage within the rung's exercise are state;
they change only here, as a pure function of the facts: sessions done, runs after them,
check-ins, races ahead. Each change is idempotent: recomputing the plan on the same day
with the state it returned changes nothing, because the state records the day of the last
step and the check-in that last cost a rung.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from planner.exercises import LADDER, stages_of
from planner.inputs import CLI_SOURCE
from planner.models import (
    CheckIn,
    Feeling,
    PlannedEvent,
    PlannerState,
    Reason,
    Session,
    SessionKind,
)
from planner.reasons import MEDICAL_NOTE, because, day_label, describe_event
from planner.settings import Settings

TOP_LEVEL = len(LADDER)
NORDIC_LEVEL = 7  # the guide's list: the assisted Nordic is rung 7
ECCENTRIC_KEYS = frozenset({"single_leg_rdl", "slider_curl", "assisted_nordic", "nordic"})
"""Exercises that give the hamstrings an eccentric (lengthening under load) input (R6, R10)."""


@dataclass(frozen=True, slots=True)
class Progress:
    """The level to plan with, the state to keep, and what to tell the runner."""

    level: int
    stage: int
    """Step within the rung's own exercise (R12): 0 is its first-week dose."""
    state: PlannerState
    notes: tuple[Reason, ...]
    mode: str
    """``normal``, ``sensitive`` (recovery sessions, R7), ``control`` (control only after
    7 days of 'sensitive', R7) or ``pain`` (walking and mobility only, R7)."""
    no_nordic_until: date | None = None
    """No Nordic on or before this day (R7 after 'fine', R14)."""
    nordic_after_first: date | None = None
    """After 'fine' following 'sensitive': the first loading session from this day on holds
    no Nordic (R7)."""
    new_nordic: bool = False
    """A Nordic now is a new stimulus (R3): first ever, first after a break, new rung."""
    first_reason: Reason | None = None
    """Said on the first loading session (the clinician question of R14, the break)."""


def rung_name(level: int) -> str:
    return LADDER[level - 1].name


def top_level(settings: Settings) -> int:
    """Without an anchor for the feet, no Nordic variant: the ladder stops at rung 6 (R13)."""
    return TOP_LEVEL if settings.has_nordic_anchor else NORDIC_LEVEL - 1


def _loading_done(past: Sequence[Session], done: Collection[str]) -> list[Session]:
    return sorted(
        (s for s in past if s.id in done and s.kind is not SessionKind.RECOVERY),
        key=lambda s: (s.day, s.id),
    )


def _own(checkins: Sequence[CheckIn]) -> list[CheckIn]:
    return [c for c in checkins if c.source == CLI_SOURCE]


@dataclass(frozen=True, slots=True)
class _Symptoms:
    """What the check-ins up to today say (R7)."""

    active: CheckIn | None
    """A 'sensitive' or 'pain' still in force today."""
    fine_after: CheckIn | None
    """The 'fine' that lifted the last symptom, if any."""
    symptom: CheckIn | None
    """The last symptom check-in (lifted or not)."""
    pain: CheckIn | None
    """The last 'pain' from the runner."""
    recurring: CheckIn | None
    """A symptom that makes the symptoms recurring (R7)."""


def _symptoms(checkins: Sequence[CheckIn], today: date, settings: Settings) -> _Symptoms:
    rules = settings.rules
    known = sorted((c for c in checkins if c.day <= today), key=lambda c: (c.day, c.source))
    own = _own(known)
    pain = max((c for c in own if c.feeling is Feeling.PAIN), key=lambda c: c.day, default=None)
    symptoms: list[CheckIn] = []
    for c in known:
        if c.feeling is Feeling.FINE:
            continue
        if c.source != CLI_SOURCE:
            # A platform's effort field counts at most as 'sensitive', for two days (R7).
            if (today - c.day).days >= rules.platform_sensitive_days:
                continue
            c = CheckIn(c.day, Feeling.SENSITIVE, c.note, c.source)
        symptoms.append(c)
    symptom = max(symptoms, key=lambda c: (c.day, c.feeling is Feeling.PAIN), default=None)
    fine = None
    if symptom is not None:
        fine = min(
            (
                c
                for c in own
                if c.feeling is Feeling.FINE
                and c.day >= symptom.day
                and not (c.day == symptom.day and symptom.source == CLI_SOURCE)
            ),
            key=lambda c: c.day,
            default=None,
        )
    # A runner's own pain stands until the runner's own 'fine' (a platform never lifts it).
    if pain is not None and not any(c.feeling is Feeling.FINE and c.day > pain.day for c in own):
        same_day_fine = any(c.feeling is Feeling.FINE and c.day == pain.day for c in own)
        if not same_day_fine:
            symptom, fine = pain, None
    active = symptom if symptom is not None and fine is None else None
    recurring = None
    sens = [c for c in _own(symptoms) if c.feeling is Feeling.SENSITIVE]
    for later in sens:
        before = [
            c
            for c in sens
            if c.day < later.day and (later.day - c.day).days <= rules.recurring_sensitive_days
        ]
        after_pain = [
            p
            for p in own
            if p.feeling is Feeling.PAIN
            and p.day < later.day
            and (later.day - p.day).days <= rules.recurring_after_pain_days
        ]
        if before or after_pain:
            recurring = later
    return _Symptoms(active, fine, symptom, pain, recurring)


def _gate(
    last: Session | None,
    run_days: Collection[date],
    checkins: Sequence[CheckIn],
    today: date,
) -> str | None:
    """R6: the first run after the last done loading session passed with no 'sensitive' or
    'pain' check-in before the end of the day after that run. None when it holds."""
    if last is None:
        return "no earlier session marked done (`hamsync done`)"
    runs = sorted(d for d in run_days if d > last.day)
    if not runs:
        return f"no run yet after the session of {day_label(last.day)}"
    first = runs[0]
    if today < first + timedelta(2):
        return f"waiting to see how you feel after the run of {day_label(first)}"
    worse = [
        c
        for c in checkins
        if last.day <= c.day <= first + timedelta(1) and c.feeling is not Feeling.FINE
    ]
    if worse:
        return f"'{worse[-1].feeling.value}' check-in on {day_label(worse[-1].day)}"
    return None


def _break_start(loading: Sequence[Session], today: date, settings: Settings) -> date | None:
    """R14: the first day of the current return after a break of 14 days or more without a
    done loading session; None when there is no such return within the last week."""
    gap = settings.rules.break_days
    if not loading:
        return None
    days = [s.day for s in loading]
    if (today - days[-1]).days >= gap:
        return today
    for earlier, later in itertools.pairwise(days):
        if (later - earlier).days >= gap and (today - later).days < settings.rules.step_days:
            return later
    return None


def progress(
    state: PlannerState,
    past: Sequence[Session],
    done: Collection[str],
    run_days: Collection[date],
    checkins: Sequence[CheckIn],
    events: Sequence[PlannedEvent],
    today: date,
    settings: Settings,
) -> Progress:
    """The level, stage and mode to plan with today (R6, R7, R12, R14).

    ``checkins`` are all check-ins known (runner's and platforms'), ``run_days`` the local
    days of runs that count for the dose, ``past`` the sessions before today (and one done
    today).
    """
    rules = settings.rules
    top = top_level(settings)
    level = max(1, min(state.level, top))
    stage = max(0, state.stage)
    if state.rung_since is None:
        state = replace(state, rung_since=today)
    notes: list[Reason] = []
    sym = _symptoms(checkins, today, settings)
    loading = _loading_done(past, done)
    mode = "normal"
    no_nordic_until: date | None = None
    nordic_after_first: date | None = None
    first_reason: Reason | None = None
    hold: str | None = None

    active = sym.active
    if active is not None:
        if state.stepped_back_for != active.day:
            level = max(1, level - 1)
            stage = 0
            state = replace(state, stepped_back_for=active.day)
        notes.append(
            because(
                "R7",
                f"one rung back, to {rung_name(level)}, after the '{active.feeling.value}' "
                f"check-in on {day_label(active.day)}; no step up until you check in 'fine'",
                active.day,
            )
        )
        if active.feeling is Feeling.PAIN:
            mode = "pain"
            notes.append(because("R7", MEDICAL_NOTE, active.day))
        elif (today - active.day).days >= rules.sensitive_max_days:
            mode = "control"
            notes.append(
                because(
                    "R7",
                    f"you reported 'sensitive' on {day_label(active.day)} and no 'fine' since: "
                    "light control sessions only; please check in (`hamsync checkin fine`, "
                    "`sensitive` or `pain`) so the plan knows how it feels",
                    active.day,
                )
            )
        else:
            mode = "sensitive"
        hold = f"no step up until you check in 'fine' after {day_label(active.day)}"
    elif sym.fine_after is not None and sym.symptom is not None:
        fine = sym.fine_after
        if sym.symptom.feeling is Feeling.PAIN:
            # R14: graded return after a pain pause lifted by 'fine'.
            marker = sym.symptom.day
            if state.returned_from != marker:
                level = min(level, rules.pain_level_cap)
                stage = 0
                state = replace(state, returned_from=marker, rung_since=fine.day)
            no_nordic_until = fine.day + timedelta(rules.pain_no_nordic_days - 1)
            since = [s for s in loading if s.day >= fine.day]
            clean = [
                s
                for s in since
                if not any(c.day >= s.day and c.feeling is not Feeling.FINE for c in checkins)
            ]
            runs = [d for d in run_days if d >= fine.day]
            if (
                len(runs) < rules.return_normal_runs or len(clean) < rules.return_clean_sessions
            ) and (today - fine.day).days < rules.recurring_after_pain_days:
                hold = (
                    f"graded return after the pain of {day_label(marker)}: a step up needs "
                    f"{rules.return_normal_runs} normal runs and {rules.return_clean_sessions} "
                    f"symptom-free sessions since {day_label(fine.day)} ({len(runs)} and "
                    f"{len(clean)} so far)"
                )
            if not since:
                first_reason = because(
                    "R14",
                    f"first session after the pain of {day_label(marker)}: has a clinician "
                    "looked at it? Stop if it hurts; sharp pain, bruising or weakness deserve "
                    "personal medical advice",
                    marker,
                )
            notes.append(
                because(
                    "R14",
                    f"graded return after the pain of {day_label(marker)}: control work only "
                    f"(rung {min(level, rules.pain_level_cap)} at most) and no Nordic before "
                    f"{day_label(no_nordic_until + timedelta(1))}",
                    marker,
                )
            )
        elif (today - fine.day).days < rules.fine_hold_days:
            nordic_after_first = fine.day
            hold = (
                f"'fine' on {day_label(fine.day)} after 'sensitive' on "
                f"{day_label(sym.symptom.day)}: no step up before "
                f"{day_label(fine.day + timedelta(rules.fine_hold_days))}, and the first "
                "session holds no Nordic"
            )
    if sym.recurring is not None and (today - sym.recurring.day).days < rules.recurring_hold_days:
        notes.append(
            because(
                "R7",
                f"symptoms are coming back ('sensitive' on {day_label(sym.recurring.day)}): "
                "recurring symptoms deserve personal medical advice; your level is held until "
                f"{day_label(sym.recurring.day + timedelta(rules.recurring_hold_days))}",
                sym.recurring.day,
            )
        )
        hold = hold or "recurring symptoms hold the level"

    new_nordic = False
    if mode == "normal":
        # R14: a break of 14 days or more without a done loading session.
        back = _break_start(loading, today, settings)
        if back is not None:
            level_now = max(1, level - 1)
            first_reason = first_reason or because(
                "R14",
                f"first week back after {rules.break_days} days or more without a done "
                f"session: {rung_name(level_now)} at its first-week dose",
                back,
            )
            notes.append(first_reason)
            new_nordic = not any(s.heavy and s.day >= back for s in loading)
            kept = replace(state, level=level, stage=stage)
            return Progress(
                level_now,
                0,
                kept,
                tuple(notes),
                mode,
                no_nordic_until,
                nordic_after_first,
                new_nordic,
                first_reason,
            )
        level, stage, state, step_notes = _step(
            state, level, stage, loading, run_days, checkins, events, today, settings, hold
        )
        notes.extend(step_notes)
    state = replace(state, level=level, stage=stage)
    if level >= NORDIC_LEVEL:
        heavy_done = [s for s in loading if s.heavy]
        # A rung reached by a step (not the starting level) is new for two weeks (R3).
        on_rung = (
            state.rung_since is not None
            and state.level_up_on == state.rung_since
            and (today - state.rung_since).days < rules.new_nordic_rung_days
        )
        new_nordic = not heavy_done or on_rung
    return Progress(
        level,
        stage,
        state,
        tuple(notes),
        mode,
        no_nordic_until,
        nordic_after_first,
        new_nordic,
        first_reason,
    )


def _step(
    state: PlannerState,
    level: int,
    stage: int,
    loading: Sequence[Session],
    run_days: Collection[date],
    checkins: Sequence[CheckIn],
    events: Sequence[PlannedEvent],
    today: date,
    settings: Settings,
    hold: str | None,
) -> tuple[int, int, PlannerState, list[Reason]]:
    """At most one step a week: within the rung's exercise first (R12), then the rung (R6)."""
    rules = settings.rules
    top = top_level(settings)
    last = loading[-1] if loading else None

    def where(at: int) -> str:
        return _where(level, at, rules.reps_step)

    if state.level_up_on == today:
        # A session done today came after today's step: the evidence is an earlier one.
        earlier = [s for s in loading if s.day < today]
        told = where(stage) + ": stepped up today"
        if earlier:
            told += f", {_evidence(earlier[-1], run_days)}"
        return level, stage, state, [because("R12", told)]
    why = hold
    if why is None and state.level_up_on is not None:
        if (today - state.level_up_on).days < rules.step_days:
            why = f"one step a week at most: the last one was on {day_label(state.level_up_on)}"
        elif last is not None and last.day <= state.level_up_on:
            why = f"no session done since the last step on {day_label(state.level_up_on)}"
    if why is None:
        why = _gate(last, run_days, checkins, today)
    if why is None:
        horizon = today + timedelta(rules.race_no_progression_days)
        races = [e for e in events if e.race and today <= e.day <= horizon]
        if races:
            first = min(races, key=lambda e: e.day)
            why = f"race taper: {describe_event(first)} is less than 10 days away"
    stages = stages_of(LADDER[level - 1].key, settings.rules.reps_step)
    rung_days = rules.nordic_rung_min_days if level >= NORDIC_LEVEL else rules.rung_min_days
    at_rung = (today - state.rung_since).days if state.rung_since is not None else rung_days
    if why is None:
        # The rung rises after two weeks at it (three for a Nordic rung) with 3 sets reached;
        # until then, and at the top rung, the exercise itself gets harder (R12).
        if level < top and stage >= 1 and at_rung >= rung_days:
            level += 1
            state = replace(state, level_up_on=today, rung_since=today)
            return (
                level,
                0,
                state,
                [because("R6", f"step up to {rung_name(level)}: " + _evidence(last, run_days))],
            )
        if stage + 1 < stages:
            stage += 1
            state = replace(state, level_up_on=today)
            return (
                level,
                stage,
                state,
                [because("R12", f"{where(stage)}: {_evidence(last, run_days)}")],
            )
        if level >= top:
            return level, stage, state, []
        why = (
            f"{rung_name(level)} stays your top exercise until "
            f"{day_label(state.rung_since + timedelta(rung_days))}"
            if state.rung_since is not None
            else "not long enough at this rung"
        )
    return level, stage, state, [because("R6", f"{where(stage)}, no step up yet: {why}")]


def _where(level: int, stage: int, reps_step: int = 2) -> str:
    steps = stages_of(LADDER[level - 1].key, reps_step)
    return f"{rung_name(level)} (step {stage + 1} of {steps})"


def _evidence(last: Session | None, run_days: Collection[date]) -> str:
    if last is None:
        return "progressing"
    ran = min((d for d in run_days if d > last.day), default=None)
    after = f" and a normal run on {day_label(ran)}" if ran is not None else ""
    return f"the session of {day_label(last.day)} done{after}"


def eccentric_gap_note(
    done_days: Sequence[date],
    planned: Sequence[Session],
    today: date,
    end: date,
    settings: Settings,
) -> Reason | None:
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
    return because(
        "R6",
        f"no eccentric hamstring input since {day_label(last)}: "
        f"{'more than ' if late else ''}{limit} days "
        f"{'already' if late else 'by ' + day_label(deadline)}; "
        "a slider curl, single-leg RDL or Nordic keeps the adaptation",
        last,
    )
