"""Property tests: whatever the runs and planned events, the hard rules hold (R3-R5, R9)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st
from planner_builders import MON, QUAD_KEYS, TZ, event, keys, make_plan, run

from planner.classify import classify_run
from planner.inputs import latest_checkin
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
    history: list[Run], upcoming: list[PlannedEvent], cfg: Settings
) -> tuple[set[date], set[date], set[date]]:
    """Days without Nordic, without quad braking, and recovery-only days, from DESIGN.md."""
    no_heavy: set[date] = set()
    no_quad: set[date] = set()
    recovery_only: set[date] = set()
    cal_days = {e.day for e in upcoming}
    run_days: set[date] = set()
    for r in history:
        d = r.start.astimezone(TZ).date()
        f = classify_run(r, history, cfg)
        if r.counts_for_dose:
            run_days.add(d)
            if f.long or f.heavy_descent or f.hill:
                no_heavy |= _days(d - timedelta(days=2), d)
        if f.heavy_descent:
            no_heavy |= _days(d, d + timedelta(days=2 if f.very_heavy_descent else 1))
            no_quad |= _days(d, d + timedelta(days=1))
    habitual = [
        d
        for d in _days(TODAY, HORIZON_END + timedelta(days=3))
        if d.weekday() in cfg.long_run_days and d not in cal_days | run_days
    ]
    for d in habitual:
        no_heavy |= _days(d - timedelta(days=2), d)
    for e in upcoming:
        if e.long or e.hill or e.race:
            no_heavy |= _days(e.day - timedelta(days=2), e.day)
        if e.race:
            recovery_only |= _days(e.day, e.day + timedelta(days=2))
            no_heavy |= _days(e.day - timedelta(days=3), e.day)  # taper: 4 days
        if e.ultra:
            no_heavy |= _days(e.day, e.day + timedelta(days=6))
    return no_heavy, no_quad, recovery_only


def _check_invariants(all_sessions: list[Session], cfg: Settings) -> None:
    per_day = Counter(s.day for s in all_sessions)
    assert max(per_day.values(), default=0) <= 1
    loading = Counter(
        s.day.isocalendar()[:2] for s in all_sessions if s.kind is not SessionKind.RECOVERY
    )
    assert max(loading.values(), default=0) <= 2
    heavy = sorted(s.day for s in all_sessions if s.heavy)
    assert all((b - a).days >= 3 for a, b in pairwise(heavy))
    for s in all_sessions:
        assert s.day.weekday() not in cfg.blocked_days
        n = len(s.exercises)
        assert (1 <= n <= 3) if s.kind is SessionKind.RECOVERY else (2 <= n <= 3)
        if not cfg.has_nordic_anchor:
            assert "nordic" not in keys(s)


def _check_windows(
    p: Plan, history: list[Run], upcoming: list[PlannedEvent], cfg: Settings
) -> None:
    no_heavy, no_quad, recovery_only = _forbidden(history, upcoming, cfg)
    for s in p.sessions:
        assert TODAY <= s.day <= HORIZON_END
        if s.heavy:
            assert s.day not in no_heavy, (s, sorted(no_heavy))
        if s.day in no_quad:
            assert not keys(s) & QUAD_KEYS
        if s.day in recovery_only:
            assert s.kind is SessionKind.RECOVERY


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
    runs_st, events_st, checkins_st, st.integers(1, 8), st.integers(0, 3),
    st.lists(st.booleans(), min_size=6, max_size=6),
)  # fmt: skip
def test_checkins_and_done_sessions_keep_the_rules_and_a_stable_state(
    history: list[Run],
    upcoming: list[PlannedEvent],
    checkins: list[CheckIn],
    level: int,
    past_days: int,
    did: list[bool],
) -> None:
    """With check-ins and sessions done or missed, the hard rules hold, the level moves one rung
    at most, pain means no session, and re-planning with the returned state changes nothing."""
    cfg = Settings(long_run_days=(5,))
    start = TODAY - timedelta(days=past_days + 7)
    earlier = make_plan(history, upcoming, level=level, settings=cfg, today=start)
    done = frozenset(s.id for s, yes in zip(earlier.sessions, did, strict=False) if yes)
    state = PlannerState(level=level, done_session_ids=done)
    p = plan(history, upcoming, earlier.sessions, checkins, state, cfg, TODAY, TZ)
    _check_windows(p, history, upcoming, cfg)
    held = [s for s in earlier.sessions if s.day < TODAY]
    _check_invariants(held + list(p.sessions), cfg)
    assert abs(p.state.level - level) <= 1
    # A session already done today is history: returned exactly as planned, whatever happens.
    done_today = [s for s in earlier.sessions if s.day == TODAY and s.id in done]
    assert [s for s in p.sessions if s.day == TODAY and s.id in done] == done_today
    placed = tuple(s for s in p.sessions if s not in done_today)
    decisive = latest_checkin(checkins, TODAY)
    if decisive is not None and decisive.feeling is Feeling.PAIN:
        assert placed == () and decisive.source == "cli"
    if decisive is not None and decisive.feeling is Feeling.SENSITIVE:
        assert all(s.kind is SessionKind.RECOVERY for s in placed)
    again = plan(history, upcoming, [*held, *p.sessions], checkins, p.state, cfg, TODAY, TZ)
    assert (again.sessions, again.state, again.moved) == (p.sessions, p.state, ())
