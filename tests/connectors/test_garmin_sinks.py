"""Garmin workouts and notes: the real garminconnect client writing to a served Garmin stand-in."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import responses
from garmin_server import (
    API,
    Clock,
    WorkoutService,
    add_login,
    api_calls,
    recorded,
    session_for,
    write_tokens,
)
from garminconnect.exercises import EXERCISES

from connectors.garmin.calendar import OWN_PREFIX
from connectors.garmin.session import GarminSession
from connectors.garmin.workout_map import EXERCISE_MAP, build_workout
from planner.models import Dose, Reason, Run, RunFlags, Session, SessionKind, Sport
from planner.settings import Settings
from sync.engine import writeback
from sync.sinks.base import SinkError
from sync.sinks.garmin_notes import GarminNotesSink, garmin_notes_writer
from sync.sinks.garmin_workouts import GarminWorkoutSink
from sync.sinks.outcome import SinkResult, WriteContext
from sync.sinks.renderer import Writer
from sync.sinks.workout_items import WorkoutRenderer
from sync.store.database import StateDatabase

INSTALL = "c0ffee00c0ffee00"


class Workouts:
    """The Garmin workout sink as a sync runs it: through the write-back executor."""

    def __init__(self, session: GarminSession) -> None:
        self.storage = GarminWorkoutSink(session)
        self.writer = Writer(self.storage, WorkoutRenderer(Settings(), OWN_PREFIX, INSTALL))

    @property
    def session(self) -> GarminSession:
        return self.storage.session

    @session.setter
    def session(self, session: GarminSession) -> None:  # the next sync's session
        self.storage.session = session

    def sync(self, context: WriteContext, state: StateDatabase, dry_run: bool) -> SinkResult:
        if dry_run:
            return writeback.write_back(self.writer, context, state.scratch_copy(), True)
        return writeback.write_back(self.writer, context, state)

    def purge(self, state: StateDatabase, dry_run: bool) -> SinkResult:
        if dry_run:
            return writeback.purge(self.writer, state.scratch_copy(), True)
        return writeback.purge(self.writer, state)


ZURICH = ZoneInfo("Europe/Zurich")
TODAY = date(2026, 11, 23)
FOCUSED = Session(
    id="2026-W48-1",
    day=date(2026, 11, 25),
    kind=SessionKind.FOCUSED,
    exercises=(
        Dose("glute_bridge", 3, reps=10),
        Dose("hamstring_walkout", 3, reps=6),
        Dose("nordic", 2, reps=4, rest_s=120),
    ),
    reasons=(Reason("R5", "2 trail runs this week."),),
)
MAINTENANCE = Session(
    id="2026-W48-2",
    day=date(2026, 11, 28),
    kind=SessionKind.MAINTENANCE,
    exercises=(Dose("single_leg_rdl", 2, reps=8, per_side=True), Dose("step_down", 2, reps=8)),
)


@pytest.fixture
def garmin(tmp_path: Path) -> Any:
    """A signed-in session against a stateful workout service; yields (sink, service, state)."""
    write_tokens(tmp_path / "tokens")
    service = WorkoutService()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        add_login(rsps)
        service.install(rsps)
        session = session_for(tmp_path / "tokens", Clock())
        state = StateDatabase.open(tmp_path / "state")
        yield Workouts(session), service, state, rsps
        state.close()


def context(*sessions: Session) -> WriteContext:
    return WriteContext(today=TODAY, tz=ZURICH, sessions=sessions)


def steps_of(workout: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for step in workout["workoutSegments"][0]["workoutSteps"]:
        out.append(step)
        out.extend(step.get("workoutSteps", []))
    return out


def kind_of(step: dict[str, Any]) -> str:
    if step["type"] == "RepeatGroupDTO":
        return "repeat"
    return "exercise" if "category" in step else step["stepType"]["stepTypeKey"]


def test_payload_has_the_shape_of_the_shared_example(testdata_dir: Path) -> None:
    """Top level, segment, repeat, exercise and rest steps carry the keys the example carries."""
    example = json.loads(
        (testdata_dir / "garmin" / "strength_workout_payload_example.json").read_text()
    )
    ours = build_workout(FOCUSED, Settings(), "hamsync:")
    assert set(ours) == set(example)
    assert ours["sportType"] == example["sportType"]
    assert set(ours["workoutSegments"][0]) == set(example["workoutSegments"][0])
    union: dict[str, set[str]] = {}
    common: dict[str, set[str]] = {}
    for step in steps_of(example):
        union[kind_of(step)] = union.get(kind_of(step), set()) | set(step)
        common[kind_of(step)] = common.get(kind_of(step), set(step)) & set(step)
    for step in steps_of(ours):
        assert common[kind_of(step)] <= set(step) <= union[kind_of(step)], kind_of(step)
    orders = [s["stepOrder"] for s in steps_of(ours)]
    assert len(orders) == len(set(orders))


def test_every_exercise_maps_to_a_real_garmin_key_with_its_name_and_cue() -> None:
    """Each mapped pair exists in Garmin's catalogue; stand-ins carry the real name and cue."""
    known = {(e["category"], e["exercise"]) for e in EXERCISES}
    for key, mapped in EXERCISE_MAP.items():
        assert (mapped.category, mapped.name) in known, key
    workout = build_workout(FOCUSED, Settings(), "hamsync:")
    texts = [s["description"] for s in steps_of(workout) if kind_of(s) == "exercise"]
    assert texts[1].startswith("Hamstring walkout: From a bridge")
    assert texts[2].startswith("Nordic hamstring curl: Ankles anchored")
    reps = [s["endConditionValue"] for s in steps_of(workout) if kind_of(s) == "exercise"]
    sets = [s["numberOfIterations"] for s in steps_of(workout) if kind_of(s) == "repeat"]
    rests = [s["endConditionValue"] for s in steps_of(workout) if kind_of(s) == "rest"]
    assert (reps, sets, rests) == ([10.0, 6.0, 4.0], [3, 3, 2], [60.0, 60.0, 120.0])


