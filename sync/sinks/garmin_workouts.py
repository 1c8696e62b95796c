"""The Garmin Connect workout sink: each session a strength workout scheduled on its day.

What was written is recorded per session in ``sink_items``: ``remote_id`` is the workout id,
``etag`` the schedule id, ``day`` the scheduled day, ``body`` the session as written. Each
step of a write is recorded as soon as Garmin confirms it, and an item whose write did not
finish keeps an empty ``content_hash``, so the diff hands it back on the next sync, which
finishes it: it looks for the workout by its name before uploading again and for the
schedule on the calendar before scheduling again, so a cut-off write never doubles a workout.

Only workouts hamsync created are touched: those with a recorded id whose name still starts
with the prefix. A moved session is rescheduled (same workout, same schedule); a dropped one
is unscheduled, then deleted.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from connectors.base import SourceError
from connectors.garmin.api import GarminApi
from connectors.garmin.calendar import OWN_PREFIX
from connectors.garmin.session import GarminSession, NotFound
from connectors.garmin.workout_map import build_workout, payload_hash, workout_name
from planner.models import Session
from planner.settings import Settings
from sync.engine.diff import Action, ActionKind
from sync.engine.faults import checkpoint
from sync.engine.valves import checked_diff
from sync.sinks.base import SinkError
from sync.sinks.outcome import SinkResult, WriteContext
from sync.store.database import SinkItem, State
from sync.store.serialize import session_body, session_from_body


class GarminWorkoutSink:
    def __init__(
        self, session: GarminSession, settings: Settings, prefix: str = OWN_PREFIX,
        name: str = "garmin",
    ) -> None:  # fmt: skip
        self.session = session
        self.settings = settings
        self.prefix = prefix
        self.name = name

    @property
    def api(self) -> GarminApi:
        """The calls, made through whichever session the sink holds now."""
        return GarminApi(self.session)

    def sync(self, context: WriteContext, state: State, dry_run: bool) -> SinkResult:
        _, actions = checked_diff(self.name, context, state, self._digest)
        result = SinkResult()
        for action in actions:
            if dry_run:
                result.count(action.kind)
                continue
            try:
                if action.kind is ActionKind.DELETE:
                    assert action.recorded is not None
                    self._delete(action.recorded, state, result)
                else:
                    assert action.session is not None
                    self._write(action, action.session, state, result)
            except SourceError as exc:
                raise SinkError.from_source(exc) from None
        return result

    def purge(self, state: State, dry_run: bool) -> SinkResult:
        """``hamsync purge``: unschedule and delete every workout hamsync recorded.

        Past and future alike, each as a dropped session is: only workouts whose name still
        carries the prefix are touched (a renamed one is left, reported), and each is forgotten
        once gone, so a purge cut short by Garmin is finished by the next one.
        """
        items = sorted(state.sink_items(self.name).values(), key=lambda i: (i.day, i.session_id))
        if dry_run:
            return SinkResult(deleted=len(items))
        result = SinkResult()
        try:
            for item in items:
                self._delete(item, state, result)
        except SourceError as exc:
            raise SinkError.from_source(exc) from None
        return result

    # -- create and update --------------------------------------------------------------
    def _write(self, action: Action, session: Session, state: State, result: SinkResult) -> None:
        payload = build_workout(session, self.settings, self.prefix)
        before = action.recorded
        repairing = before is not None and before.content_hash == ""
        item = before or self._record(session, session.day, "", "", "", state)
        workout_id = item.remote_id or (self._find_workout(session) if repairing else "")
        schedule_id, scheduled_day = item.etag, item.day
        if workout_id and (repairing or self._changed(item, payload)):
            if self._get_own(workout_id) is None:  # deleted or renamed on Garmin's side
                workout_id = schedule_id = ""
            else:
                self.api.update_workout(workout_id, payload)
                checkpoint("sink-written", self.name)
        if not workout_id:
            workout_id = self._upload(payload)
            item = self._record(session, item.day, workout_id, "", "", state)
            self._read_back(workout_id, payload, result)
        elif repairing and not schedule_id:
            schedule_id = self._find_schedule(workout_id, session.day)
            scheduled_day = session.day
        if not schedule_id:
            schedule_id = self._schedule(workout_id, session.day)
        elif scheduled_day != session.day:
            schedule_id = self._reschedule(workout_id, schedule_id, session.day)
        self._record(session, session.day, workout_id, schedule_id, self._digest(session), state)
        result.count(ActionKind.CREATE if before is None else ActionKind.UPDATE)

    def _upload(self, payload: dict[str, Any]) -> str:
        workout_id = self.api.upload_workout(payload)
        checkpoint("sink-written", self.name)
        return workout_id

    def _read_back(self, workout_id: str, payload: dict[str, Any], result: SinkResult) -> None:
        """Read the workout Garmin stored and say so when it is not what was sent."""
        stored = self.api.workout(workout_id, "read workout back")
        if exercise_keys(stored) != exercise_keys(payload) or (
            isinstance(stored, dict) and stored.get("workoutName") != payload["workoutName"]
        ):
            result.messages.append(
                f"Garmin stored workout {workout_id} differently from what was sent"
            )

    def _schedule(self, workout_id: str, day: date) -> str:
        schedule_id = self.api.schedule_workout(workout_id, day)
        checkpoint("sink-written", self.name)
        return schedule_id

    def _reschedule(self, workout_id: str, schedule_id: str, day: date) -> str:
        try:
            self.api.reschedule_workout(schedule_id, day)
        except NotFound:  # the runner removed it from the calendar: schedule it again
            return self._schedule(workout_id, day)
        checkpoint("sink-written", self.name)
        return schedule_id

    def _changed(self, item: SinkItem, payload: dict[str, Any]) -> bool:
        before = build_workout(session_from_body(item.body), self.settings, self.prefix)
        return before != payload

    # -- delete ---------------------------------------------------------------------------
    def _delete(self, item: SinkItem, state: State, result: SinkResult) -> None:
        session = session_from_body(item.body)
        workout_id = item.remote_id or self._find_workout(session)
        if workout_id and self._get_own(workout_id, result) is not None:
            if item.etag:
                self._forget_not_found(lambda: self.api.unschedule_workout(item.etag))
                self._record(session, item.day, workout_id, "", "", state)
            self._forget_not_found(lambda: self.api.delete_workout(workout_id))
        with state.transaction():
            state.delete_sink_item(self.name, item.session_id)
            checkpoint("sink-transaction", self.name)
        result.deleted += 1

    def _forget_not_found(self, call: Callable[[], None]) -> None:
        with contextlib.suppress(NotFound):  # already gone: the goal is reached
            call()
        checkpoint("sink-written", self.name)

    # -- helpers --------------------------------------------------------------------------
    def _get_own(self, workout_id: str, result: SinkResult | None = None) -> Any:
        """The workout if it still exists and is ours by name; None when it is gone."""
        try:
            workout = self.api.workout(workout_id)
        except NotFound:
            return None
        name = workout.get("workoutName") if isinstance(workout, dict) else None
        if not (isinstance(name, str) and name.startswith(self.prefix)):
            if result is not None:
                result.conflicts += 1
                result.messages.append(f"workout {workout_id} was renamed: left alone")
            return None
        return workout

    def _find_workout(self, session: Session) -> str:
        """A workout of ours for this session that a cut-off write left behind, if any."""
        suffix = f" {session.id}"
        for workout in self.api.own_workouts(0, 100):
            name = str(workout.get("workoutName") or "")
            if name.startswith(self.prefix) and name.endswith(suffix):
                return str(workout.get("workoutId") or "")
        return ""

    def _find_schedule(self, workout_id: str, day: date) -> str:
        """The schedule of ``workout_id`` on the calendar of ``day``'s month, if any."""
        for entry in self.api.calendar_items(day.year, day.month, "read calendar"):
            if entry.get("itemType") == "workout" and str(entry.get("workoutId")) == workout_id:
                if entry.get("date") == day.isoformat():
                    return str(entry.get("id"))
                stale = str(entry.get("id"))
                self._forget_not_found(partial(self.api.unschedule_workout, stale))
        return ""

    def _digest(self, session: Session) -> str:
        payload = build_workout(session, self.settings, self.prefix)
        return payload_hash(payload, session.day.isoformat())

    def _record(
        self, session: Session, day: date, workout_id: str, schedule_id: str, digest: str,
        state: State,
    ) -> SinkItem:  # fmt: skip
        item = SinkItem(
            sink=self.name, session_id=session.id, day=day, remote_id=workout_id,
            etag=schedule_id, content_hash=digest, sequence=0,
            body=session_body(session),
        )  # fmt: skip
        with state.transaction():
            state.put_sink_item(item)
            checkpoint("sink-transaction", self.name)
        return item


def exercise_keys(workout: Any) -> list[tuple[str, str]]:
    """(category, exercise name) of every step, in order: what the watch will show."""
    keys: list[tuple[str, str]] = []

    def walk(steps: Any) -> None:
        for step in steps or []:
            if step.get("type") == "RepeatGroupDTO":
                walk(step.get("workoutSteps"))
            elif step.get("category"):
                keys.append((str(step["category"]), str(step.get("exerciseName") or "")))

    for segment in (workout or {}).get("workoutSegments") or []:
        walk(segment.get("workoutSteps"))
    return keys


__all__ = ["GarminWorkoutSink", "workout_name"]
