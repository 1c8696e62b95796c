"""Garmin Connect workouts as storage (role ``workouts``): each session a strength workout
scheduled on its day.

Garmin keeps a workout (in the library) apart from its schedule (on the calendar), so the
href names both: ``<workout id>/<schedule id>``. Garmin has no etag: the etag is a hash of
the workout and schedule as fetched (:func:`etag_of`), and every update and delete reads
them first and refuses (:class:`~sync.sinks.contract.PreconditionFailed`) when the hash is
not the one given. The item's uid ends the workout's description (:mod:`.workout_items`).

- ``create`` uploads, then schedules. A workout of this sink carrying the item's uid but on
  no calendar is what a create cut off between the two left: it is scheduled, not uploaded
  again. One carrying the uid and scheduled is :class:`~sync.sinks.contract.AlreadyExists`.
- ``update`` writes the workout only when it changed and moves the schedule only when the
  day changed (same workout id, same schedule id). A workout whose schedule is gone (the
  runner took it off the calendar) is :class:`~sync.sinks.contract.NotFound` for update:
  off the calendar is deleted for the runner.
- ``delete`` unschedules first (Garmin refuses to delete a scheduled workout), then deletes.
- ``list`` gives the workouts whose name starts with the prefix, with their schedules
  within :data:`LIST_MONTHS` months around today.

Any other Garmin failure is a :class:`~sync.sinks.base.SinkError` for the whole sink (a 429
carries its wait).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from connectors.base import SourceError
from connectors.garmin.api import GarminApi
from connectors.garmin.calendar import OWN_PREFIX
from connectors.garmin.session import GarminSession
from connectors.garmin.session import NotFound as GarminNotFound
from sync.sinks.base import SinkError
from sync.sinks.contract import AlreadyExists, Item, NotFound, PreconditionFailed, Role
from sync.sinks.workout_items import essentials, parts, uid_in, workout_text

Listing = list[dict[str, Any]]
"""Workouts as the library lists them (``workoutId``, ``workoutName``)."""

LIST_MONTHS = 3
"""``list`` looks for schedules this many months before and after the current one."""


@contextlib.contextmanager
def as_sink_error() -> Iterator[None]:
    """Garmin's failures (other than a 404) as the failure of the whole sink."""
    try:
        yield
    except SourceError as exc:
        raise SinkError.from_source(exc) from None


def etag_of(workout: Any, day: str) -> str:
    """A hash of the workout as fetched and the day it is scheduled on: changes with any edit."""
    text = json.dumps(workout, sort_keys=True, ensure_ascii=False) + "@" + day
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'


def split_href(href: str) -> tuple[str, str]:
    """``(workout id, schedule id)`` of an href (either may be "")."""
    workout_id, _, schedule_id = href.partition("/")
    return workout_id, schedule_id


