"""R9 and R10 at the edges: a pause undone gives back the plan, no legal day downgrades then
drops, and every change says why (DESIGN.md R9, R10; issue 12 items 7 and 8)."""

from __future__ import annotations

from dataclasses import replace

from planner_builders import TZ, day, event, run

from planner.models import PlannerState, SessionKind, Sport
from planner.plan import plan
from planner.settings import Settings

SAT_LONG = Settings(long_run_days=(5,))
HISTORY = [
    run(day(-6), "Easy road"),
    run(day(-4), "Trail", 10, 250, 250, 60, Sport.TRAIL_RUN),
    run(day(-2), "Long", 18, 700, 700, 120, Sport.TRAIL_RUN),
]


def test_pause_then_resume_gives_back_the_plan_the_facts_call_for() -> None:
    """Paused to Wednesday, then resumed the same day: the sessions return to their days and
    no reason still cites the pause (issue 12, item 8)."""
    state = PlannerState(level=5)
    before = plan(HISTORY, [], [], [], state, SAT_LONG, day(0), TZ)
    paused = plan(HISTORY, [], list(before.sessions), [],
                  replace(before.state, paused_until=day(2)), SAT_LONG, day(0), TZ)  # fmt: skip
    assert all(s.day > day(2) for s in paused.sessions)
    assert any("paused until" in m.reason.text for m in paused.moved)
    resumed = plan(HISTORY, [], list(paused.sessions), [],
                   replace(paused.state, paused_until=None), SAT_LONG, day(0), TZ)  # fmt: skip
    assert [(s.id, s.day, s.kind) for s in resumed.sessions] == [
        (s.id, s.day, s.kind) for s in before.sessions
    ]
    for s in resumed.sessions:
        assert not any("paused" in r.text for r in s.reasons), s.reasons
    again = plan(HISTORY, [], list(resumed.sessions), [], resumed.state, SAT_LONG, day(0), TZ)
    assert again.sessions == resumed.sessions and again.moved == ()


def test_no_day_for_the_main_session_downgrades_it_then_drops_the_rest() -> None:
    """Only Friday allowed, the eve of Saturday's long trail (R11): the focused session
    becomes a light control session and says why; the maintenance has no day left and is
    dropped with a note, not carried into the next week (R10)."""
    cfg = Settings(long_run_days=(), blocked_days=(0, 1, 2, 3, 5, 6))
    upcoming = [event(day(1), "Easy run"), event(day(3), "Trail run"),
                event(day(5), "Long trail run", long=True)]  # fmt: skip
    p = plan(HISTORY, upcoming, [], [], PlannerState(level=6), cfg, day(0), TZ)
    friday = [s for s in p.sessions if s.day == day(4)]
    assert len(friday) == 1 and friday[0].kind is SessionKind.CONTROL
    told = [r for r in friday[0].reasons if r.text.startswith("downgraded to a light control")]
    assert told and told[0].rule == "R11" and "Long trail run" in told[0].text
    dropped = [n for n in p.notes if "dropped, not carried into the next week" in n.text]
    assert dropped and "maintenance" in dropped[0].text


def test_a_changed_kind_says_so_and_stays_told() -> None:
    """The week's dose changes (a planned run appears): the session that changed kind says
    what it was and why, and a re-plan with no new facts keeps the sentence (R5, R9)."""
    cfg = Settings(long_run_days=())
    first = plan([], [], [], [], PlannerState(level=5), cfg, day(0), TZ)
    assert {s.kind for s in first.sessions if s.day <= day(6)} == {
        SessionKind.CONTROL, SessionKind.HEAVIER,
    }  # fmt: skip
    upcoming = [event(day(2), "Easy run"), event(day(4), "Trail run")]
    second = plan([], upcoming, list(first.sessions), [], first.state, cfg, day(0), TZ)
    changed = [
        r for s in second.sessions for r in s.reasons if r.text.startswith("was a ")
    ]
    assert changed and all(r.rule == "R5" and "2 runs" in r.text for r in changed)
    third = plan([], upcoming, list(second.sessions), [], second.state, cfg, day(0), TZ)
    assert third.sessions == second.sessions and third.moved == ()
