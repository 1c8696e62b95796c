"""The planner scenarios of ../shared/cases/planner, replayed day by day through the planner.

Each test rebuilds its case's facts (the runs of its run.sh, its calendar, its config, the
check-ins and the days the runner marks sessions done) and replays the days the way
COMMON.md does with ``sync --today``: every morning the plan is recomputed from the stored
plan and state. It asserts the essentials of the case's "right plan", with DESIGN.md's rules
winning where the case's details differ. The case folders stay in ../shared; nothing of them
is copied here.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from planner_builders import QUAD_KEYS, TZ, keys, run
from simulate import Run_, simulate

from planner.classify import classify_run
from planner.models import (
    CheckIn,
    Feeling,
    PlannedEvent,
    PlannerState,
    Run,
    Session,
    SessionKind,
    Sport,
)
from planner.plan import plan
from planner.settings import Settings

SAT = 5
HAMSTRING = {
    "glute_bridge",
    "hamstring_walkout",
    "single_leg_rdl",
    "slider_curl",
    "assisted_nordic",
    "nordic",
}
NORDICS = {"assisted_nordic", "nordic"}


def mondays(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(weeks=1)


def weekly(
    first: date,
    last: date,
    pattern: Sequence[tuple[int, str, float, float, float, int]],
    trail: Callable[[str], bool] = lambda name: "road" not in name.lower(),
) -> list[Run]:
    """Runs every week: (weekday, name, km, climb = descent, minutes, hour)."""
    out = []
    for mon in mondays(first, last):
        for wd, name, km, vert, minutes, hour in pattern:
            sport = Sport.TRAIL_RUN if trail(name) else Sport.RUN
            out.append(run(mon + timedelta(wd), name, km, vert, vert, minutes, sport, hour))
    return out


def planned(on: date, title: str, minutes: float, **flags: bool) -> PlannedEvent:
    return PlannedEvent(
        uid=f"{on.isoformat()}-{title}",
        title=title,
        day=on,
        source="calendar planned.ics",
        duration_s=minutes * 60,
        **flags,
    )


def loading(sessions: Iterable[Session]) -> list[Session]:
    return [s for s in sessions if s.kind is not SessionKind.RECOVERY]


def assert_spacing(sessions: Sequence[Session]) -> None:
    """R11 and R5: loading sessions never on consecutive days, never three in seven days,
    Nordics at least three days apart."""
    days = sorted(s.day for s in loading(sessions))
    for a, b in itertools.pairwise(days):
        assert (b - a).days >= 2, f"loading sessions on consecutive days {a} and {b}"
    for d in days:
        inside = [x for x in days if d <= x <= d + timedelta(6)]
        assert len(inside) <= 2, f"three loading sessions in the seven days from {d}: {inside}"
    heavy = sorted(s.day for s in sessions if s.heavy)
    for a, b in itertools.pairwise(heavy):
        assert (b - a).days >= 3, f"Nordics on {a} and {b}"


def all_told(sim: Run_) -> list[Session]:
    """Every session of every morning's plan: what the runner was told on each day."""
    return [s for p in sim.plans.values() for s in p.sessions]


def texts(reasons: Iterable[object]) -> str:
    return " | ".join(str(r) for r in reasons)


# -- s02: three runs a week, level 7 ------------------------------------------------------

S02 = [
    (1, "Easy road", 8, 30, 45, 18),
    (3, "Thursday trail", 10, 200, 60, 18),
    (5, "Saturday long", 20, 800, 135, 8),
]


def test_s02_content_keeps_hamstring_work_and_spacing_whatever_the_cadence() -> None:
    runs = weekly(date(2026, 9, 7), date(2026, 10, 26), S02)
    cfg = Settings(long_run_days=(SAT,))
    daily = simulate(date(2026, 10, 5), 14, runs, settings=cfg, level=7)
    for sim in (daily,):
        held = sim.held()
        assert len(loading(held)) == 4  # focused + maintenance, two weeks
        assert_spacing(held)
        for s in loading(all_told(sim)):
            assert keys(s) & HAMSTRING, f"{s.kind} on {s.day} holds no hamstring exercise"
        maintenance = [s for s in held if s.kind is SessionKind.MAINTENANCE]
        assert all(keys(s) & {"single_leg_rdl", "slider_curl"} for s in maintenance)
    # The same weeks synced once a week (Mondays) obey the same rules and get the same dose.
    weekly_sync = simulate(
        date(2026, 10, 5), 14, runs, settings=cfg, level=7, cadence=lambda d: d.weekday() == 0
    )
    assert_spacing(weekly_sync.held())
    assert sorted(s.kind for s in weekly_sync.held()) == sorted(s.kind for s in daily.held())


