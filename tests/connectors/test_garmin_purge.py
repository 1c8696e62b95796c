"""`hamsync purge` on Garmin Connect: the real garminconnect client against the served stand-in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import responses
from garmin_server import API, Clock, add_login, api_calls, recorded, session_for, write_tokens
from requests import PreparedRequest
from test_garmin_sinks import (  # the workout sink's fixture, sessions and noted run
    FOCUSED,
    MAINTENANCE,
    NOTED_RUN,
    TODAY,
    ZURICH,
    context,
    garmin,  # noqa: F401  (fixture)
)

from sync.engine.writeback import purge, write_back
from sync.sinks.garmin_notes import GarminNotesSink, garmin_notes_writer
from sync.sinks.outcome import WriteContext
from sync.store.database import StateDatabase


def test_purge_unschedules_then_deletes_only_our_workouts(garmin: Any) -> None:  # noqa: F811
    """Our two workouts leave the calendar and the library; the runner's own workout stays."""
    sink, service, state, rsps = garmin
    sink.sync(context(FOCUSED, MAINTENANCE), state, dry_run=False)
    own = {"workoutId": 42, "workoutName": "Track 6x800", "workoutSegments": []}
    service.workouts[42] = own
    service.schedules[43] = {
        "workoutScheduleId": 43,
        "workout": {"workoutId": 42, "workoutName": "Track 6x800"},
        "calendarDate": "2026-11-27",
    }
    assert sink.purge(state, dry_run=True).deleted == 2
    before = len(api_calls(rsps))
    result = sink.purge(state, dry_run=False)
    assert result.deleted == 2 and result.conflicts == 0
    assert service.workouts == {42: own}
    assert service.calendar() == {"2026-11-27": (42, "Track 6x800")}
    calls = [(c.request.method, c.request.path_url.split("/")[2]) for c in api_calls(rsps)[before:]]
    checked = [("GET", "workout"), ("GET", "schedule")]  # the etag: a hash of what is there
    assert calls == [*checked, ("DELETE", "schedule"), ("DELETE", "workout")] * 2
    assert state.sink_items("garmin") == {}


def test_purge_leaves_a_renamed_workout(garmin: Any) -> None:  # noqa: F811
    """A workout the runner renamed is theirs now: reported and kept, and no longer recorded."""
    sink, service, state, _rsps = garmin
    sink.sync(context(FOCUSED), state, dry_run=False)
    (workout,) = service.workouts.values()
    workout["workoutName"] = "My own Nordic day"
    result = sink.purge(state, dry_run=False)
    assert (result.deleted, result.conflicts) == (0, 1)
    assert "left there for you" in result.messages[0]
    assert len(service.workouts) == 1 and service.calendar()
    assert state.sink_items("garmin") == {}


class Activity:
    """Garmin's copy of one recorded activity: GET answers it, PUT stores the description."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.url = f"{API}/activity-service/activity/{body['activityId']}"

    def get(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        return 200, {}, json.dumps(self.body)

    def put(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        self.body["description"] = json.loads(request.body or b"{}")["description"]
        return 204, {}, ""


@responses.activate
def test_purge_takes_our_block_out_and_keeps_the_runners_text(
    testdata_dir: Path, tmp_path: Path
) -> None:
    """After purge the description is exactly the runner's text again."""
    write_tokens(tmp_path)
    add_login(responses.mock)
    activity = Activity(recorded(testdata_dir, "test_activity_update_description_only__1_GET"))
    original = activity.body["description"]
    responses.add_callback(responses.GET, activity.url, callback=activity.get)
    responses.add_callback(responses.PUT, activity.url, callback=activity.put)
    state = StateDatabase.open(tmp_path / "state")
    sink = garmin_notes_writer(GarminNotesSink(session_for(tmp_path, Clock())))
    ctx = WriteContext(today=TODAY, tz=ZURICH, sessions=(FOCUSED,), runs=(NOTED_RUN,))
    write_back(sink, ctx, state)
    assert activity.body["description"] != original and "hamsync" in activity.body["description"]
    result = purge(sink, state)
    assert result.deleted == 1
    assert activity.body["description"] == original
    assert state.sink_items("garmin_notes") == {}
    state.close()
