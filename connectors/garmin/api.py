"""The Garmin Connect calls hamsync makes, by what they do rather than by library name.

Each method is one request through :meth:`GarminSession.call`, so it is paced, its failures
become :class:`~connectors.base.SourceError` (a 429 starts the session's cool-down) and a 404
becomes :class:`~connectors.garmin.session.NotFound`. The sinks in ``sync`` use only this
class: which garminconnect method does the job, and what shape its answer has, stays here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..base import SourceError
from .session import GarminSession


class GarminApi:
    """One method per Garmin Connect request of the sources and sinks; no state of its own."""

    def __init__(self, session: GarminSession) -> None:
        self.session = session

    # -- activities -------------------------------------------------------------------
    def activities(self, start: int, limit: int) -> Any:
        """One page of the activity list, newest first (the raw answer: the caller checks it)."""
        return self.session.call(
            f"activity list (from {start})", lambda g: g.get_activities(start, limit)
        )

    def activity(self, activity_id: str) -> Any:
        """One activity's summary (``/activity-service/activity/{id}``): a multisport leg."""
        return self.session.call(
            f"activity {activity_id}", lambda g: g.get_activity(str(activity_id))
        )

    def activity_description(self, activity_id: str) -> str | None:
        """The activity's description as it stands; None when it has none."""
        activity = self.session.call(
            f"read activity {activity_id}", lambda g: g.get_activity(activity_id)
        )
        found = activity.get("description") if isinstance(activity, dict) else None
        return found if isinstance(found, str) or found is None else str(found)

    def set_activity_description(self, activity_id: str, text: str) -> None:
        self.session.call(
            f"update activity {activity_id}",
            lambda g: g.set_activity_description(activity_id, text),
        )

    # -- workouts ---------------------------------------------------------------------
    def workout(self, workout_id: str, what: str = "read workout") -> Any:
        """The stored workout (raw JSON); ``what`` names the read in error messages."""
        return self.session.call(what, lambda g: g.get_workout_by_id(workout_id))

    def own_workouts(self, start: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """The runner's own workouts (a page of the library, without Garmin's samples)."""
        listing = self.session.call(
            "list workouts", lambda g: g.get_workouts(start, limit, my_workouts_only=True)
        )
        return [w for w in listing if isinstance(w, dict)] if isinstance(listing, list) else []

    def upload_workout(self, payload: dict[str, Any]) -> str:
        """Create a workout; its new id."""
        answer = self.session.call("upload workout", lambda g: g.upload_workout(payload))
        workout_id = answer.get("workoutId") if isinstance(answer, dict) else None
        if not workout_id:
            raise SourceError("Garmin Connect upload workout: no workout id in the answer")
        return str(workout_id)

    def update_workout(self, workout_id: str, payload: dict[str, Any]) -> None:
        self.session.call("update workout", lambda g: g.update_workout(workout_id, payload))

    def delete_workout(self, workout_id: str) -> None:
        self.session.call("delete workout", lambda g: g.delete_workout(workout_id))

    # -- calendar ---------------------------------------------------------------------
    def schedule_workout(self, workout_id: str, day: date) -> str:
        """Put the workout on ``day``'s calendar; the schedule's id."""
        answer = self.session.call(
            "schedule workout", lambda g: g.schedule_workout(workout_id, day.isoformat())
        )
        schedule_id = _schedule_id(answer)
        if not schedule_id:
            raise SourceError("Garmin Connect schedule workout: no schedule id in the answer")
        return schedule_id

    def reschedule_workout(self, schedule_id: str, day: date) -> None:
        """Move a schedule to ``day`` (same schedule id)."""
        self.session.call(
            "move workout", lambda g: g.reschedule_workout(schedule_id, day.isoformat())
        )

    def schedule(self, schedule_id: str) -> Any:
        """One schedule (raw JSON: ``workout.workoutId``, ``calendarDate``); NotFound when gone."""
        return self.session.call(
            "read schedule", lambda g: g.get_scheduled_workout_by_id(schedule_id)
        )

    def unschedule_workout(self, schedule_id: str) -> None:
        self.session.call("unschedule workout", lambda g: g.unschedule_workout(schedule_id))

    def calendar_items(
        self, year: int, month: int, what: str | None = None
    ) -> list[dict[str, Any]]:
        """The ``calendarItems`` of one month (workouts, events, activities, notes); ``what``
        names the read in error messages."""
        answer = self.session.call(
            what or f"calendar {year}-{month:02d}",
            lambda g: g.get_scheduled_workouts(year, month),
        )
        found = answer.get("calendarItems") if isinstance(answer, dict) else None
        return [i for i in found or [] if isinstance(i, dict)]


def _schedule_id(answer: Any) -> str:
    if not isinstance(answer, dict):
        return ""
    for key in ("workoutScheduleId", "scheduleId", "id"):
        if answer.get(key):
            return str(answer[key])
    return ""