# -- s03: six runs with two hill sessions, level 7 ----------------------------------------

S03 = [
    (0, "Easy road", 10, 60, 50, 7),
    (1, "Hill repeats", 11, 450, 70, 18),
    (2, "Easy road", 9, 40, 45, 7),
    (3, "Hill repeats", 11, 450, 70, 18),
    (5, "Long trail", 26, 900, 180, 8),
    (6, "Recovery road", 7, 30, 40, 9),
]


def s03_events(first: date, last: date) -> list[PlannedEvent]:
    out = []
    for mon in mondays(first, last):
        out += [
            planned(mon, "Easy run", 50),
            planned(mon + timedelta(1), "Hill repeats run", 70, hill=True),
            planned(mon + timedelta(2), "Easy run", 45),
            planned(mon + timedelta(3), "Hill repeats run", 70, hill=True),
            planned(mon + timedelta(5), "Long trail run", 180, long=True),
            planned(mon + timedelta(6), "Recovery run", 40),
        ]
    return out


def test_s03_focused_session_never_on_the_eve_of_hills_or_long_trail() -> None:
    runs = weekly(date(2026, 9, 7), date(2026, 10, 19), S03)
    events = s03_events(date(2026, 9, 7), date(2026, 10, 26))
    sim = simulate(
        date(2026, 10, 5), 8, runs, events, settings=Settings(long_run_days=(SAT,)), level=7
    )
    key_days = {e.day for e in events if e.long or e.hill}
    for p in sim.plans.values():
        for s in p.sessions:
            if s.kind in (SessionKind.FOCUSED, SessionKind.HEAVIER, SessionKind.MAINTENANCE):
                assert s.day + timedelta(1) not in key_days, f"{s.kind} on the eve, {s.day}"
            if s.heavy:
                assert s.day - timedelta(1) not in {e.day for e in events if e.long}
        for m in p.moved:
            if m.reason.rule == "R3":
                moved = next(s for s in p.sessions if s.id == m.session_id)
                assert moved.heavy, "a move citing R3 for a session without a Nordic"
    assert_spacing(sim.held())
    # One focused session a week (R5: many hills), its Nordic swapped where no day is clear.
    week = [s for s in sim.held() if date(2026, 10, 5) <= s.day <= date(2026, 10, 11)]
    assert [s.kind for s in loading(week)] == [SessionKind.FOCUSED]


# -- s05: a 55 km ultra, never a Nordic done ----------------------------------------------

S05 = [
    (1, "Tuesday trail", 10, 350, 60, 18),
    (3, "Easy road", 9, 40, 50, 18),
    (5, "Saturday long", 27, 1300, 180, 8),
]
RACE = date(2026, 10, 17)


def s05_runs() -> list[Run]:
    out = weekly(date(2026, 9, 7), date(2026, 10, 5), S05)
    out += [
        run(date(2026, 10, 13), "Taper trail", 9, 200, 200, 50, Sport.TRAIL_RUN, 18),
        run(date(2026, 10, 15), "Shakeout road", 6, 20, 20, 35, Sport.RUN, 18),
        run(RACE, "Trail des Dents 55k", 55, 3000, 3000, 480, Sport.TRAIL_RUN, 6),
        run(date(2026, 10, 21), "Easy jog", 5, 20, 20, 30, Sport.RUN, 18),
        run(date(2026, 10, 24), "Easy trail", 9, 250, 250, 50, Sport.TRAIL_RUN, 9),
    ]
    return out + weekly(date(2026, 10, 26), date(2026, 10, 26), S05)


