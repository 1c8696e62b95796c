"""Property tests: whatever the runs and planned events, the hard rules hold (R3-R5, R9)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st
from planner_builders import MON, QUAD_KEYS, TZ, event, keys, make_plan, run
from simulate import simulate

from planner.classify import classify_run
from planner.models import (
    CheckIn,
    Feeling,
    Plan,
    PlannedEvent,
    PlannerState,
    Run,
    Session,
    SessionKind,
    Sport,
)
from planner.plan import plan
from planner.settings import Settings

TODAY = MON + timedelta(days=2)  # a Wednesday, so the first week has past days
HORIZON_END = TODAY + timedelta(days=13)

runs_st = st.lists(
    st.builds(
        lambda off, km, down, minutes, sport, hour: run(
            TODAY + timedelta(days=off),
            name=f"r{off}{hour}",
            km=km,
            up=down,
            down=down,
            minutes=minutes,
            sport=sport,
            hour=hour,
        ),
        st.integers(-45, 0),
        st.integers(3, 40),
        st.sampled_from([0, 100, 300, 499, 500, 800, 1000, 1500]),
        st.integers(20, 300),
        st.sampled_from([Sport.RUN, Sport.TRAIL_RUN, Sport.HIKE]),
        st.sampled_from([1, 8, 23]),  # 23:00 local still is the same local day
    ),
    max_size=14,
    unique_by=lambda r: r.id,
)
events_st = st.lists(
    st.builds(
        lambda off, title, long, hill, race, ultra: event(
            TODAY + timedelta(days=off),
            title,
            long=long,
            hill=hill,
            race=race,
            ultra=race and ultra,
        ),
        st.integers(-3, 17),
        st.sampled_from(["Run", "Hills", "Long run", "Race"]),
        st.booleans(),
        st.booleans(),
        st.booleans(),
        st.booleans(),
    ),
    max_size=8,
    unique_by=lambda e: e.uid,
)
settings_st = st.builds(
    lambda long_days, preferred, blocked, anchor: Settings(
        long_run_days=long_days,
        preferred_days=preferred,
        blocked_days=blocked,
        has_nordic_anchor=anchor,
    ),
    st.sampled_from([(), (5,), (6,), (2, 5)]),
    st.sampled_from([(), (1, 3), (0, 6)]),
    st.sampled_from([(), (4,), (0, 2)]),
    st.booleans(),
)


def _days(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


def _forbidden(
    history: list[Run], upcoming: list[PlannedEvent], cfg: Settings, today: date = TODAY
) -> tuple[set[date], set[date], set[date], set[date]]:
    """Days without Nordic, without quad braking, recovery-only days and days for light
    sessions only, from DESIGN.md's rules in whole days, for a runner with no Nordic on
    record (every Nordic is a new stimulus, R3)."""
    no_heavy: set[date] = set()
    no_quad: set[date] = set()
    recovery_only: set[date] = set()
    light_only: set[date] = set()
    run_days: set[date] = set()
    longs: list[float] = []
    for r in sorted(history, key=lambda r: r.start):
        d = r.start.astimezone(TZ).date()
        f = classify_run(r, history, cfg)
        if r.counts_for_dose:
            run_days.add(d)
            if f.long or f.heavy_descent or f.hill:
                no_heavy |= _days(d - timedelta(days=2), d)
        if f.heavy_descent:
            no_heavy |= _days(d, d + timedelta(days=2 if f.very_heavy_descent else 1))
            no_quad |= _days(d, d + timedelta(days=1))
        if f.long:
            no_heavy |= _days(d, d + timedelta(days=1))
            longs.append(r.descent_m or 0.0)
    recent = sorted(longs[-4:])
    assumed = (recent[(len(recent) - 1) // 2] + recent[len(recent) // 2]) / 2 if recent else 0.0
    cal_days = {e.day for e in upcoming}
    habitual = [
        event(d, "Long run", long=True)
        for d in _days(today, today + timedelta(days=13 + 7))
        if d.weekday() in cfg.long_run_days and d not in cal_days | run_days
    ]
    for e in [*upcoming, *habitual]:
        if e.day < today - timedelta(days=1) and not e.race:
            continue
        if e.race or e.ultra:
            no_heavy |= _days(e.day - timedelta(days=7), e.day)  # a new Nordic: 7 days
            no_quad |= _days(e.day - timedelta(days=3), e.day - timedelta(days=1))
            light_only.add(e.day - timedelta(days=1))
            recovery_only |= _days(e.day, e.day + timedelta(days=2))
            if e.ultra:
                no_heavy |= _days(e.day, e.day + timedelta(days=7))
                no_quad |= _days(e.day, e.day + timedelta(days=5))
            continue
        if e.long or e.hill:
            no_heavy |= _days(e.day - timedelta(days=2), e.day)
            light_only.add(e.day - timedelta(days=1))
        if e.long and e.day not in run_days:
            # R4: a planned long trail counts as done until its activity arrives.
            no_heavy |= _days(e.day, e.day + timedelta(days=1))
            if assumed >= cfg.rules.heavy_descent_m:
                no_quad |= _days(e.day, e.day + timedelta(days=1))
    return no_heavy, no_quad, recovery_only, light_only


LIGHT = (SessionKind.CONTROL, SessionKind.RECOVERY)


def _check_invariants(all_sessions: list[Session], cfg: Settings) -> None:
    per_day = Counter(s.day for s in all_sessions)
    assert max(per_day.values(), default=0) <= 1
    loading_days = sorted(s.day for s in all_sessions if s.kind is not SessionKind.RECOVERY)
    weeks = Counter(d.isocalendar()[:2] for d in loading_days)
    assert max(weeks.values(), default=0) <= 2
    # R11: never two loading sessions on consecutive days, never three in seven days.
    assert all((b - a).days >= 2 for a, b in pairwise(loading_days)), loading_days
    assert all(
        (c - a).days >= 7
        for a, _, c in zip(loading_days, loading_days[1:], loading_days[2:], strict=False)
    )
    heavy = sorted(s.day for s in all_sessions if s.heavy)
    assert all((b - a).days >= 3 for a, b in pairwise(heavy))
    for s in all_sessions:
        assert s.day.weekday() not in cfg.blocked_days
        n = len(s.exercises)
        assert (1 <= n <= 3) if s.kind is SessionKind.RECOVERY else (2 <= n <= 3)
        if not cfg.has_nordic_anchor:  # R13
            assert not keys(s) & {"nordic", "assisted_nordic"}
        if s.kind is not SessionKind.RECOVERY:  # R6: a hamstring-dominant exercise
            assert keys(s) & HAMSTRING_DOMINANT, s


HAMSTRING_DOMINANT = {
    "glute_bridge",
    "hamstring_walkout",
    "single_leg_rdl",
    "slider_curl",
    "assisted_nordic",
    "nordic",
}


def _check_windows(
    p: Plan,
    history: list[Run],
    upcoming: list[PlannedEvent],
    cfg: Settings,
    today: date = TODAY,
) -> None:
    no_heavy, no_quad, recovery_only, light_only = _forbidden(history, upcoming, cfg, today)
    for s in p.sessions:
        assert today <= s.day <= today + timedelta(days=13)
        if s.heavy:
            assert s.day not in no_heavy, (s, sorted(no_heavy))
        if s.day in no_quad:
            assert not keys(s) & QUAD_KEYS, s
        if s.day in recovery_only:
            assert s.kind is SessionKind.RECOVERY
        if s.day in light_only:
            assert s.kind in LIGHT, s


@settings(max_examples=150, deadline=None)
@given(runs_st, events_st, settings_st, st.integers(1, 8))
def test_hard_rules_hold_and_replanning_is_stable(
    history: list[Run], upcoming: list[PlannedEvent], cfg: Settings, level: int
) -> None:
    """No Nordic in a forbidden window, one a day, two a week, 72 h apart; re-plans move nothing."""
    p = make_plan(history, upcoming, level=level, settings=cfg, today=TODAY)
    _check_windows(p, history, upcoming, cfg)
    _check_invariants(list(p.sessions), cfg)
    again = make_plan(history, upcoming, p.sessions, level=level, settings=cfg, today=TODAY)
    assert again == p
    assert again.moved == ()
    shuffled = make_plan(history[::-1], upcoming[::-1], level=level, settings=cfg, today=TODAY)
    assert shuffled == p  # the order runs and events arrive in changes nothing


@settings(max_examples=100, deadline=None)
@given(runs_st, events_st, settings_st, st.integers(1, 8), st.integers(1, 6))
def test_next_days_plan_respects_the_sessions_already_held(
    history: list[Run], upcoming: list[PlannedEvent], cfg: Settings, level: int, later: int
) -> None:
    """Days later, the sessions already held plus the new plan keep the cap and spacing (R5)."""
    first = make_plan(history, upcoming, level=level, settings=cfg, today=TODAY)
    today = TODAY + timedelta(days=later)
    second = make_plan(history, upcoming, first.sessions, level=level, settings=cfg, today=today)
    held = [s for s in first.sessions if s.day < today]
    assert all(s.day >= today for s in second.sessions)
    _check_invariants(held + list(second.sessions), cfg)


checkins_st = st.lists(
    st.builds(
        lambda off, feeling, source: CheckIn(TODAY + timedelta(days=off), feeling, source=source),
        st.integers(-10, 0),
        st.sampled_from(list(Feeling)),
        st.sampled_from(["cli", "strava"]),
    ),
    max_size=3,
)


@settings(max_examples=100, deadline=None)
@given(
    runs_st,
    events_st,
    checkins_st,
    st.integers(1, 8),
    st.integers(0, 3),
    st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_checkins_and_done_sessions_keep_the_rules_and_a_stable_state(
    history: list[Run],
    upcoming: list[PlannedEvent],
    checkins: list[CheckIn],
    level: int,
    past_days: int,
    did: list[bool],
) -> None:
    """With check-ins and sessions done or missed, the hard rules hold, the level rises one
    step at most, a pain pause holds walking and mobility only, 'fine' after pain starts a
    graded return (R14), and re-planning with the returned state changes nothing."""
    cfg = Settings(long_run_days=(5,))
    start = TODAY - timedelta(days=past_days + 7)
    earlier = make_plan(history, upcoming, level=level, settings=cfg, today=start)
    done = frozenset(s.id for s, yes in zip(earlier.sessions, did, strict=False) if yes)
    state = PlannerState(level=level, done_session_ids=done)
    p = plan(history, upcoming, earlier.sessions, checkins, state, cfg, TODAY, TZ)
    held = [s for s in earlier.sessions if s.day < TODAY]
    _check_invariants(held + list(p.sessions), cfg)
    assert p.state.level <= level + 1
    # A session already done today is history: returned exactly as planned, whatever happens.
    done_today = [s for s in earlier.sessions if s.day == TODAY and s.id in done]
    assert [s for s in p.sessions if s.day == TODAY and s.id in done] == done_today
    placed = tuple(s for s in p.sessions if s not in done_today)
    own = sorted((c for c in checkins if c.source == "cli"), key=lambda c: c.day)
    pains = [c for c in own if c.feeling is Feeling.PAIN]
    if pains:
        pain = pains[-1]
        fine = next((c for c in own if c.feeling is Feeling.FINE and c.day > pain.day), None)
        if fine is None and not any(c.feeling is Feeling.FINE and c.day == pain.day for c in own):
            for s in placed:  # R7: walking and mobility only, if pain-free
                assert keys(s) <= {"easy_walk", "gentle_mobility"}, s
        elif fine is not None:
            assert p.state.level <= max(3, level - 1) or p.state.level <= 3
            for s in placed:  # R14: no Nordic for 14 days after the 'fine'
                if s.day < fine.day + timedelta(days=14):
                    assert not s.heavy, s
    again = plan(history, upcoming, [*held, *p.sessions], checkins, p.state, cfg, TODAY, TZ)
    assert (again.sessions, again.state, again.moved) == (p.sessions, p.state, ())


week_pattern_st = st.lists(
    st.tuples(
        st.integers(0, 6),
        st.sampled_from(
            [(8, 40, 45), (10, 250, 60), (18, 700, 120), (11, 450, 70), (25, 1200, 200)]
        ),
        st.booleans(),
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda t: t[0],
)


@settings(max_examples=40, deadline=None)
@given(week_pattern_st, st.sampled_from([(), (5,), (6,)]), st.integers(1, 8))
def test_the_same_weeks_synced_daily_or_weekly_obey_the_same_rules(
    pattern: list[tuple[int, tuple[int, int, int], bool]], long_days: tuple[int, ...], level: int
) -> None:
    """R11, R5: the same weeks of runs (each in the calendar or not, done as planned), planned
    every morning or once a week on Mondays: spacing and windows hold for every loading kind,
    and each week's dose is decided once, the same whatever the cadence."""
    first = MON + timedelta(weeks=6)
    # The long-run days of the config are days the runner does run long.
    pattern = [p for p in pattern if p[0] not in long_days]
    pattern += [(d, (18, 700, 120), False) for d in long_days]
    runs: list[Run] = []
    events: list[PlannedEvent] = []
    for week in range(-5, 4):
        monday = first + timedelta(weeks=week)
        for wd, (km, vert, minutes), in_calendar in pattern:
            d = monday + timedelta(days=wd)
            name = f"r{wd}-{vert}"
            sport = Sport.TRAIL_RUN if vert >= 250 else Sport.RUN
            runs.append(run(d, name, km, vert, vert, minutes, sport, 8))
            if in_calendar and week >= 0:
                title = (
                    "Long trail run"
                    if minutes >= 90
                    else "Hill repeats run"
                    if vert == 450
                    else "Easy run"
                )
                events.append(event(d, title, long=minutes >= 90, hill=vert == 450))
    cfg = Settings(long_run_days=long_days)
    daily = simulate(first, 14, runs, events, settings=cfg, level=level)
    weekly = simulate(
        first, 14, runs, events, settings=cfg, level=level, cadence=lambda d: d.weekday() == 0
    )
    for sim in (daily, weekly):
        _check_invariants(sim.held(), cfg)
        for today, p in sim.plans.items():
            history = [r for r in runs if r.start.astimezone(TZ).date() < today]
            ahead = [e for e in events if e.day >= today - timedelta(days=1)]
            _check_windows_rules(p, history, ahead, cfg, today)
    # The dose of each whole week, as the sessions held say it, is the same at both cadences.
    for monday in (first, first + timedelta(weeks=1)):
        said = [
            {
                s.reasons[0].text
                for s in sim.held()
                if monday <= s.day < monday + timedelta(7)
                and s.reasons
                and s.reasons[0].rule == "R5"
            }
            for sim in (daily, weekly)
        ]
        assert len(said[0] | said[1]) <= 1, said


