"""A week of 0-1 runs: one light control session and one short heavier one that differ (R5, R6).

Also: a session already done today stays as it was planned, and the R6 note right after
`hamsync done` says what the step up waits for. Days are ISO week 2026-W48 (``day(0)`` Mon).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from planner_builders import MON, NORDIC_KEYS, QUAD_KEYS, TZ, day, event, in_week, make_plan, run

from planner.exercises import EXERCISES
from planner.models import CheckIn, Dose, Feeling, PlannerState, Session, SessionKind
from planner.plan import plan
from planner.reasons import day_label
from planner.settings import Settings

K = SessionKind
SAT_LONG = Settings(long_run_days=(5,))  # the example config: one habitual long run a week


def sets(session: Session) -> dict[str, int]:
    return {d.key: d.sets for d in session.exercises}


def pair(level: int, runs: int, settings: Settings = SAT_LONG) -> tuple[Session, Session]:
    """The control and the heavy session of week W48 for a runner at ``level``."""
    upcoming = [event(day(i), "Easy run") for i in range(runs)]
    week = in_week(make_plan(upcoming=upcoming, level=level, settings=settings), MON)
    by_kind = {s.kind: s for s in week}
    assert sorted(by_kind) == sorted([K.CONTROL, K.HEAVIER])
    return by_kind[K.CONTROL], by_kind[K.HEAVIER]


@pytest.mark.parametrize("runs", [0, 1])
def test_at_level_three_the_heavier_session_is_recognisably_heavier(runs: int) -> None:
    """Level 3: control holds bridge, walkout and RDL lightly; heavy fewer exercises, more RDL."""
    settings = SAT_LONG if runs == 0 else Settings(long_run_days=())
    control, heavy = pair(3, runs, settings)
    assert control.exercises != heavy.exercises
    assert set(sets(control)) == {"glute_bridge", "hamstring_walkout", "single_leg_rdl"}
    assert all(n < EXERCISES[k].sets for k, n in sets(control).items())
    assert len(heavy.exercises) < len(control.exercises)
    assert sets(heavy)["single_leg_rdl"] > sets(control)["single_leg_rdl"]
    assert sets(heavy)["single_leg_rdl"] == max(sets(heavy).values())
    assert any(
        r.text.startswith("light control session:") and r.rule == "R5" for r in control.reasons
    )
    why = next(r for r in heavy.reasons if r.text.startswith("short heavier session:"))
    rdl = sets(heavy)["single_leg_rdl"]
    assert f"single-leg Romanian deadlift for {rdl} sets" in why.text and why.rule == "R5"


@pytest.mark.parametrize(("level", "main"), [(4, "single_leg_rdl"), (5, "slider_curl")])
def test_the_heavier_session_is_built_on_the_hardest_eccentric_the_level_allows(
    level: int, main: str
) -> None:
    """Below rung 5 the single-leg RDL carries the heavier session, from rung 5 the slider curl."""
    control, heavy = pair(level, 0)
    assert sets(heavy)[main] == max(sets(heavy).values()) > max(sets(control).values())
    assert not {d.key for d in control.exercises} & (NORDIC_KEYS | {"slider_curl"})
    assert 2 <= len(heavy.exercises) < len(control.exercises) == 3


def test_no_quad_braking_in_the_heavier_session_the_day_after_a_descent() -> None:
    """Level 6, control done Monday, then a 900 m descent on Tuesday: Wednesday's heavier
    session holds slider curls and no step-down or reverse lunge (R4: that day or the next)."""
    control = Session("2026-W48-1", day(0), K.CONTROL, (Dose("glute_bridge", 2, 10),))
    history = [run(day(1), name="Col run", km=20, up=900, down=900, minutes=150, hour=17)]
    # Wednesday is the only day the runner allows (a day R4 protects is otherwise avoided).
    settings = Settings(long_run_days=(), blocked_days=(0, 1, 3, 4, 5, 6))
    state = PlannerState(level=6, done_session_ids=frozenset({control.id}))
    p = plan(history, (), [control], (), state, settings, day(2), TZ)
    wednesday = next(s for s in p.sessions if s.day == day(2))
    assert wednesday.kind is K.HEAVIER
    assert not {d.key for d in wednesday.exercises} & QUAD_KEYS
    assert sets(wednesday)["slider_curl"] == max(sets(wednesday).values())


def test_nordic_sessions_keep_their_low_volume() -> None:
    """From rung 7 the heavy session holds the Nordic at its catalogue dose, unchanged (R6)."""
    _, heavy = pair(7, 0)
    nordic = next(d for d in heavy.exercises if d.key in NORDIC_KEYS)
    assert nordic == EXERCISES[nordic.key].dose()
    assert not any(r.text.startswith("short heavier session:") for r in heavy.reasons)


def _done_today(level: int = 3) -> tuple[Session, PlannerState]:
    """The plan's first session, on its own day, marked done by the runner."""
    first = make_plan(level=level, settings=SAT_LONG).sessions[0]
    return first, PlannerState(level=level, done_session_ids=frozenset({first.id}))