def test_s05_race_week_is_stable_and_the_weeks_after_the_ultra_recover() -> None:
    race = PlannedEvent(
        uid="race",
        title="Trail des Dents 55k",
        day=RACE,
        source="config",
        distance_m=55_000,
        long=True,
        race=True,
        ultra=True,
    )
    sim = simulate(
        date(2026, 10, 7),
        27,
        s05_runs(),
        [race],
        settings=Settings(long_run_days=(SAT,)),
        level=7,
        does=lambda s: False,
    )
    # R5: the race week's kinds do not flip as its runs arrive (the usual 3 runs).
    race_week = [
        tuple(
            sorted(
                s.kind.value
                for s in p.sessions
                if date(2026, 10, 12) <= s.day <= RACE + timedelta(1)
            )
        )
        for d, p in sim.plans.items()
        if date(2026, 10, 12) <= d <= date(2026, 10, 14)
    ]
    assert len(set(race_week)) == 1, race_week
    for s in all_told(sim):
        # R3: no Nordic on record, so any Nordic is new: 7 days clear before the race.
        if RACE - timedelta(7) <= s.day <= RACE:
            assert not s.heavy, s
        # R11: no quad braking in the 3 days before the race.
        if RACE - timedelta(3) <= s.day < RACE:
            assert not keys(s) & QUAD_KEYS, s
    for d, p in sim.plans.items():
        # R4, once the race's 3,000 m are logged: 3 days + 3, recovery only to Thu.
        for s in p.sessions:
            if d > RACE and s.day <= RACE + timedelta(5):
                assert s.kind is SessionKind.RECOVERY, s
    for s in all_told(sim):
        if RACE <= s.day <= RACE + timedelta(5):
            assert not keys(s) & QUAD_KEYS
        if RACE <= s.day <= RACE + timedelta(7):
            assert not s.heavy, s
    assert_spacing(sim.held())
    first_nordic = next((s for s in sim.held() if s.heavy and s.day > RACE), None)
    if first_nordic is not None:
        nordic = next(d for d in first_nordic.exercises if d.key in NORDICS)
        assert (nordic.sets, nordic.reps) == (2, 3)  # the first-week dose of its rung


# -- s07: two weeks off, then back --------------------------------------------------------

S07 = [
    (1, "Easy road", 8, 30, 45, 7),
    (3, "Thursday trail", 10, 250, 60, 18),
    (5, "Saturday long", 18, 700, 120, 8),
]


def s07_runs() -> list[Run]:
    return weekly(date(2026, 8, 10), date(2026, 9, 21), S07) + weekly(
        date(2026, 10, 12), date(2026, 10, 19), S07
    )


def test_s07_return_after_two_weeks_re_enters_lighter_with_a_new_stimulus() -> None:
    def does(s: Session) -> bool:
        return s.day <= date(2026, 9, 27) or s.day >= date(2026, 10, 12)

    sim = simulate(
        date(2026, 8, 24),
        50,
        s07_runs(),
        settings=Settings(long_run_days=(SAT,)),
        level=8,
        does=does,
    )
    assert sim.states[date(2026, 9, 27)].level >= 7
    back = sim.plans[date(2026, 10, 12)]
    first_week = [s for s in back.sessions if date(2026, 10, 12) <= s.day <= date(2026, 10, 18)]
    assert first_week
    assert "first week back" in texts(back.notes)
    before = sim.states[date(2026, 9, 27)].level
    for s in loading(first_week):
        for d in s.exercises:
            if d.key in NORDICS:
                assert (d.sets, d.reps) == (2, 3)
                assert d.key != "nordic" or before > 8  # the rung below
        if s.heavy:  # a new stimulus: two clear days before Saturday's long trail
            assert s.day <= date(2026, 10, 14)


def test_s07_with_a_pause_the_return_is_lighter_too() -> None:
    runs = s07_runs()
    state = PlannerState(level=8, rung_since=date(2026, 8, 31), level_up_on=date(2026, 9, 14))
    done = [
        Session("2026-W39-1", date(2026, 9, 21), SessionKind.FOCUSED, ()),
    ]
    state = replace(
        state, done_session_ids=frozenset({"2026-W39-1"}), paused_until=date(2026, 10, 11)
    )
    p = plan(
        [r for r in runs if r.start.date() < date(2026, 10, 12)],
        [],
        done,
        [],
        state,
        Settings(long_run_days=(SAT,)),
        date(2026, 10, 12),
        TZ,
    )
    assert p.state.level == 8
    for s in loading(p.sessions):
        if s.day <= date(2026, 10, 18):
            assert "nordic" not in keys(s)  # the rung below: assisted at most
            for d in s.exercises:
                if d.key in NORDICS:
                    assert (d.sets, d.reps) == (2, 3)


# -- s08: every day constrained, level 8 -------------------------------------------------

S08 = [
    (1, "Hill repeats", 11, 450, 70, 18),
    (3, "Hill repeats", 11, 450, 70, 18),
    (5, "Long trail", 22, 800, 150, 8),
    (6, "Sunday descent", 12, 900, 80, 9),
]


