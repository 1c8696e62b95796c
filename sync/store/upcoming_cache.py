"""The last good read of each look-ahead calendar, kept in the state.

A calendar server that answers 500 for an hour must not make the plan forget the long trail
planned for Saturday: sessions would move away and back again. While a calendar cannot be
read, the engine plans with its last good read (and says so), which is what an uninterrupted
sync would have seen unless the runner changed that calendar in the meantime.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from planner.models import PlannedEvent
from sync.config.keystore import redact
from sync.store.database import StateDatabase


def _to_json(event: PlannedEvent) -> dict[str, Any]:
    return {
        "uid": event.uid,
        "title": event.title,
        "day": event.day.isoformat(),
        "source": event.source,
        "start": event.start.isoformat() if event.start else None,
        "duration_s": event.duration_s,
        "distance_m": event.distance_m,
        "long": event.long,
        "hill": event.hill,
        "race": event.race,
        "ultra": event.ultra,
        "habitual": event.habitual,
        "last_day": event.last_day.isoformat() if event.last_day else None,
    }


def _from_json(data: dict[str, Any]) -> PlannedEvent:
    start = data.get("start")
    last_day = data.get("last_day")
    return PlannedEvent(
        uid=str(data["uid"]),
        title=str(data["title"]),
        day=date.fromisoformat(data["day"]),
        source=str(data["source"]),
        start=datetime.fromisoformat(start) if start else None,
        duration_s=data.get("duration_s"),
        distance_m=data.get("distance_m"),
        long=bool(data.get("long")),
        hill=bool(data.get("hill")),
        race=bool(data.get("race")),
        ultra=bool(data.get("ultra")),
        habitual=bool(data.get("habitual")),
        last_day=date.fromisoformat(last_day) if last_day else None,
    )


def save(
    state: StateDatabase, source: str, events: Sequence[PlannedEvent], fetched_at: str
) -> None:
    """Remember a good read (call inside a transaction)."""
    body = redact(json.dumps([_to_json(e) for e in events], sort_keys=True))
    state.cache_upcoming(source, fetched_at, body)


def load(
    state: StateDatabase, source: str, first_day: date, last_day: date
) -> tuple[str, list[PlannedEvent]] | None:
    """``(fetched_at, events in the window)`` from the last good read, or None."""
    cached = state.cached_upcoming(source)
    if cached is None:
        return None
    fetched_at, body = cached
    try:
        events = [_from_json(item) for item in json.loads(body)]
    except (ValueError, KeyError, TypeError):
        return None
    return fetched_at, [e for e in events if first_day <= e.day <= last_day]
