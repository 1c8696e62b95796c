"""Blocks of several weeks, planned day by day as the engine does, checked like a coach would."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from itertools import pairwise

from planner_builders import MON, NORDIC_KEYS, QUAD_KEYS, day, event, keys, run
from simulate import simulate

from planner.models import CheckIn, Feeling, PlannedEvent, Run, Session, SessionKind
from planner.reasons import day_label
from planner.settings import Settings

K = SessionKind
NO_HABIT = Settings(long_run_days=())


def trail_weeks(weeks: int, first: date = MON) -> tuple[list[Run], list[PlannedEvent]]:
    """Tue easy run, Thu hills (420 m), Sat long trail (900 m): planned, then done."""
    runs: list[Run] = []
    events: list[PlannedEvent] = []
    for w in range(weeks):
        tue, thu, sat = (first + timedelta(7 * w + d) for d in (1, 3, 5))
        runs += [
            run(tue, "Easy run", km=10, up=80, down=80, minutes=55),
            run(thu, "Hills", km=8, up=420, down=420, minutes=60),
            run(sat, "Long trail", km=22, up=900, down=900, minutes=170, hour=9),
        ]
        events += [
            event(tue, "Easy run"),
            event(thu, "Hills", hill=True),
            event(sat, "Long run", long=True),
        ]
    return runs, events


def loading_per_week(sessions: list[Session]) -> Counter[tuple[int, int]]:
    return Counter(s.day.isocalendar()[:2] for s in sessions if s.kind is not K.RECOVERY)


def test_build_block_climbs_one_rung_a_week_at_most() -> None:
    """Four build weeks, every session done: the level climbs, one step (within the exercise
    or up the ladder) per 7 days at most (R6, R12)."""
    runs, events = trail_weeks(4)
    sim = simulate(MON, 28, runs, events, level=1)
    levels = [sim.states[d].level for d in sorted(sim.states)]
    assert levels[-1] >= 2, levels
    assert all(b - a in (0, 1) for a, b in pairwise(levels))
    ups = [d for d in sorted(sim.states) if sim.states[d].level_up_on == d]
    assert all((b - a).days >= 7 for a, b in pairwise(ups))
    held = sim.held()
    assert max(loading_per_week(held).values()) <= 2
    assert max(Counter(s.day for s in held).values()) == 1
    for s in held:
        top = max(2, sim.states[s.day].level)
        assert all(d.key in ("easy_walk", "gentle_mobility") or _rung(d.key) <= top
                   for d in s.exercises)  # fmt: skip
        assert not s.heavy


def _rung(key: str) -> int:
    from planner.exercises import EXERCISES

    return EXERCISES[key].level


def test_nordic_block_keeps_low_volume_and_clear_of_hills_and_long_trails() -> None:
    """From rung 6 the Nordic arrives, low in volume, never 72 h before Thu hills or Sat long."""
    runs, events = trail_weeks(5)
    sim = simulate(MON, 35, runs, events, level=6)
    nordic = [s for s in sim.held() if s.heavy]
    assert nordic, "the runner reaches the assisted Nordic within five weeks"
    for s in nordic:
        # Tue-Thu: before hills; Thu-Sat: before the long trail; Sun: after its descent (R4)
        assert s.day.weekday() not in (1, 2, 3, 4, 5, 6), s
        for dose in s.exercises:
            if dose.key in NORDIC_KEYS:
                assert 2 <= dose.sets <= 3
                assert dose.reps is not None and 3 <= dose.reps <= 6
    first_up = next(d for d in sorted(sim.states) if sim.states[d].level == 7)
    fresh = [s for s in sim.held() if first_up <= s.day < first_up + timedelta(7) and s.heavy]
    assert fresh
    for s in fresh:  # the first week at the Nordic rung: 2 sets of 3 (R12)
        nordic = next(d for d in s.exercises if d.key in NORDIC_KEYS)
        assert (nordic.sets, nordic.reps) == (2, 3)


def test_sensitive_week_gives_recovery_and_one_rung_back_until_fine() -> None:
    """'Sensitive' on Wed: recovery only, one rung back (once); 'fine' on Mon restores loading."""
    runs, events = trail_weeks(2)
    checkins = [CheckIn(day(2), Feeling.SENSITIVE), CheckIn(day(7), Feeling.FINE)]
    sim = simulate(MON, 14, runs, events, checkins, level=5)
    assert [sim.states[day(i)].level for i in range(2, 7)] == [4] * 5
    for s in sim.held():
        if day(2) <= s.day <= day(6):
            assert s.kind is K.RECOVERY and not keys(s) & (NORDIC_KEYS | QUAD_KEYS)
    assert any(s.kind is not K.RECOVERY for s in sim.held() if s.day >= day(7))
    assert sim.states[day(7)].level == 4
    notes = [n.text for n in sim.plans[day(3)].notes]
    assert any("one rung back" in n and "after the 'sensitive' check-in" in n for n in notes)


def test_platform_pain_counts_as_sensitive_and_platform_fine_lifts_nothing() -> None:
    """A platform's 'pain' counts as 'sensitive' for two days only (R7): recovery sessions,
    then the plan goes on; a platform 'fine' changes nothing."""
    runs, events = trail_weeks(2)
    checkins = [
        CheckIn(day(2), Feeling.PAIN, source="strava"),
        CheckIn(day(3), Feeling.FINE, source="garmin"),
    ]
    sim = simulate(MON, 9, runs, events, checkins, level=5)
    for i in (2, 3):
        p = sim.plans[day(i)]
        assert p.sessions and all(s.kind is K.RECOVERY for s in p.sessions)
        assert not any("medical advice" in n.text for n in p.notes)
    assert any(s.kind is not K.RECOVERY for s in sim.plans[day(4)].sessions)


def test_pain_checkin_pauses_all_loading_with_medical_advice() -> None:
    """'Pain' on Wed: walking and mobility only (if pain-free) until 'fine', each plan says to
    seek medical advice; after 'fine', control work only (R14)."""
    runs, events = trail_weeks(2)
    checkins = [CheckIn(day(2), Feeling.PAIN), CheckIn(day(8), Feeling.FINE)]
    sim = simulate(MON, 14, runs, events, checkins, level=5)
    for s in sim.held():
        if day(2) <= s.day <= day(7):
            assert keys(s) <= {"easy_walk", "gentle_mobility"}
    for i in range(2, 8):
        assert all(keys(s) <= {"easy_walk", "gentle_mobility"} for s in sim.plans[day(i)].sessions)
        assert any("personal medical advice" in n.text for n in sim.plans[day(i)].notes)
    after = [s for s in sim.held() if s.day >= day(8) and s.kind is not K.RECOVERY]
    assert after and all(not keys(s) & (NORDIC_KEYS | QUAD_KEYS) for s in after)


def test_missed_session_is_not_piled_onto_the_next_days() -> None:
    """The first session of week 2 passes undone: the week keeps two sessions at most (R8)."""
    runs, events = trail_weeks(3)
    week2 = (day(7), day(13))
    skipped: list[Session] = []

    def does(s: Session) -> bool:
        if week2[0] <= s.day <= week2[1] and not skipped:
            skipped.append(s)
            return False
        return True

    sim = simulate(MON, 21, runs, events, level=4, does=does)
    assert skipped
    in_week2 = [s for s in sim.held() if week2[0] <= s.day <= week2[1]]
    assert len(in_week2) <= 2 and skipped[0].id in {s.id for s in in_week2}
    after = sim.plans[skipped[0].day + timedelta(1)]
    told = day_label(skipped[0].day)
    assert any(told in n.text and "not made up" in n.text and n.rule == "R8" for n in after.notes)
    assert skipped[0].id not in sim.states[day(20)].done_session_ids


def test_surprise_descent_mid_week_moves_only_the_nordic_and_says_why() -> None:
    """A 1,400 m descent on Wed moves Thursday's Nordic past Fri (R4) and nothing else."""
    cfg = Settings(long_run_days=(), preferred_days=(3,))
    surprise = run(day(2), "Col du Jorat", km=24, up=1400, down=1400, minutes=200)
    sim = simulate(MON, 7, [surprise], [], settings=cfg, level=8)
    before = sim.plans[day(2)]
    thursday = next(s for s in before.sessions if s.day == day(3))
    assert thursday.heavy
    after = sim.plans[day(3)]
    move = next(m for m in after.moved if m.session_id == thursday.id)
    assert move.from_day == day(3) and move.to_day >= day(5)
    assert "1,400 m descent" in move.reason.text and move.reason.rule == "R4"
    assert move.reason.text.startswith("moved from Thu 2026-11-26 to ")
    # Any other move is forced by the moved session's spacing (R11), and says so.
    assert all(m.reason.rule == "R11" for m in after.moved if m is not move)
    assert all(not keys(s) & QUAD_KEYS for s in after.sessions if s.day <= day(3))


def test_race_gets_a_taper_and_recovery_after() -> None:
    """A Sat race: no step up in the 10 days before, no Nordic in the last 4, recovery 3 after."""
    runs, events = trail_weeks(1)
    race_day = day(12)
    race = event(race_day, "Half trail race", race=True, long=True)
    race_run = run(race_day, "Half trail race", km=21, up=800, down=800, minutes=130)
    sim = simulate(MON, 17, [*runs, race_run], [*events, race], level=7)
    for d in sorted(sim.states):
        if race_day - timedelta(10) <= d <= race_day:
            assert sim.states[d].level_up_on != d

    for s in sim.held():
        if race_day - timedelta(3) <= s.day <= race_day:
            assert not s.heavy
        if race_day <= s.day <= race_day + timedelta(2):
            assert s.kind is K.RECOVERY
