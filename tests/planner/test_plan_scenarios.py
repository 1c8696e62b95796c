"""Scenario weeks for the planner (R3-R10), on ISO week 2026-W48 (Mon 2026-11-23)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from planner_builders import (
    MON,
    NO_HABIT,
    NORDIC_KEYS,
    QUAD_KEYS,
    day,
    event,
    in_week,
    keys,
    make_plan,
    run,
)

from planner.models import CheckIn, Feeling, SessionKind
from planner.settings import Settings

K = SessionKind


@pytest.mark.parametrize(
    ("runs", "kinds"),
    [
        (0, [K.CONTROL, K.HEAVIER]),
        (1, [K.CONTROL, K.HEAVIER]),
        (2, [K.FOCUSED, K.MAINTENANCE]),
        (3, [K.FOCUSED, K.MAINTENANCE]),
        (5, [K.FOCUSED]),
    ],
)
def test_weekly_dose_by_run_count(runs: int, kinds: list[SessionKind]) -> None:
    """Runs in the week set its sessions: 0-1 control+heavy, 2-3 focused+maintenance, 4+ focused."""
    upcoming = [event(day(i), "Easy run") for i in range(runs)]
    week = in_week(make_plan(upcoming=upcoming), MON)
    assert sorted(s.kind for s in week) == sorted(kinds)
    assert all(f"{runs} run" in s.reasons[0].text and s.reasons[0].rule == "R5" for s in week)
    assert all("(R" not in s.reasons[0].text for s in week)


def test_two_hill_sessions_give_one_focused_session() -> None:
    """Two hill sessions in a week of two runs leave one focused session (R5)."""
    upcoming = [event(day(1), "Hills", hill=True), event(day(3), "Hills", hill=True)]
    assert [s.kind for s in in_week(make_plan(upcoming=upcoming), MON)] == [K.FOCUSED]


def test_planned_run_that_is_done_counts_once() -> None:
    """A run done today that was also in the calendar counts as one run, not two."""
    today = day(1)
    p = make_plan(history=[run(today)], upcoming=[event(today, "Easy run")], today=today)
    assert in_week(p, MON)[0].reasons[0].text.startswith("week of Mon 2026-11-23: 1 run (")


def test_median_of_last_four_weeks_fills_an_empty_calendar() -> None:
    """With no calendar runs, a runner who ran three times a week gets focused + maintenance."""
    history = [
        run(MON - timedelta(weeks=w) + timedelta(days=d), name=f"r{w}{d}")
        for w in range(1, 5)
        for d in (0, 2, 4)
    ]
    week = in_week(make_plan(history=history), MON)
    assert sorted(s.kind for s in week) == [K.FOCUSED, K.MAINTENANCE]
    assert "3 runs (your usual weekly count)" in week[0].reasons[0].text


def test_no_new_nordic_in_the_two_days_before_a_saturday_long_trail() -> None:
    """With a Saturday long trail a first Nordic is not on Thursday, Friday or Saturday: two
    clear days (R3)."""
    settings = Settings(long_run_days=(), preferred_days=(3, 4))
    p = make_plan(upcoming=[event(day(5), "Long run", long=True)], settings=settings)
    heavy = [s for s in in_week(p, MON) if s.heavy]
    assert heavy and all(s.day <= day(2) for s in heavy)
    told = [r.text for r in heavy[0].reasons]
    assert any("clear days before the planned long trail 'Long run'" in r for r in told), told


def test_habitual_long_run_day_counts_like_a_planned_long_trail() -> None:
    """With long_run_days = Saturday and an empty calendar, Thu-Sat still get no Nordic (R3)."""
    p = make_plan(settings=Settings(long_run_days=(5,), preferred_days=(3, 4, 5)))
    heavy = [s for s in p.sessions if s.heavy]
    assert heavy
    assert all(s.day.weekday() not in (3, 4, 5) for s in heavy)


@pytest.mark.parametrize(("descent", "first_heavy"), [(700, day(1)), (1200, day(2))])
def test_no_heavy_session_after_a_heavy_descent(descent: float, first_heavy: object) -> None:
    """After a Sunday descent a Nordic waits until Tue (heavy) or Wed (very heavy, R4)."""
    sunday = MON - timedelta(days=1)
    history = [run(sunday, name="Col run", km=25, up=descent, down=descent, minutes=200)]
    settings = Settings(long_run_days=(), preferred_days=(0, 1))
    p = make_plan(history=history, settings=settings)
    heavy = [s for s in in_week(p, MON) if s.heavy]
    assert heavy and min(s.day for s in heavy) == first_heavy
    told = f"{descent:,} m descent on Sun 2026-11-22 ('Col run')"
    assert any(told in r.text for r in heavy[0].reasons)


def test_no_step_down_within_48_hours_after_a_heavy_descent() -> None:
    """The day of a 900 m descent and the next hold no step-downs or reverse lunges (R4)."""
    sunday = MON - timedelta(days=1)
    history = [run(sunday, name="Col run", km=20, up=900, down=900, minutes=150)]
    settings = Settings(long_run_days=(), preferred_days=(0,), blocked_days=(1, 2, 3, 4, 5, 6))
    p = make_plan(history=history, settings=settings)
    early = [s for s in p.sessions if s.day <= day(0)]
    assert early, "a session should sit on Monday, the preferred day"
    assert all(not keys(s) & QUAD_KEYS for s in early)
    assert any("no step-downs or reverse lunges before Tue" in r.text for r in early[0].reasons)


def _blocked_weeks() -> list:  # type: ignore[type-arg]
    out = []
    for week in range(3):
        base = 7 * week
        out += [
            event(day(base + 1), "Hills", hill=True),
            event(day(base + 3), "Hills", hill=True),
            event(day(base + 5), "Long run", long=True),
        ]
    return out


def test_r10_swaps_the_nordic_when_no_day_is_clear() -> None:
    """With Tue hills, Thu hills and Sat long every week, the Nordic becomes slider curls (R10)."""
    p = make_plan(upcoming=_blocked_weeks())
    week = in_week(p, MON)
    assert [s.kind for s in week] == [K.FOCUSED]
    assert not week[0].heavy and "slider_curl" in keys(week[0])
    reason = next(r for r in week[0].reasons if "replaced by" in r.text)
    swap = reason.text
    assert "'Hills' on Tue 2026-11-24" in swap and "'Long run' on Sat 2026-11-28" in swap
    assert reason.rule in ("R3", "R4") and swap.endswith("replaced by hamstring slider curl")


def test_pain_pauses_all_loading_with_a_medical_note() -> None:
    """After a 'pain' check-in only easy walking and gentle mobility, marked "only if
    pain-free", and a note to seek medical advice (R7)."""
    p = make_plan(checkins=[CheckIn(day(0), Feeling.PAIN)])
    for s in p.sessions:
        assert keys(s) <= {"easy_walk", "gentle_mobility"}
        assert any("only if pain-free" in r.text for r in s.reasons)
    assert any("personal medical advice" in n.text and "bruising" in n.text for n in p.notes)