class GarminWorkoutSink:
    """The runner's Garmin workouts and calendar as storage."""

    role: Role = "workouts"

    def __init__(
        self, session: GarminSession, prefix: str = OWN_PREFIX, name: str = "garmin"
    ) -> None:
        self.session = session
        self.prefix = prefix
        self.name = name
        self._listed: Listing | None = None

    @property
    def location(self) -> str:
        return "Garmin Connect"

    @property
    def api(self) -> GarminApi:
        """The calls, made through whichever session the sink holds now."""
        return GarminApi(self.session)

    # -- the contract -------------------------------------------------------------------
    def list(self) -> list[tuple[str, str]]:
        with as_sink_error():
            own = [w for w in self.api.own_workouts(0, 100)
                   if str(w.get("workoutName") or "").startswith(self.prefix)]  # fmt: skip
            schedules = self._schedules({str(w.get("workoutId")) for w in own})
            out = []
            for listed in own:
                workout_id = str(listed.get("workoutId"))
                href = f"{workout_id}/{schedules.get(workout_id, '')}"
                with contextlib.suppress(NotFound):
                    out.append((href, self.get(href)[1]))
        return out

    def get(self, href: str) -> tuple[Item, str]:
        workout, day = self._fetch(href)
        return Item(uid_in(workout), workout_text(workout, day)), etag_of(workout, day)

    def create(self, item: Item) -> tuple[str, str]:
        workout, day = parts(item.text)
        if not workout or not day:
            raise SinkError(f"{item.uid}: not a workout item")
        with as_sink_error():
            name = str(workout.get("workoutName") or "")
            workout_id = self._find(item.uid, name)
            if workout_id:
                schedule_id = self._schedule_of(workout_id, date.fromisoformat(day))
                if schedule_id:
                    raise AlreadyExists(f"{workout_id}/{schedule_id}")
            else:
                workout_id = self.api.upload_workout(workout)
                self._library().append({"workoutId": workout_id, "workoutName": name})
            schedule_id = self.api.schedule_workout(workout_id, date.fromisoformat(day))
        href = f"{workout_id}/{schedule_id}"
        return href, self.get(href)[1]

    def update(self, href: str, item: Item, etag: str) -> str:
        stored, day = self._fetch(href)
        if etag_of(stored, day) != etag:
            raise PreconditionFailed(href)
        workout_id, schedule_id = split_href(href)
        if not day:
            raise NotFound(href, f"{href}: the workout is on no calendar day any more")
        workout, new_day = parts(item.text)
        rewritten = essentials(workout) != essentials(stored)
        with as_sink_error():
            if rewritten:
                self.api.update_workout(workout_id, workout)
            if new_day != day:
                try:
                    self.api.reschedule_workout(schedule_id, date.fromisoformat(new_day))
                except GarminNotFound:
                    raise NotFound(href) from None
        if not rewritten:  # the workout as fetched, on its new day: no need to read it again
            return etag_of(stored, new_day)
        return self.get(href)[1]

    def delete(self, href: str, etag: str) -> None:
        stored, day = self._fetch(href)
        if etag_of(stored, day) != etag:
            raise PreconditionFailed(href)
        workout_id, schedule_id = split_href(href)
        with as_sink_error():
            if schedule_id:
                with contextlib.suppress(GarminNotFound):  # already off the calendar
                    self.api.unschedule_workout(schedule_id)
            try:
                self.api.delete_workout(workout_id)
            except GarminNotFound:
                raise NotFound(href) from None

    # -- reads --------------------------------------------------------------------------
    def _fetch(self, href: str) -> tuple[dict[str, Any], str]:
        """The workout at ``href`` and its scheduled day ("" when its schedule is gone)."""
        workout_id, schedule_id = split_href(href)
        if not workout_id.isdigit():
            raise NotFound(href)
        with as_sink_error():
            try:
                workout = self.api.workout(workout_id)
            except GarminNotFound:
                raise NotFound(href) from None
            if not isinstance(workout, dict):
                raise NotFound(href)
            day = ""
            if schedule_id:
                with contextlib.suppress(GarminNotFound):
                    schedule = self.api.schedule(schedule_id)
                    if _workout_of(schedule) == workout_id:
                        day = str(schedule.get("calendarDate") or "")
        return workout, day

    def _find(self, uid: str, name: str) -> str:
        """The id of a workout of this sink named ``name`` carrying ``uid``, if any."""
        for listed in [*self._library()]:
            if listed.get("workoutName") != name or not name.startswith(self.prefix):
                continue
            workout_id = str(listed.get("workoutId") or "")
            with contextlib.suppress(GarminNotFound):
                stored = self.api.workout(workout_id)
                if isinstance(stored, dict) and uid_in(stored) == uid:
                    return workout_id
        return ""

    def _library(self) -> Listing:
        """The runner's workouts as listed once by this sink, plus those it uploaded since."""
        if self._listed is None:
            self._listed = self.api.own_workouts(0, 100)
        return self._listed

    def _schedule_of(self, workout_id: str, day: date) -> str:
        """The schedule of ``workout_id`` on ``day``'s month's calendar ("" when none)."""
        for entry in self.api.calendar_items(day.year, day.month, "find schedule"):
            if str(entry.get("workoutId")) == workout_id and entry.get("id"):
                return str(entry["id"])
        return ""

    def _schedules(self, workout_ids: set[str]) -> dict[str, str]:
        """Workout id -> schedule id, for the schedules within LIST_MONTHS of today."""
        today = datetime.now(UTC).date()
        found: dict[str, str] = {}
        for step in range(-LIST_MONTHS, LIST_MONTHS + 1):
            index = today.year * 12 + today.month - 1 + step
            for entry in self.api.calendar_items(index // 12, index % 12 + 1, "list schedules"):
                workout_id = str(entry.get("workoutId"))
                if workout_id in workout_ids and entry.get("id"):
                    found.setdefault(workout_id, str(entry["id"]))
        return found


def _workout_of(schedule: Any) -> str:
    if not isinstance(schedule, dict):
        return ""
    workout = schedule.get("workout")
    return str(workout.get("workoutId")) if isinstance(workout, dict) else ""