def test_create_move_delete_cycle(garmin: Any) -> None:
    """Created and scheduled, read back, moved in place, then unscheduled and deleted."""
    sink, service, state, rsps = garmin
    result = sink.sync(context(FOCUSED, MAINTENANCE), state, dry_run=False)
    assert result.created == 2 and result.messages == []
    assert sorted(service.calendar()) == ["2026-11-25", "2026-11-28"]
    names = [name for _id, name in service.calendar().values()]
    assert sorted(names) == ["hamsync: focused 2026-W48-1", "hamsync: maintenance 2026-W48-2"]
    # the library is listed once (a cut-off create is found, not doubled); each create
    # uploads, schedules, then reads workout and schedule back for the etag
    writes = ["POST", "POST", "GET", "GET"]
    assert [c.request.method for c in api_calls(rsps)] == ["GET", *writes, *writes]
    item = state.sink_items("garmin")["2026-W48-1"]
    assert item.remote_id and item.etag and item.content_hash

    before = len(api_calls(rsps))
    assert sink.sync(context(FOCUSED, MAINTENANCE), state, dry_run=False).updated == 0
    assert len(api_calls(rsps)) == before  # an unchanged plan makes no request

    moved = replace(FOCUSED, day=date(2026, 11, 26))
    result = sink.sync(context(moved, MAINTENANCE), state, dry_run=False)
    assert result.updated == 1 and len(service.workouts) == 2
    assert service.calendar()["2026-11-26"][0] == int(item.remote_id.split("/")[0])
    assert "2026-11-25" not in service.calendar()
    assert state.sink_items("garmin")["2026-W48-1"].remote_id == item.remote_id  # same schedule
    # read (etag check), then only the schedule moves (the library reads it before its PUT)
    assert [c.request.method for c in api_calls(rsps)[before:]] == ["GET", "GET", "GET", "PUT"]

    result = sink.sync(context(moved), state, dry_run=False)
    assert result.deleted == 1
    assert list(service.calendar()) == ["2026-11-26"] and len(service.workouts) == 1
    assert set(state.sink_items("garmin")) == {"2026-W48-1"}