def test_sensitive_turns_sessions_into_recovery() -> None:
    """After a 'sensitive' check-in every session is recovery: no Nordic, no quad braking (R7)."""
    p = make_plan(checkins=[CheckIn(day(0) - timedelta(days=2), Feeling.SENSITIVE)])
    assert p.sessions and all(s.kind is K.RECOVERY for s in p.sessions)
    assert all(not keys(s) & (NORDIC_KEYS | QUAD_KEYS) for s in p.sessions)


def test_fine_checkin_after_sensitive_restores_loading() -> None:
    """A later 'fine' check-in lifts the recovery-only pause, but not straight to a Nordic:
    the first session after it holds none (R7: "do not immediately train harder")."""
    checkins = [CheckIn(day(-3), Feeling.SENSITIVE), CheckIn(day(-1), Feeling.FINE)]
    p = make_plan(checkins=checkins)
    loading = [s for s in p.sessions if s.kind is not K.RECOVERY]
    assert loading and not loading[0].heavy
    assert any(r.rule == "R7" and "'fine'" in r.text for r in loading[0].reasons)
    assert any(s.heavy for s in p.sessions)


def test_race_gives_three_days_of_recovery_only_and_ultra_a_week_without_nordic() -> None:
    """After a Saturday ultra no loading session on Sat-Mon and no Nordic for 7 days (R4);
    before it, none in the 7 days a new Nordic keeps from a race (R3)."""
    race = event(day(5), "Trail race", race=True, ultra=True, long=True)
    p = make_plan(upcoming=[race])
    for s in p.sessions:
        if day(5) <= s.day <= day(7):
            assert s.kind is K.RECOVERY
        if day(-2) <= s.day <= day(12):
            assert not s.heavy


