"""Planned runs and races on the runner's intervals.icu calendar, for the look-ahead.

One request per look-ahead: the events of the window (``GET .../events?oldest&newest``).
Running workouts and races become planned runs by :func:`.mapping.planned_events`;
hamsync's own events (its ``external_id``) are never read back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planner.models import PlannedEvent
from planner.settings import Settings

from .client import IntervalsClient
from .mapping import planned_events


@dataclass
class IntervalsUpcoming:
    """The UpcomingSource of the intervals.icu calendar."""

    client: IntervalsClient
    settings: Settings
    name: str = "intervals calendar"

    def planned(self, first_day: date, last_day: date) -> list[PlannedEvent]:
        """Planned runs between the two days, inclusive; SourceError when the read fails."""
        found: list[PlannedEvent] = []
        for payload in self.client.events(first_day.isoformat(), last_day.isoformat()):
            found.extend(e for e in planned_events(payload, self.settings))
        return sorted(
            (e for e in found if first_day <= e.day <= last_day),
            key=lambda e: (e.day, e.title, e.uid),
        )