def test_s08_no_legal_nordic_day_swaps_it_and_avoids_the_loaded_days() -> None:
    runs = weekly(date(2026, 9, 7), date(2026, 10, 12), S08)
    events = []
    for mon in mondays(date(2026, 9, 7), date(2026, 10, 19)):
        events += [
            planned(mon + timedelta(1), "Hill repeats run", 70, hill=True),
            planned(mon + timedelta(3), "Hill repeats run", 70, hill=True),
            planned(mon + timedelta(5), "Long trail run", 150, long=True),
            planned(mon + timedelta(6), "Trail run downhill", 80),
        ]
    sim = simulate(
        date(2026, 10, 5), 14, runs, events, settings=Settings(long_run_days=(SAT,)), level=8
    )
    for p in sim.plans.values():
        for s in loading(p.sessions):
            if s.day > date(2026, 10, 25):
                continue  # past the calendar's last week: the runs there are not known
            assert not s.heavy, s  # no day is clear for a Nordic (R3, R4)
            assert "Nordic hamstring curl replaced by" in texts(s.reasons)
            assert s.day.weekday() != 6, "on the day after a long trail and of a downhill run"
            assert s.day + timedelta(1) not in {e.day for e in events if e.long or e.hill}


# -- s09 / s10: check-ins -----------------------------------------------------------------

S09 = [
    (1, "Easy road", 8, 30, 45, 7),
    (3, "Thursday trail", 10, 250, 60, 18),
    (5, "Saturday long", 18, 700, 120, 8),
]


def test_s09_fine_after_sensitive_gives_no_nordic_that_week_and_no_quick_step_up() -> None:
    runs = weekly(date(2026, 9, 7), date(2026, 10, 12), S09)
    checkins = [
        CheckIn(date(2026, 10, 4), Feeling.SENSITIVE, "tight after long run"),
        CheckIn(date(2026, 10, 7), Feeling.FINE),
    ]
    sim = simulate(
        date(2026, 9, 21),
        24,
        runs,
        checkins=checkins,
        settings=Settings(long_run_days=(SAT,)),
        level=8,
    )
    level_before = sim.states[date(2026, 10, 3)].level
    for d in (date(2026, 10, 4), date(2026, 10, 5), date(2026, 10, 6)):
        assert all(s.kind is SessionKind.RECOVERY for s in sim.plans[d].sessions)
    for d, p in sim.plans.items():
        if d >= date(2026, 10, 7):
            assert not any(s.heavy for s in p.sessions if s.day <= date(2026, 10, 11)), d
    for d in range(7, 14):
        assert sim.states[date(2026, 10, d)].level < level_before or level_before == 1
    fine_day = sim.plans[date(2026, 10, 7)]
    assert "no step up before" in texts(fine_day.notes)


S10_PAIN, S10_FINE = date(2026, 10, 4), date(2026, 10, 12)


def test_s10_pain_pauses_loading_and_fine_starts_a_graded_return() -> None:
    runs = weekly(date(2026, 9, 7), date(2026, 10, 19), S09)
    checkins = [
        CheckIn(S10_PAIN, Feeling.PAIN, "sharp pain, back of thigh"),
        CheckIn(S10_FINE, Feeling.FINE),
    ]
    sim = simulate(
        date(2026, 9, 21),
        30,
        runs,
        checkins=checkins,
        settings=Settings(long_run_days=(SAT,)),
        level=8,
    )
    for d in range(4, 12):
        p = sim.plans[date(2026, 10, d)]
        assert "personal medical advice" in texts(p.notes)
        for s in p.sessions:
            assert s.kind is SessionKind.RECOVERY
            assert keys(s) <= {"easy_walk", "gentle_mobility"}
            assert "only if pain-free" in texts(s.reasons)
    # Runs logged during the pause are named, with the advice to stop if it hurts.
    notes = texts(sim.plans[date(2026, 10, 8)].notes)
    assert "'Easy road' on Tue 2026-10-06" in notes and "stop running if it hurts" in notes
    # After 'fine': control work, no Nordic for 14 days, and a question about a clinician.
    for d, p in sim.plans.items():
        if d >= S10_FINE:
            for s in p.sessions:
                if s.day < S10_FINE + timedelta(14):
                    assert not s.heavy, (d, s)
            assert sim.states[d].level <= 3
    first = next(s for s in sim.held() if s.day >= S10_FINE and s.kind is not SessionKind.RECOVERY)
    assert "clinician" in texts(first.reasons)
    assert not keys(first) & (NORDICS | QUAD_KEYS | {"slider_curl"})


# -- s11: eight weeks of progression -------------------------------------------------------


