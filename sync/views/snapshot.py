"""Everything a view of the plan shows, computed once from the stored facts.

``hamsync plan``, ``hamsync report`` and the check-in page (:mod:`sync.serve.page`) build
their views from one :class:`Snapshot`, so they show the same plan. It reads the state
database and plans (:func:`sync.engine.run.compute_plan`); it writes nothing and reads no
clock (``today`` is an argument).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from planner.inputs import expand_habitual
from planner.models import Move, PlannedEvent, Reason, Run, Session
from sync.config.model import Config
from sync.engine.plan_inputs import config_races
from sync.engine.run import compute_plan
from sync.store.database import StateDatabase
from sync.views.plan_days import DayRow, WeekLoad, build_days, weekly_load

PAST_DAYS = 7
"""The views start a week back: the runs just done explain the sessions ahead."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything a view of the plan shows, computed once from the stored facts."""

    today: date
    rows: list[DayRow]
    sessions: tuple[Session, ...]
    moved: tuple[Move, ...]
    notes: tuple[Reason, ...]
    weeks: list[WeekLoad]
    level: int
    upcoming: list[PlannedEvent]
    history: list[Run]


def snapshot(
    config: Config, state: StateDatabase, today: date, upcoming: list[PlannedEvent]
) -> Snapshot:
    """The plan of today and the week before it (runs done, sessions done or not)."""
    result, history = compute_plan(config, state, today, upcoming)
    events = config_races(config, upcoming)
    run_days = {r.start.astimezone(config.tz).date() for r in history}
    last = today + timedelta(config.horizon_days - 1)
    events += expand_habitual(config.settings(), today, last, events, run_days)
    past = [s for s in state.plan_sessions() if s.day < today]
    every = past + list(result.sessions)
    done = result.state.done_session_ids
    first = today - timedelta(PAST_DAYS)
    rows = build_days(
        first, last, today, config.tz, history, events, every, done, config.settings()
    )
    weeks = weekly_load(history, every, done, today, config.tz)
    return Snapshot(
        today, rows, result.sessions, result.moved, result.notes, weeks, result.state.level,
        events, history,
    )  # fmt: skip