def test_a_429_on_schedule_is_repaired_without_a_second_workout(garmin: Any) -> None:
    """Upload works, scheduling gets a 429: reported; the next sync schedules the same workout."""
    sink, service, state, rsps = garmin
    service.fail_next["POST schedule"] = 429
    with pytest.raises(SinkError, match="429"):
        sink.sync(context(FOCUSED), state, dry_run=False)
    assert len(service.workouts) == 1 and service.calendar() == {}
    posts = len(api_calls(rsps, "POST"))
    with pytest.raises(SinkError, match="429"):  # same session: no request during the cool-down
        sink.sync(context(FOCUSED), state, dry_run=False)
    assert len(api_calls(rsps, "POST")) == posts

    sink.session = session_for(sink.session.token_dir, Clock())  # the next sync
    result = sink.sync(context(FOCUSED), state, dry_run=False)
    assert result.created == 1  # the create, finished
    assert len(service.workouts) == 1 and list(service.calendar()) == ["2026-11-25"]
    assert len(service.uploads) == 1  # the workout found by its uid and scheduled, not re-sent


def test_a_lost_upload_answer_is_adopted_by_name(garmin: Any) -> None:
    """The upload reached Garmin but its answer was lost: the next sync finds it by name."""
    sink, service, state, _rsps = garmin
    service.fail_next["GET workout/"] = 500  # the read-back fails after the upload
    with pytest.raises(SinkError):
        sink.sync(context(FOCUSED), state, dry_run=False)
    with state.transaction():  # as if the workout id had never come back
        state.put_sink_item(replace(state.sink_items("garmin")["2026-W48-1"], remote_id=""))
    sink.session = session_for(sink.session.token_dir, Clock())
    sink.sync(context(FOCUSED), state, dry_run=False)
    assert len(service.workouts) == 1 and list(service.calendar()) == ["2026-11-25"]


def test_a_workout_the_runner_renamed_is_left_alone(garmin: Any) -> None:
    """A recorded workout whose name lost the prefix is not deleted: a conflict instead."""
    sink, service, state, _rsps = garmin
    sink.sync(context(FOCUSED), state, dry_run=False)
    (workout,) = service.workouts.values()
    workout["workoutName"] = "My own Nordic day"
    result = sink.sync(context(), state, dry_run=False)
    assert result.conflicts == 1 and len(service.workouts) == 1 and service.calendar()


NOTED_RUN = (
    Run(
        id="garmin:21522899847", sources=("garmin:21522899847",),
        start=datetime(2026, 11, 22, 8, tzinfo=UTC), sport=Sport.TRAIL_RUN, distance_m=21000,
        moving_s=9000, elapsed_s=9500, ascent_m=1300, descent_m=1240, descent_from="device",
    ),
    RunFlags(trail=True, long=True, heavy_descent=True, very_heavy_descent=True, hill=True),
)  # fmt: skip
"""The recorded Garmin activity as a long trail with a very heavy descent: it gets a note."""


@responses.activate
def test_note_block_replaces_only_ours_in_the_description(
    testdata_dir: Path, tmp_path: Path
) -> None:
    """The recorded description is read first and kept; our block is added, then replaced."""
    write_tokens(tmp_path)
    add_login(responses.mock)
    activity = recorded(testdata_dir, "test_activity_update_description_only__1_GET")
    url = f"{API}/activity-service/activity/21522899847"
    responses.get(url, json=activity)
    responses.put(url, status=204)
    state = StateDatabase.open(tmp_path / "state")
    sink = garmin_notes_writer(GarminNotesSink(session_for(tmp_path, Clock())))
    ctx = WriteContext(today=TODAY, tz=ZURICH, sessions=(FOCUSED,), runs=(NOTED_RUN,))
    assert writeback.write_back(sink, ctx, state).created == 1
    sent = json.loads(responses.calls[-1].request.body)
    assert sent["description"].startswith(
        "Test description only\n\n--- hamsync ---\nhamsync: 1,240 m"
    )
    assert sent["activityId"] == "21522899847"
    calls = len(responses.calls)
    assert writeback.write_back(sink, ctx, state).updated == 0
    assert len(responses.calls) == calls  # same note: not even a read
    state.close()
