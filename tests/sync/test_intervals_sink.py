"""The intervals.icu sink through the real client, against a local intervals.icu on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from intervals_server import ATHLETE, KEY, FakeIntervals, Fault, RunningServer, fixture, serve

from connectors.intervals.client import IntervalsAccount, IntervalsClient
from connectors.intervals.storage import IntervalsCalendar, uid_of
from planner.models import Dose, Session, SessionKind
from sync.sinks.base import SinkError, WriteContext
from sync.sinks.intervals import DISMISSED, IntervalsSink
from sync.store.database import State

TZ = ZoneInfo("Europe/Zurich")
TODAY = date(2026, 6, 10)


def session(sid: str, day: date, key: str = "glute_bridge") -> Session:
    return Session(sid, day, SessionKind.CONTROL, (Dose(key, 3, reps=10),), ("test reason",))


PLAN = (
    session("2026-W24-1", TODAY + timedelta(days=1)),
    session("2026-W24-2", TODAY + timedelta(days=4)),
    session("2026-W25-1", TODAY + timedelta(days=7)),
)


@pytest.fixture
def server() -> Iterator[RunningServer]:
    fake = FakeIntervals()
    fake.add_event(fixture("events.synthetic.json")[0] | {"id": 1})  # the runner's own run
    yield from serve(fake)


@pytest.fixture
def state(tmp_path: Path) -> Iterator[State]:
    opened = State.open(tmp_path / "state")
    yield opened
    opened.close()


def sink(server: RunningServer, key: str = KEY) -> IntervalsSink:
    return IntervalsSink(IntervalsClient(IntervalsAccount(ATHLETE, key, server.url)))


def write(server: RunningServer, state: State, plan: tuple[Session, ...] = PLAN, **kw: Any) -> Any:
    dry = kw.pop("dry_run", False)
    context = WriteContext(today=kw.pop("today", TODAY), tz=TZ, sessions=plan, **kw)
    return sink(server).sync(context, state, dry_run=dry)


def ours(server: RunningServer) -> dict[str, dict[str, Any]]:
    """hamsync's events on the server, by session id."""
    found = {uid_of(e): e for e in server.fake.events.values()}
    return {uid: e for uid, e in found.items() if uid is not None}


def test_each_session_becomes_a_weight_training_event_on_its_day(
    server: RunningServer, state: State
) -> None:
    result = write(server, state)
    assert (result.created, result.updated, result.deleted) == (3, 0, 0)
    events = ours(server)
    assert sorted(events) == [s.id for s in PLAN]
    first = events["2026-W24-1"]
    assert first["start_date_local"] == "2026-06-11T00:00:00"
    assert (first["category"], first["type"], first["moving_time"]) == (
        "WORKOUT", "WeightTraining", 1200,
    )  # fmt: skip
    assert "1. Glute bridge with heel pressure: 3 x 10, rest 60 s" in first["description"]
    assert first["name"].startswith("Hamstrings:")
    recorded = state.sink_items("intervals")
    assert {i.remote_id for i in recorded.values()} == {str(e["id"]) for e in events.values()}


def test_an_unchanged_plan_costs_one_request_and_writes_nothing(
    server: RunningServer, state: State
) -> None:
    write(server, state)
    server.fake.log.clear()
    result = write(server, state)
    assert (result.created, result.updated, result.deleted, result.conflicts) == (0, 0, 0, 0)
    assert [m for m, _, _ in server.fake.log] == ["GET"]


def test_a_moved_session_is_updated_in_place_and_a_dropped_one_deleted(
    server: RunningServer, state: State
) -> None:
    write(server, state)
    before = ours(server)
    moved = (replace(PLAN[0], day=PLAN[0].day + timedelta(days=1)), PLAN[1])
    result = write(server, state, moved)
    assert (result.created, result.updated, result.deleted) == (0, 1, 1)
    after = ours(server)
    assert sorted(after) == ["2026-W24-1", "2026-W24-2"]
    assert after["2026-W24-1"]["id"] == before["2026-W24-1"]["id"]
    assert after["2026-W24-1"]["start_date_local"] == "2026-06-12T00:00:00"
    assert 1 in server.fake.events  # the runner's own event is still there


def test_an_event_the_runner_edited_is_a_conflict_until_forced(
    server: RunningServer, state: State
) -> None:
    write(server, state)
    event = ours(server)["2026-W24-1"]
    event["name"] = "Hamstrings, after work"
    changed = (session("2026-W24-1", PLAN[0].day, "single_leg_rdl"), *PLAN[1:])
    result = write(server, state, changed)
    assert result.conflicts == 1 and result.updated == 0
    assert ours(server)["2026-W24-1"]["name"] == "Hamstrings, after work"
    forced = write(server, state, changed, force=True)
    assert forced.updated == 1
    assert "Single-leg" in ours(server)["2026-W24-1"]["description"]


