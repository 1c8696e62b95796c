"""Day-by-day simulation of the planner, the way the engine runs it each morning.

Each day: runs done before today are history, planned events from today on are the
calendar, yesterday's session is marked done or not, the plan is recomputed with the
stored plan and the state it returned, and today's and later sessions replace the old.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from planner_builders import TZ

from planner.models import CheckIn, Plan, PlannedEvent, PlannerState, Run, Session
from planner.plan import plan
from planner.settings import Settings


@dataclass
class Run_:
    """The outcome of a simulation: every session that stood on its day, plans by day."""

    sessions: dict[str, Session] = field(default_factory=dict)
    plans: dict[date, Plan] = field(default_factory=dict)
    states: dict[date, PlannerState] = field(default_factory=dict)

    def held(self) -> list[Session]:
        return sorted(self.sessions.values(), key=lambda s: (s.day, s.id))

    def on(self, day: date) -> Session | None:
        return next((s for s in self.sessions.values() if s.day == day), None)


def simulate(
    first: date,
    days: int,
    runs: Sequence[Run] = (),
    events: Sequence[PlannedEvent] = (),
    checkins: Sequence[CheckIn] = (),
    settings: Settings | None = None,
    level: int = 1,
    does: Callable[[Session], bool] = lambda s: True,
    cadence: Callable[[date], bool] = lambda d: True,
) -> Run_:
    """Plan every morning from ``first`` for ``days`` days; ``does`` says which sessions the
    runner does (marked done the next morning); ``cadence`` on which days the runner syncs
    (the plan of the last sync stands in between)."""
    cfg = settings or Settings(long_run_days=())
    out = Run_()
    stored: dict[str, Session] = {}
    state = PlannerState(level=level)
    for i in range(days):
        today = first + timedelta(i)
        yesterday = [s for s in stored.values() if s.day == today - timedelta(1)]
        for s in yesterday:
            if does(s):
                state = replace(state, done_session_ids=state.done_session_ids | {s.id})
        history = [r for r in runs if r.start.astimezone(TZ).date() < today]
        # As the engine's look-ahead: from today on, plus races and the last two days' long trails.
        ahead = [
            e for e in events
            if e.day >= today or e.race or (e.long and e.end_day >= today - timedelta(2))
        ]  # fmt: skip
        known = [c for c in checkins if c.day <= today]
        if not cadence(today) and i > 0:
            continue
        p = plan(history, ahead, list(stored.values()), known, state, cfg, today, TZ)
        stored = {k: v for k, v in stored.items() if v.day < today}
        stored.update({s.id: s for s in p.sessions})
        state = p.state
        out.plans[today] = p
        out.states[today] = state
    out.sessions = {k: v for k, v in stored.items() if v.day < first + timedelta(days)}
    return out
