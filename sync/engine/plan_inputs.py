"""Facts the planner takes besides runs and calendars: configured races, strength days.

Kept in one place so the engine reads them the same way for ``sync``, ``plan`` and
``report``, and so the connectors have a clear place to feed strength activities (R8).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from planner.models import PlannedEvent
from sync.config.model import Config
from sync.store.database import StateDatabase

MARATHON_KM = 42.195


def config_races(config: Config, upcoming: Sequence[PlannedEvent]) -> list[PlannedEvent]:
    """The calendar's events plus the ``[[races]]`` of the config.

    A calendar event on a configured race day is that race (it gets the race flags);
    otherwise the race is added as a planned event of its own.
    """
    events = list(upcoming)
    for race in config.races:
        ultra = race.ultra if race.ultra is not None else (race.distance_km or 0) > MARATHON_KM
        distance = race.distance_km * 1000 if race.distance_km is not None else None
        same_day = [i for i, e in enumerate(events) if e.day == race.date and not e.habitual]
        if same_day:
            for i in same_day:
                events[i] = replace(events[i], race=True, ultra=events[i].ultra or ultra)
            continue
        events.append(
            PlannedEvent(
                uid=f"config-race-{race.date.isoformat()}",
                title=race.name,
                day=race.date,
                source="config [[races]]",
                distance_m=distance,
                long=True,
                race=True,
                ultra=ultra,
            )
        )
    return sorted(events, key=lambda e: (e.day, e.title, e.uid))


def strength_activity_days(state: StateDatabase) -> list[date]:
    """Local days on which a platform logged a strength activity: such a day's session is done.

    Garmin (``strength_training``) and Strava (``WeightTraining``, ``Workout``) report them
    with each pull (``PullResult.strength_days``); the engine stores them, this reads them.
    They are days, not runs, so they never count toward the weekly dose (R5).
    """
    return state.strength_days()
