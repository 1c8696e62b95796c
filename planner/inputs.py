"""The planner's inputs made ready: habitual long runs and done sessions."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, timedelta

from planner.models import PlannedEvent, Session
from planner.settings import Settings

CLI_SOURCE = "cli"
"""Check-ins the runner made with `hamsync checkin` (platform ones are effort, R7)."""


def expand_habitual(
    settings: Settings, today: date, last: date, events: Sequence[PlannedEvent], run_days: set[date]
) -> list[PlannedEvent]:
    """Habitual long-run days as planned long trails, where no planned or done run holds the day."""
    held = {e.day for e in events} | run_days
    out = []
    day = today
    while day <= last:
        if day.weekday() in settings.long_run_days and day not in held:
            out.append(
                PlannedEvent(
                    uid=f"long_run_days-{day.isoformat()}",
                    title="Long run",
                    day=day,
                    source="long_run_days",
                    long=True,
                    habitual=True,
                )
            )
        day += timedelta(1)
    return out


def done_ids(
    done: Collection[str], sessions: Sequence[Session], strength_days: Collection[date]
) -> frozenset[str]:
    """Sessions marked done (``hamsync done``) plus those on a day with a logged strength
    activity (R8): the platforms' record counts as much as the runner's word."""
    return frozenset(done) | {s.id for s in sessions if s.day in strength_days}