def test_a_pause_keeps_the_session_already_done_today() -> None:
    """Paused from today on: the session done today stays as planned, the others go (R8)."""
    first, state = _done_today()
    previous = make_plan(level=3, settings=SAT_LONG, today=first.day).sessions
    paused = replace(state, paused_until=first.day + timedelta(days=6))
    p = plan((), (), previous, (), paused, SAT_LONG, first.day, TZ)
    assert [s for s in p.sessions if s.day <= paused.paused_until] == [first]
    assert not any(day_label(first.day) in n.text and "removed" in n.text for n in p.notes)
    not_done = replace(paused, done_session_ids=frozenset())
    assert first not in plan((), (), previous, (), not_done, SAT_LONG, first.day, TZ).sessions


def test_a_pain_checkin_keeps_the_session_already_done_today() -> None:
    """A 'pain' check-in after today's session: the done one is history, the rest is easy
    walking and gentle mobility only (R7)."""
    first, state = _done_today()
    pain = [CheckIn(first.day, Feeling.PAIN)]
    p = plan((), (), [first], pain, state, SAT_LONG, first.day, TZ)
    assert p.sessions[0] == first
    for s in p.sessions[1:]:
        assert s.kind is K.RECOVERY
        assert {d.key for d in s.exercises} <= {"easy_walk", "gentle_mobility"}


def test_step_up_note_right_after_done_waits_for_a_run() -> None:
    """Just after `hamsync done` the R6 note names that session and waits for a run after it."""
    first, state = _done_today()
    p = plan((), (), [first], (), state, SAT_LONG, first.day, TZ)
    note = next(n.text for n in p.notes if "no step up yet" in n.text)
    assert "no earlier session marked done" not in note
    assert f"no run yet after the session of {day_label(first.day)}" in note
    assert (p.state.level, p.state.stage) == (3, 0)
    later = first.day + timedelta(days=1)
    # R6: the step waits until the day after that first run has passed without symptoms.
    early = plan([run(later)], (), [first], (), state, SAT_LONG, later + timedelta(days=1), TZ)
    assert (early.state.level, early.state.stage) == (3, 0)
    ran = plan([run(later)], (), [first], (), state, SAT_LONG, later + timedelta(days=2), TZ)
    assert (ran.state.level, ran.state.stage) == (3, 1)  # within the exercise first (R12)


def test_step_up_evidence_survives_a_session_done_the_same_day() -> None:
    """Stepped up this morning on an earlier session, then today's marked done: the note holds."""
    earlier = Session("2026-W47-1", day(-3), K.CONTROL, (Dose("single_leg_rdl", 2, 8),))
    state = PlannerState(level=3, done_session_ids=frozenset({earlier.id}))
    morning = plan([run(day(-2))], (), [earlier], (), state, SAT_LONG, MON, TZ)
    assert morning.state.stage == 1 and morning.state.level_up_on == MON
    today = next(s for s in morning.sessions if s.day == MON)
    done = replace(morning.state, done_session_ids=morning.state.done_session_ids | {today.id})
    again = plan([run(day(-2))], (), [earlier, *morning.sessions], (), done, SAT_LONG, MON, TZ)
    assert again.state.stage == 1 and today in again.sessions
    told = day_label(earlier.day)
    assert any("stepped up today" in n.text and told in n.text for n in again.notes)