def test_moved_session_names_its_cause() -> None:
    """A Nordic on Thursday moves when a Saturday long trail appears, and the move says why (R9)."""
    first = make_plan(settings=Settings(long_run_days=(), preferred_days=(3,)))
    thursday = [s for s in in_week(first, MON) if s.heavy]
    assert thursday and thursday[0].day == day(3)
    second = make_plan(
        upcoming=[event(day(5), "Long run", long=True)],
        previous=first.sessions,
        settings=Settings(long_run_days=(), preferred_days=(3,)),
    )
    move = next(m for m in second.moved if m.session_id == thursday[0].id)
    assert move.from_day == day(3) and move.to_day != day(3)
    assert move.reason.text.startswith("moved from Thu 2026-11-26 to ")
    assert "planned long trail 'Long run' on Sat 2026-11-28" in move.reason.text
    assert move.reason.rule == "R3"


def test_replanning_unchanged_inputs_moves_nothing() -> None:
    """Re-planning with the last output as previous plan gives the same plan and no moves (R9)."""
    kwargs = {"upcoming": _blocked_weeks()[:4], "settings": Settings()}
    first = make_plan(**kwargs)  # type: ignore[arg-type]
    again = make_plan(previous=first.sessions, **kwargs)  # type: ignore[arg-type]
    assert again == first and again.moved == ()


def test_past_sessions_count_and_are_not_returned() -> None:
    """Sessions already held this week count toward its two sessions and are not re-planned."""
    first = make_plan()
    week = in_week(first, MON)
    later = make_plan(previous=first.sessions, today=max(s.day for s in week) + timedelta(days=1))
    assert all(s.day > max(w.day for w in week) for s in later.sessions)
    assert not in_week(later, MON)


def test_heavy_sessions_keep_three_days_from_a_past_nordic() -> None:
    """A Nordic done on Sunday keeps the next one off Monday and Tuesday (R5 spacing)."""
    first = make_plan(today=day(-7), settings=Settings(long_run_days=(), preferred_days=(6,)))
    sunday = [s for s in first.sessions if s.day == day(-1)]
    assert sunday and sunday[0].heavy
    p = make_plan(previous=first.sessions, settings=Settings(long_run_days=(), preferred_days=(0,)))
    assert all(s.day >= day(2) for s in p.sessions if s.heavy)


def test_blocked_days_are_never_used_and_no_anchor_means_no_nordic_variant() -> None:
    """Blocked weekdays stay empty, and without a foot anchor no Nordic variant at all: the
    assisted one needs the ankles secured too (R13)."""
    settings = Settings(long_run_days=(), blocked_days=(0, 1, 2), has_nordic_anchor=False)
    p = make_plan(settings=settings)
    assert p.sessions and all(s.day.weekday() not in (0, 1, 2) for s in p.sessions)
    assert all(not keys(s) & NORDIC_KEYS for s in p.sessions)
    assert any(keys(s) & {"slider_curl", "single_leg_rdl"} for s in p.sessions)


def test_low_level_heavy_session_holds_no_nordic() -> None:
    """A runner on rung 3 gets a 'heavy' session without any Nordic variant (R6)."""
    p = make_plan(level=3)
    assert all(not s.heavy for s in p.sessions)
    assert any(s.kind is K.HEAVIER for s in p.sessions)


def test_session_dropped_when_the_week_has_no_day_left() -> None:
    """On a Sunday one session fits; the other is dropped with a note, not carried over (R10)."""
    p = make_plan(today=day(6), settings=NO_HABIT)
    assert len(in_week(p, MON)) == 1
    assert any("dropped, not carried into the next week" in n.text for n in p.notes)