def _check_windows_rules(
    p: Plan, history: list[Run], upcoming: list[PlannedEvent], cfg: Settings, today: date
) -> None:
    """The R4, R11 and quad windows (the R3 Nordic windows depend on the runner's Nordic
    history, checked with a fresh runner elsewhere)."""
    _, no_quad, _recovery_only, light_only = _forbidden(history, upcoming, cfg, today)
    for s in p.sessions:
        if s.day in no_quad:
            assert not keys(s) & QUAD_KEYS, s
        if s.day in light_only:
            assert s.kind in LIGHT, s


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10), st.integers(1, 12), st.integers(4, 8), st.booleans())
def test_graded_return_after_pain_and_after_a_break(
    pain_off: int, fine_after: int, level: int, trained: bool
) -> None:
    """R7, R14: from a 'pain' to the runner's 'fine', walking and mobility only; for 14 days
    after the 'fine' no Nordic, no quad braking and rung 3 at most, whatever the runs."""
    first = MON
    runs = [
        run(first + timedelta(days=d), f"r{d}", 12, 300, 300, 70, Sport.TRAIL_RUN)
        for d in range(-28, 40, 2)
    ]
    pain_day = first + timedelta(days=pain_off)
    fine_day = pain_day + timedelta(days=fine_after)
    checkins = [CheckIn(pain_day, Feeling.PAIN), CheckIn(fine_day, Feeling.FINE)]
    sim = simulate(
        first,
        30,
        runs,
        checkins=checkins,
        settings=Settings(long_run_days=(5,)),
        level=level,
        does=lambda s: trained,
    )
    for today, p in sim.plans.items():
        for s in p.sessions:
            if pain_day <= today < fine_day:
                assert keys(s) <= {"easy_walk", "gentle_mobility"}, (today, s)
            if today >= fine_day and s.day < fine_day + timedelta(days=14):
                assert not s.heavy, (today, s)
                assert not keys(s) & QUAD_KEYS, (today, s)
        if fine_day <= today < fine_day + timedelta(days=14):
            assert sim.states[today].level <= 3
    _check_invariants(sim.held(), Settings(long_run_days=(5,)))