def test_s11_progression_within_each_exercise_and_three_weeks_per_nordic_rung() -> None:
    runs = weekly(date(2026, 8, 17), date(2026, 11, 30), S09)
    sim = simulate(date(2026, 9, 7), 120, runs, settings=Settings(long_run_days=(SAT,)), level=1)
    states = sorted(sim.states.items())
    steps = [
        d
        for (d, s), (_, prev) in zip(states[1:], states, strict=False)
        if (s.level, s.stage) != (prev.level, prev.stage)
    ]
    for a, b in itertools.pairwise(steps):
        assert (b - a).days >= 7, f"two steps within a week: {a}, {b}"
    reached = {}
    for d, s in states:
        reached.setdefault(s.level, d)
    if 7 in reached and 8 in reached:
        assert (reached[8] - reached[7]).days >= 21
    for level in range(2, 9):
        if level in reached and level - 1 in reached and level - 1 > 1:
            assert (reached[level] - reached[level - 1]).days >= 14
    held = sim.held()
    assert_spacing(held)
    for s in loading(held):
        assert keys(s) & (HAMSTRING - NORDICS), f"no hamstring-dominant exercise on {s.day}"
    # The first sessions of a new exercise: two sets before three (R12).
    first_slider = next(d for s in held for d in s.exercises if d.key == "slider_curl")
    assert first_slider.sets <= 3


# -- s12: no anchor, no slider ---------------------------------------------------------------


def test_s12_without_an_anchor_there_is_no_nordic_variant() -> None:
    runs = weekly(
        date(2026, 9, 7),
        date(2026, 10, 5),
        [
            (1, "Hill repeats", 10, 400, 60, 18),
            (3, "Easy road", 8, 30, 45, 7),
            (5, "Saturday long", 18, 700, 120, 8),
        ],
    )
    cfg = Settings(long_run_days=(SAT,), has_nordic_anchor=False, has_slider=False)
    p = plan(
        [r for r in runs if r.start.date() < date(2026, 10, 4)],
        [],
        [],
        [],
        PlannerState(level=8),
        cfg,
        date(2026, 10, 4),
        TZ,
    )
    assert p.sessions
    for s in p.sessions:
        assert not keys(s) & NORDICS
    assert p.state.level <= 6
    assert any(keys(s) & {"slider_curl", "single_leg_rdl"} for s in p.sessions)


# -- s14: Los Angeles, late evening runs ------------------------------------------------------

LA = ZoneInfo("America/Los_Angeles")


def la_run(on: date, name: str, km: float, vert: float, minutes: float, hh: int, mm: int) -> Run:
    r = run(on, name, km, vert, vert, minutes, Sport.TRAIL_RUN if vert > 100 else Sport.RUN)
    from datetime import datetime

    return replace(r, start=datetime(on.year, on.month, on.day, hh, mm, tzinfo=LA))


def test_s14_no_nordic_the_morning_after_a_night_long_trail_and_the_main_session_stays() -> None:
    runs = []
    for mon in mondays(date(2026, 9, 7), date(2026, 10, 5)):
        runs += [
            la_run(mon + timedelta(1), "Hill repeats", 11, 450, 70, 20, 30),
            la_run(mon + timedelta(3), "Night easy", 8, 30, 45, 21, 0),
            la_run(mon + timedelta(4), "Friday night trail", 17, 900, 120, 21, 15),
        ]
    runs += [
        la_run(date(2026, 10, 13), "Hill repeats", 11, 450, 70, 20, 30),
        la_run(date(2026, 10, 15), "Night easy", 8, 30, 45, 21, 0),
        la_run(date(2026, 10, 16), "Friday night long trail", 20, 900, 150, 21, 15),
    ]
    events = [
        planned(date(2026, 10, 13), "Hill repeats run", 70, hill=True),
        planned(date(2026, 10, 16), "Long night trail run", 150, long=True),
    ]
    cfg = Settings(long_run_days=())
    out: dict[date, tuple[Session, ...]] = {}
    stored: dict[str, Session] = {}
    state = PlannerState(level=7)
    for i in range(9):
        today = date(2026, 10, 10) + timedelta(i)
        history = [r for r in runs if r.start.astimezone(LA).date() < today]
        ahead = [e for e in events if e.day >= today - timedelta(1)]
        p = plan(history, ahead, list(stored.values()), [], state, cfg, today, LA)
        stored = {k: v for k, v in stored.items() if v.day < today} | {s.id: s for s in p.sessions}
        state = p.state
        out[today] = p.sessions
        for s in p.sessions:
            if s.day in (date(2026, 10, 16), date(2026, 10, 17)):
                assert not s.heavy and not keys(s) & QUAD_KEYS, (today, s)
        for n in p.notes:
            if "removed" in n.text:
                assert ":" in n.text  # a removed session names its cause
    week = [s for s in stored.values() if date(2026, 10, 12) <= s.day <= date(2026, 10, 18)]
    assert any(s.kind is SessionKind.FOCUSED for s in week), week


