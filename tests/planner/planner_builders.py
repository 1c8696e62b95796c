"""Small builders for planner tests: runs, planned events and plans on fixed dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from planner.models import (
    CheckIn,
    Plan,
    PlannedEvent,
    PlannerState,
    Run,
    Session,
    Sport,
)
from planner.plan import plan
from planner.settings import Settings

TZ = ZoneInfo("Europe/Zurich")
MON = date(2026, 11, 23)  # Monday of ISO week 2026-W48
NO_HABIT = Settings(long_run_days=())
NORDIC_KEYS = {"assisted_nordic", "nordic"}
QUAD_KEYS = {"step_down", "reverse_lunge"}


def day(offset: int) -> date:
    """The day ``offset`` days after Monday 2026-11-23."""
    return MON + timedelta(days=offset)


def run(
    on: date,
    name: str = "Easy run",
    km: float = 10.0,
    up: float = 80.0,
    down: float = 80.0,
    minutes: float = 60.0,
    sport: Sport = Sport.RUN,
    hour: int = 8,
) -> Run:
    start = datetime(on.year, on.month, on.day, hour, tzinfo=TZ)
    return Run(
        id=f"{on.isoformat()}-{name}-{hour}",
        sources=(f"file:{name}.fit",),
        start=start,
        sport=sport,
        distance_m=km * 1000,
        moving_s=minutes * 60,
        elapsed_s=minutes * 60 + 120,
        ascent_m=up,
        descent_m=down,
        descent_from="device",
        name=name,
    )


def event(on: date, title: str, **flags: bool) -> PlannedEvent:
    return PlannedEvent(
        uid=f"{on.isoformat()}-{title}", title=title, day=on, source="test", **flags
    )


def make_plan(
    history: Sequence[Run] = (),
    upcoming: Sequence[PlannedEvent] = (),
    previous: Sequence[Session] = (),
    checkins: Sequence[CheckIn] = (),
    level: int = 8,
    settings: Settings = NO_HABIT,
    today: date = MON,
) -> Plan:
    return plan(
        history, upcoming, previous, checkins, PlannerState(level=level), settings, today, TZ
    )


def keys(session: Session) -> set[str]:
    return {d.key for d in session.exercises}


def in_week(p: Plan, monday: date) -> list[Session]:
    return [s for s in p.sessions if monday <= s.day <= monday + timedelta(days=6)]
