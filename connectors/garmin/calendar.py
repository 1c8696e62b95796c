"""Planned runs and races on the runner's Garmin Connect calendar, for the look-ahead.

``/calendar-service/year/{y}/month/{m}`` (``Garmin.get_scheduled_workouts``) lists the
month's ``calendarItems``; each has an ``itemType`` ("workout", "event", "activity",
"note"...), a ``date`` and a ``title``. Planned workouts whose sport is running and race
events are candidates; which of them are runs, long trails, hill sessions or races is the
planner's call (:func:`planner.classify.classify_event`), with the sport or the race flag
added to the title so "Intervals" with a running sport still reads as a run.
hamsync's own workouts (their names start with its prefix) are never read back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from planner.classify import classify_event
from planner.models import PlannedEvent
from planner.settings import Settings

from .api import GarminApi
from .session import GarminSession

RUNNING_SPORTS = frozenset({"running", "trail_running", "track_running", "treadmill_running"})
OWN_PREFIX = "hamsync:"


@dataclass
class GarminUpcoming:
    """The UpcomingSource of the Garmin Connect calendar."""

    session: GarminSession
    settings: Settings
    own_prefix: str = OWN_PREFIX
    name: str = "garmin calendar"

    def planned(self, first_day: date, last_day: date) -> list[PlannedEvent]:
        api = GarminApi(self.session)
        items: list[dict[str, Any]] = []
        for year, month in months_between(first_day, last_day):
            items.extend(api.calendar_items(year, month))
        events = (self.to_event(i) for i in items)
        return sorted(
            (e for e in events if e is not None and first_day <= e.day <= last_day),
            key=lambda e: (e.day, e.title, e.uid),
        )

    def to_event(self, item: dict[str, Any]) -> PlannedEvent | None:
        """One calendar item as a planned run, or None (not a run, ours, or unreadable)."""
        title = str(item.get("title") or "")
        if title.startswith(self.own_prefix):
            return None
        kind = item.get("itemType")
        sport = str(item.get("sportTypeKey") or "")
        race = kind == "event" and bool(item.get("isRace"))
        if not ((kind == "workout" and sport in RUNNING_SPORTS) or race):
            return None
        try:
            day = date.fromisoformat(str(item.get("date")))
        except ValueError:
            return None
        words = f"{title} {'race' if race else 'run'}"
        duration = _number(item.get("duration"))
        distance = _number(item.get("distance"))
        verdict = classify_event(words, duration, distance, False, False, self.settings)
        if not verdict.is_run:
            return None
        return PlannedEvent(
            uid=f"garmin-calendar:{kind}:{item.get('id')}",
            title=title or ("race" if race else "planned run"),
            day=day,
            source="Garmin Connect calendar",
            duration_s=duration,
            distance_m=distance,
            long=verdict.long,
            hill=verdict.hill,
            race=verdict.race,
            ultra=verdict.ultra,
        )


def months_between(first_day: date, last_day: date) -> list[tuple[int, int]]:
    """(year, month) of every month the window touches, in order."""
    months = []
    year, month = first_day.year, first_day.month
    while (year, month) <= (last_day.year, last_day.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