def test_an_event_the_runner_deleted_stays_deleted_until_forced(
    server: RunningServer, state: State
) -> None:
    write(server, state)
    del server.fake.events[int(ours(server)["2026-W24-2"]["id"])]
    result = write(server, state)
    assert (result.created, result.conflicts) == (0, 1)
    assert state.sink_items("intervals")["2026-W24-2"].etag == DISMISSED
    again = write(server, state)
    assert (again.created, again.conflicts) == (0, 0) and "2026-W24-2" not in ours(server)
    forced = write(server, state, force=True)
    assert forced.created == 1 and "2026-W24-2" in ours(server)


def test_a_create_whose_answer_was_lost_is_adopted_not_doubled(
    server: RunningServer, state: State
) -> None:
    """The event reached intervals.icu but the answer did not reach hamsync: the next sync
    finds it by hamsync's id and marker and records it instead of writing a second one."""
    client = IntervalsClient(IntervalsAccount(ATHLETE, KEY, server.url))
    lost = sink(server).item_for(PLAN[0])
    IntervalsCalendar(client, TODAY, TODAY + timedelta(days=10)).create(lost)
    result = write(server, state)
    assert result.created == 3
    assert len(ours(server)) == 3 and len(server.fake.requests("POST")) == 3  # 1 lost + 2


def test_an_update_whose_answer_was_lost_is_recorded_not_a_conflict(
    server: RunningServer, state: State
) -> None:
    """The update reached intervals.icu but the answer did not reach hamsync: the event
    already says what hamsync wants, so it is recorded, not reported as the runner's edit."""
    write(server, state)
    changed = (session("2026-W24-1", PLAN[0].day, "slider_curl"), *PLAN[1:])
    client = IntervalsClient(IntervalsAccount(ATHLETE, KEY, server.url))
    calendar = IntervalsCalendar(client, TODAY, TODAY + timedelta(days=10))
    listed = dict(calendar.list())
    event_id = state.sink_items("intervals")["2026-W24-1"].remote_id
    calendar.update(event_id, sink(server).item_for(changed[0]), listed[event_id])
    result = write(server, state, changed)
    assert (result.updated, result.conflicts) == (1, 0)
    assert len(server.fake.requests("PUT")) == 1  # not written twice
    assert write(server, state, changed).updated == 0


def test_purge_removes_exactly_hamsyncs_events(server: RunningServer, state: State) -> None:
    """Unedited events go; one the runner renamed stays (reported), one whose marker they
    removed is theirs now and stays; the runner's own event is never touched."""
    write(server, state)
    renamed, unmarked = ours(server)["2026-W25-1"], ours(server)["2026-W24-2"]
    renamed["name"] = "Hamstrings with Anna"
    unmarked["description"] += "\nmy note"
    sinked = sink(server)
    assert sinked.purge(state, dry_run=True).deleted == 3
    result = sinked.purge(state, dry_run=False)
    assert (result.deleted, result.conflicts) == (1, 1)
    assert set(server.fake.events) == {1, int(renamed["id"]), int(unmarked["id"])}
    assert state.sink_items("intervals") == {}
    assert [m for m, _, _ in server.fake.log if m != "GET"] == ["POST"] * 3 + ["DELETE"]


def test_a_401_names_the_key_and_records_nothing(server: RunningServer, state: State) -> None:
    context = WriteContext(today=TODAY, tz=TZ, sessions=PLAN)
    with pytest.raises(SinkError) as caught:
        sink(server, key="revoked").sync(context, state, dry_run=False)
    assert "HAMSYNC_INTERVALS_API_KEY" in str(caught.value)
    assert "intervals.api_key" in str(caught.value)
    assert state.sink_items("intervals") == {}


def test_a_429_is_retried_on_a_later_sync_with_what_was_written_recorded(
    server: RunningServer, state: State
) -> None:
    """The second create meets a 429: the first is recorded, the error carries the wait,
    and the next sync writes the rest without doubling the first."""
    server.fake.fault_on[3] = Fault(429, {"Retry-After": "90"})  # GET, POST, POST
    with pytest.raises(SinkError) as caught:
        write(server, state)
    assert caught.value.retry_after_s == 90
    assert list(state.sink_items("intervals")) == ["2026-W24-1"]
    assert len(server.fake.requests("POST")) == 2
    write(server, state)
    assert sorted(ours(server)) == [s.id for s in PLAN]


def test_dry_run_asks_nothing(server: RunningServer, state: State) -> None:
    result = write(server, state, dry_run=True)
    assert result.created == 3 and server.fake.log == []


def test_past_sessions_are_history(server: RunningServer, state: State) -> None:
    """A session before today is never moved or deleted, whatever the plan says now."""
    write(server, state)
    later = TODAY + timedelta(days=2)
    result = write(server, state, PLAN[1:], today=later)
    assert result.deleted == 0 and "2026-W24-1" in ours(server)
