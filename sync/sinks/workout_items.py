"""Sessions as workout items (role ``workouts``): how the executor renders them and tells a
workout hamsync wrote from one it did not.

An item's text is JSON ``{"workout": <Garmin workout>, "day": "YYYY-MM-DD"}``: the workout as
``upload_workout`` sends it and the day it is scheduled on. The item's uid (which carries the
install id, :mod:`sync.store.install_id`) ends the workout's description as ``[<uid>]``: the
only field of a workout that Garmin keeps as written and hamsync controls. Garmin adds its
own ids to what it stores, so two workouts are compared on :func:`essentials`, never byte for
byte.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from connectors.garmin.workout_map import MAX_WORKOUT_TEXT, build_workout, payload_hash
from planner.models import Session
from planner.settings import Settings
from sync.sinks.contract import Item
from sync.sinks.vevent import uid_for

UID_TAG = re.compile(r"\[([^\[\]\s]+@hamsync)\]\s*$")
"""The uid at the end of a workout's description."""
INSTALL_OF_UID = re.compile(r"^[^.@]+\.([^@]+)@hamsync$")


def workout_text(workout: Any, day: str) -> str:
    """The item text of ``workout`` scheduled on ``day`` ("" when it is on no calendar day)."""
    return json.dumps({"workout": workout, "day": day}, sort_keys=True, ensure_ascii=False)


def parts(text: str) -> tuple[dict[str, Any], str]:
    """``(workout, day)`` of an item's text; ``({}, "")`` when it is not a workout item."""
    try:
        data = json.loads(text)
    except ValueError:
        return {}, ""
    if not isinstance(data, dict) or not isinstance(data.get("workout"), dict):
        return {}, ""
    return data["workout"], str(data.get("day") or "")


def uid_in(workout: dict[str, Any]) -> str:
    """The uid written at the end of the workout's description ("" when none)."""
    found = UID_TAG.search(str(workout.get("description") or ""))
    return found.group(1) if found else ""


def essentials(workout: Any) -> Any:
    """What a runner could change and the watch shows: name, description, sport and steps
    (kind, exercise, amounts, order), without the ids and dates Garmin adds."""
    if not isinstance(workout, dict):
        return None
    keep = ("type", "stepOrder", "category", "exerciseName", "numberOfIterations",
            "endConditionValue", "description")  # fmt: skip

    def steps(items: Any) -> list[Any]:
        out = []
        for step in items or []:
            if isinstance(step, dict):
                kind = (step.get("stepType") or {}).get("stepTypeKey")
                out.append(([step.get(k) for k in keep], kind, steps(step.get("workoutSteps"))))
        return out

    segments = [steps(s.get("workoutSteps")) for s in workout.get("workoutSegments") or []
                if isinstance(s, dict)]  # fmt: skip
    return (workout.get("workoutName"), workout.get("description"), segments)


@dataclass(frozen=True, slots=True)
class WorkoutRenderer:
    """Renders sessions as Garmin strength workouts for one install."""

    settings: Settings
    prefix: str
    install: str

    def uid(self, session_id: str) -> str:
        return uid_for(session_id, self.install)

    def digest(self, session: Session) -> str:
        """Changes exactly when the workout or its day changes (not with the uid)."""
        payload = build_workout(session, self.settings, self.prefix)
        return payload_hash(payload, session.day.isoformat())

    def render(self, session: Session, sequence: int, uid: str) -> Item:
        payload = build_workout(session, self.settings, self.prefix)
        tag = f" [{uid}]"
        about = str(payload.get("description") or "")[: MAX_WORKOUT_TEXT - len(tag)]
        payload["description"] = about.rstrip() + tag
        return Item(uid, workout_text(payload, session.day.isoformat()))

    def same(self, a: Item, b: Item) -> bool:
        """The same workout on the same day, however Garmin stored it."""
        (wa, da), (wb, db) = parts(a.text), parts(b.text)
        return bool(wa) and da == db and essentials(wa) == essentials(wb)

    def owner(self, item: Item) -> str:
        found = INSTALL_OF_UID.match(uid_in(parts(item.text)[0]))
        return found.group(1) if found else ""
