"""The Strava notes sink: the real stravalib client writing a marked block to a description,
through the write-back executor (as `hamsync sync` runs it)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
import responses
from strava_fake import API, load

from connectors.strava import StravaApi, Tokens
from connectors.strava.oauth import MemoryTokenStore
from planner.models import Run, RunFlags, Sport
from sync.engine.writeback import write_back
from sync.sinks.note_block import BEGIN, END
from sync.sinks.outcome import SinkResult, WriteContext
from sync.sinks.strava_notes import StravaNotesSink, strava_notes_writer
from sync.store.database import StateDatabase

TZ = ZoneInfo("Europe/Zurich")
RUNNER_TEXT = "Legs felt great on the ridge. Thanks Anna for the pacing!"


class Activity:
    """Strava's copy of one activity: GET answers it, PUT updates its description."""

    def __init__(self, recorded: dict[str, Any]) -> None:
        self.body = dict(recorded)
        self.body["description"] = RUNNER_TEXT
        self.puts: list[dict[str, Any]] = []

    def install(self, rsps: responses.RequestsMock) -> None:
        url = f"{API}/activities/{self.body['id']}"
        rsps.add_callback(responses.GET, url, callback=self._get)
        rsps.add_callback(responses.PUT, url, callback=self._put)

    def _get(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        return 200, {}, json.dumps(self.body)

    def _put(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        sent = json.loads(request.body or b"{}")
        self.puts.append(sent)
        self.body.update(sent)
        return (
            200,
            {"X-RateLimit-Usage": "10,50", "X-RateLimit-Limit": "200,2000"},
            json.dumps(self.body),
        )


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def activity(testdata_dir: Path, rsps: responses.RequestsMock) -> Activity:
    """The real PUT /activities answer (a manual run), with the runner's own description."""
    found = Activity(load(testdata_dir, "update_activity_response.json"))
    found.install(rsps)
    return found


@pytest.fixture
def state(tmp_path: Path) -> Iterator[StateDatabase]:
    opened = StateDatabase.open(tmp_path / "state")
    yield opened
    opened.close()


def api() -> StravaApi:
    store = MemoryTokenStore(Tokens("refresh", "access", int(datetime.now(UTC).timestamp()) + 7200))
    return StravaApi(1234, "client-secret", store)


def long_descent(activity_id: int, descent: float = 1240.0) -> tuple[Run, RunFlags]:
    run = Run(
        id="file:ridge.fit",
        sources=("file:ridge.fit", f"strava:{activity_id}"),
        start=datetime(2026, 11, 21, 8, 0, tzinfo=UTC),
        sport=Sport.TRAIL_RUN,
        distance_m=28_000,
        moving_s=4 * 3600,
        elapsed_s=4.5 * 3600,
        ascent_m=descent,
        descent_m=descent,
        descent_from="device",
    )
    return run, RunFlags(
        trail=True, long=True, heavy_descent=True, very_heavy_descent=True, hill=False
    )


def context(*runs: tuple[Run, RunFlags]) -> WriteContext:
    return WriteContext(today=date(2026, 11, 23), tz=TZ, sessions=(), runs=runs)


def write_notes(
    sink: StravaNotesSink, ctx: WriteContext, state: StateDatabase, dry_run: bool = False
) -> SinkResult:
    """One sync's notes, as ``run_once`` writes them (a dry run on a scratch copy)."""
    return write_back(
        strava_notes_writer(sink), ctx, state.scratch_copy() if dry_run else state, dry_run
    )


def test_note_keeps_the_runners_text_and_is_written_once(
    activity: Activity, state: StateDatabase, rsps: responses.RequestsMock
) -> None:
    """The block lands under the runner's text; a re-sync makes no request and no second block."""
    sink = StravaNotesSink(api())
    first = write_notes(sink, context(long_descent(activity.body["id"])), state)
    assert first.created == 1
    (sent,) = activity.puts
    assert sent["description"].startswith(RUNNER_TEXT)
    assert "1,240 m descent" in sent["description"]
    assert [c.request.method for c in rsps.calls] == ["GET", "PUT"]  # read first, then write
    rsps.calls.reset()  # type: ignore[no-untyped-call]
    again = write_notes(StravaNotesSink(api()), context(long_descent(activity.body["id"])), state)
    assert (again.created, again.updated) == (0, 0)
    assert len(rsps.calls) == 0


def test_changed_note_replaces_only_our_block(activity: Activity, state: StateDatabase) -> None:
    """A new figure rewrites our block in place; the runner's later edit survives."""
    aid = activity.body["id"]
    write_notes(StravaNotesSink(api()), context(long_descent(aid)), state)
    activity.body["description"] = activity.body["description"] + "\n\nPS: new shoes."
    result = write_notes(StravaNotesSink(api()), context(long_descent(aid, 1300.0)), state)
    assert result.updated == 1
    text = activity.body["description"]
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    assert RUNNER_TEXT in text and "PS: new shoes." in text
    assert "1,300 m descent" in text and "1,240" not in text


def test_block_already_there_is_not_duplicated(activity: Activity, state: StateDatabase) -> None:
    """With the state lost, a block already in the description is replaced, not repeated."""
    aid = activity.body["id"]
    write_notes(StravaNotesSink(api()), context(long_descent(aid)), state)
    with state.transaction():
        state.delete_sink_item("strava_notes", "file:ridge.fit")
    activity.puts.clear()
    write_notes(StravaNotesSink(api()), context(long_descent(aid)), state)
    assert activity.puts == []  # the description already says exactly this
    assert activity.body["description"].count(BEGIN) == 1


def test_ordinary_runs_and_dry_runs_write_nothing(
    activity: Activity, state: StateDatabase, rsps: responses.RequestsMock
) -> None:
    """Runs without a long/heavy flag get no note, and a dry run sends no request."""
    run, _flags = long_descent(activity.body["id"])
    plain = RunFlags(
        trail=True, long=False, heavy_descent=False, very_heavy_descent=False, hill=False
    )
    assert write_notes(StravaNotesSink(api()), context((run, plain)), state).created == 0
    ctx = context(long_descent(activity.body["id"]))
    dry = write_notes(StravaNotesSink(api()), ctx, state, dry_run=True)
    assert dry.created == 1
    assert len(rsps.calls) == 0 and state.sink_items("strava_notes") == {}


def test_near_the_rate_limit_the_notes_stop_quietly_and_the_next_sync_finishes(
    testdata_dir: Path, rsps: responses.RequestsMock, state: StateDatabase
) -> None:
    """A cap of three requests leaves room for one note (a read and a write): the sync stops
    before the second with a message, not an error; the next sync writes the second."""
    first = Activity(load(testdata_dir, "update_activity_response.json"))
    second_body = dict(load(testdata_dir, "update_activity_response.json"), id=1982980796)
    second = Activity(second_body)
    for activity in (first, second):
        activity.install(rsps)
    run_a = long_descent(first.body["id"])
    run_b, flags = long_descent(second.body["id"])
    run_b = replace(run_b, id="file:other.fit", sources=("file:other.fit", "strava:1982980796"))
    capped = StravaApi(1234, "client-secret", MemoryTokenStore(
        Tokens("refresh", "access", int(datetime.now(UTC).timestamp()) + 7200)
    ), max_requests=3)  # fmt: skip
    result = write_notes(StravaNotesSink(capped), context(run_a, (run_b, flags)), state)
    assert result.created == 1 and result.failures == []
    (message,) = result.messages
    assert "Strava's rate limit" in message and "next sync" in message
    assert [len(a.puts) for a in (first, second)] == [1, 0]
    assert list(state.sink_items("strava_notes")) == [run_a[0].id]  # no intent left behind
    after = write_notes(StravaNotesSink(api()), context(run_a, (run_b, flags)), state)
    assert (after.created, after.updated) == (1, 0)
    assert [a.body["description"].count(BEGIN) for a in (first, second)] == [1, 1]