# -- s15: a calendar holding only the long runs ----------------------------------------------


def test_s15_the_week_dose_does_not_flip_as_runs_arrive() -> None:
    runs = [
        r
        for r in weekly(
            date(2026, 9, 7),
            date(2026, 10, 12),
            [
                (1, "Easy road", 8, 30, 45, 7),
                (3, "Thursday trail", 10, 250, 60, 18),
                (5, "Saturday long", 21, 800, 150, 8),
            ],
        )
        if r.start.date() != date(2026, 10, 10)
    ]
    events = [
        planned(mon + timedelta(5), "Long trail run", 150, long=True)
        for mon in mondays(date(2026, 9, 7), date(2026, 10, 26))
    ]
    sim = simulate(
        date(2026, 10, 5), 10, runs, events, settings=Settings(long_run_days=()), level=7
    )
    for monday in (date(2026, 10, 5), date(2026, 10, 12)):
        kinds = {
            tuple(
                sorted(
                    s.kind.value
                    for s in p.sessions
                    if monday <= s.day <= monday + timedelta(6) and s.day >= d
                )
            )
            for d, p in sim.plans.items()
            if d == monday
        }
        assert kinds == {("focused", "maintenance")}, kinds
    week = [s for s in sim.held() if date(2026, 10, 5) <= s.day <= date(2026, 10, 11)]
    assert sum(s.heavy for s in week) <= 1
    for p in sim.plans.values():
        for s in p.sessions:
            if s.heavy:
                assert s.day.weekday() != 6, "a Nordic the day after a planned long trail"
    assert "Long trail run" in texts(sim.plans[date(2026, 10, 11)].notes)


# -- s16: preferred Friday before a 1,000 m long trail ----------------------------------------


def test_s16_no_main_session_on_the_eve_of_a_long_trail() -> None:
    runs = weekly(
        date(2026, 9, 7),
        date(2026, 9, 28),
        [
            (1, "Easy road", 8, 30, 45, 7),
            (3, "Thursday trail", 10, 250, 60, 18),
            (5, "Saturday long", 21, 1000, 150, 8),
        ],
    )
    events = []
    for mon in mondays(date(2026, 10, 5), date(2026, 10, 19)):
        events += [
            planned(mon + timedelta(1), "Easy run", 45),
            planned(mon + timedelta(3), "Trail run", 60),
            planned(mon + timedelta(5), "Long trail run", 150, long=True),
        ]
    cfg = Settings(long_run_days=(SAT,), preferred_days=(4,))
    p = plan(runs, events, [], [], PlannerState(level=6), cfg, date(2026, 10, 5), TZ)
    focused = [s for s in p.sessions if s.kind is SessionKind.FOCUSED]
    assert focused
    for s in p.sessions:
        if s.day.weekday() == 4:
            assert s.kind in (SessionKind.CONTROL, SessionKind.RECOVERY), s
            assert not keys(s) & QUAD_KEYS
        if s.day.weekday() in (6,):  # the day after the 1,000 m long trail: no quad work
            assert not keys(s) & QUAD_KEYS
    assert_spacing(p.sessions)


# -- s19: rolling trails are not hill sessions --------------------------------------------------


def test_s19_rolling_trails_are_trails_and_the_dose_is_the_same_planned_or_done() -> None:
    runs = weekly(
        date(2026, 9, 7),
        date(2026, 10, 5),
        [(2, "Wednesday trail", 7, 190, 50, 18), (6, "Sunday trail", 10, 270, 70, 9)],
    )
    for r in runs:
        assert not classify_run(r, runs, Settings()).hill
    for today in (date(2026, 10, 4), date(2026, 10, 5)):
        history = [r for r in runs if r.start.date() < today]
        p = plan(history, [], [], [], PlannerState(level=3), Settings(long_run_days=()), today, TZ)
        weeks = {s.reasons[0].text.split(":")[1] for s in loading(p.sessions)}
        assert all("so one focused session and one small maintenance input" in w for w in weeks)
