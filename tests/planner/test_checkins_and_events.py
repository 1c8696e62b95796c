"""R7 recurring symptoms and platform check-ins, R4 after events over several days."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from planner_builders import TZ, day, event, keys, run
from simulate import simulate

from planner.models import CheckIn, Feeling, PlannerState, SessionKind, Sport
from planner.plan import plan
from planner.settings import Settings

SAT_LONG = Settings(long_run_days=(5,))
RUNS = [
    r
    for w in range(-6, 4)
    for r in (
        run(day(7 * w + 1), f"road{w}"),
        run(day(7 * w + 3), f"trail{w}", 10, 250, 250, 60, Sport.TRAIL_RUN),
        run(day(7 * w + 5), f"long{w}", 18, 700, 700, 120, Sport.TRAIL_RUN),
    )
]


def test_a_second_sensitive_within_three_weeks_is_recurring_and_holds_the_level() -> None:
    """Two 'sensitive' check-ins 10 days apart: the plan says recurring symptoms deserve
    personal medical advice, and the level does not rise for 14 days (R7)."""
    checkins = [
        CheckIn(day(0), Feeling.SENSITIVE),
        CheckIn(day(2), Feeling.FINE),
        CheckIn(day(10), Feeling.SENSITIVE),
        CheckIn(day(11), Feeling.FINE),
    ]
    sim = simulate(day(-14), 40, RUNS, checkins=checkins, settings=SAT_LONG, level=5)
    told = sim.plans[day(12)].notes
    assert any("recurring symptoms deserve personal medical advice" in n.text for n in told)
    steps = {sim.states[day(i)].level_up_on for i in range(11, 24)}
    assert all(s is None or s < day(10) or s >= day(24) for s in steps), steps


def test_a_platform_sensitive_lasts_two_days_and_is_never_recurring() -> None:
    """Two platform check-ins ('pain' from an effort field) ten days apart: recovery for two
    days each time, never the recurring-symptoms note, never the pain pause (R7)."""
    checkins = [
        CheckIn(day(0), Feeling.PAIN, source="strava"),
        CheckIn(day(10), Feeling.SENSITIVE, source="garmin"),
    ]
    sim = simulate(day(-7), 25, RUNS, checkins=checkins, settings=SAT_LONG, level=5)
    for d in (day(0), day(1), day(10), day(11)):
        assert all(s.kind is SessionKind.RECOVERY for s in sim.plans[d].sessions), d
    for d in (day(2), day(12)):
        assert any(s.kind is not SessionKind.RECOVERY for s in sim.plans[d].sessions), d
    for p in sim.plans.values():
        assert not any("recurring" in n.text or "medical advice" in n.text for n in p.notes)


def test_a_race_over_two_days_counts_its_recovery_from_the_last_day() -> None:
    """A two-day stage race Sat-Sun: recovery only through Tue (3 days from Sunday), loading
    again from Wednesday (R4: an event over several days counts from its last day)."""
    race = replace(event(day(5), "Stage race", race=True, long=True), last_day=day(6))
    cfg = Settings(long_run_days=(), preferred_days=(1, 2))
    p = plan([], [race], [], [], PlannerState(level=4), cfg, day(0), TZ)
    after = [s for s in p.sessions if day(5) <= s.day <= day(8)]
    assert all(s.kind is SessionKind.RECOVERY for s in after), after
    assert any(s.kind is not SessionKind.RECOVERY and s.day >= day(9) for s in p.sessions)


def test_a_planned_long_trail_counts_as_done_until_the_end_of_the_next_day() -> None:
    """Yesterday's planned long trail with no activity yet: no Nordic today (R4), and the plan
    says it counts as done until the end of today; with the activity in, its own figures
    rule (a short easy run: no window)."""
    long = event(day(5), "Long trail run", long=True)
    history = [r for r in RUNS if r.start.date() < day(5)]
    cfg = Settings(long_run_days=(), preferred_days=(6,))
    state = PlannerState(level=8)
    p = plan(history, [long], [], [], state, cfg, day(6), TZ)
    assert not any(s.heavy for s in p.sessions if s.day == day(6))
    assert not any(keys(s) & {"step_down", "reverse_lunge"} for s in p.sessions
                   if s.day == day(6))  # fmt: skip
    assert any("counted as done until the end of today" in n.text for n in p.notes)
    easy = run(day(5), "Short instead", 6, 20, 20, 35)
    q = plan([*history, easy], [long], [], [], state, cfg, day(6), TZ)
    assert not any("counted as done" in n.text for n in q.notes)
    later = plan(history, [long], [], [], state, cfg, day(7) + timedelta(0), TZ)
    assert any("taken as not done" in n.text for n in later.notes)


def test_sensitive_for_a_week_without_fine_gives_control_only_and_asks_for_a_check_in() -> None:
    """'Sensitive' and then no check-in for 7 days: light control sessions only, and the plan
    asks how it feels (R7)."""
    checkins = [CheckIn(day(0), Feeling.SENSITIVE)]
    sim = simulate(day(-7), 16, RUNS, checkins=checkins, settings=SAT_LONG, level=5)
    for i in range(7):
        assert all(s.kind is SessionKind.RECOVERY for s in sim.plans[day(i)].sessions)
    late = sim.plans[day(7)]
    assert late.sessions
    assert all(s.kind in (SessionKind.CONTROL, SessionKind.RECOVERY) for s in late.sessions)
    assert any("please check in" in n.text for n in late.notes)
