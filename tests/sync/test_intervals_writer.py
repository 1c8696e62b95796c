"""The intervals.icu sink through the write-back executor, against the local intervals.icu."""

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
from connectors.intervals.storage import uid_of
from planner.models import Dose, Reason, Session, SessionKind
from sync.engine.writeback import purge, write_back
from sync.sinks.base import SinkError
from sync.sinks.intervals_storage import IntervalsRenderer, IntervalsStorage
from sync.sinks.outcome import WriteContext
from sync.sinks.renderer import Writer
from sync.store.database import StateDatabase

TZ = ZoneInfo("Europe/Zurich")
TODAY = date(2026, 6, 10)
INSTALL = "c0ffee00c0ffee00"


def session(sid: str, day: date, key: str = "glute_bridge") -> Session:
    dose = (Dose(key, 3, reps=10),)
    return Session(sid, day, SessionKind.CONTROL, dose, (Reason("R5", "test reason"),))


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
def state(tmp_path: Path) -> Iterator[StateDatabase]:
    opened = StateDatabase.open(tmp_path / "state")
    yield opened
    opened.close()


def writer(server: RunningServer, key: str = KEY, install: str = INSTALL) -> Writer:
    client = IntervalsClient(IntervalsAccount(ATHLETE, key, server.url))
    storage = IntervalsStorage(client, today=lambda: TODAY)
    return Writer(storage, IntervalsRenderer(install))


def write(
    server: RunningServer, state: StateDatabase, plan: tuple[Session, ...] = PLAN, **kw: Any
) -> Any:
    context = WriteContext(today=TODAY, tz=TZ, sessions=plan, **kw)
    return write_back(writer(server), context, state)


def ours(server: RunningServer) -> dict[str, dict[str, Any]]:
    found = {uid_of(e): e for e in server.fake.events.values()}
    return {uid.split(".")[0]: e for uid, e in found.items() if uid is not None}


def test_sessions_become_workout_events_and_an_unchanged_plan_asks_nothing(
    server: RunningServer, state: StateDatabase
) -> None:
    result = write(server, state)
    assert result.created == 3
    assert sorted(ours(server)) == [s.id for s in PLAN]
    event = ours(server)["2026-W24-1"]
    assert (event["type"], event["start_date_local"]) == ("WeightTraining", "2026-06-11T00:00:00")
    assert event["external_id"] == f"hamsync-2026-W24-1.{INSTALL}@hamsync"
    server.fake.log.clear()
    assert write(server, state).created == 0
    assert server.fake.log == []


def test_moved_updated_in_place_dropped_deleted(
    server: RunningServer, state: StateDatabase
) -> None:
    write(server, state)
    before = ours(server)["2026-W24-1"]["id"]
    server.fake.log.clear()
    moved = (replace(PLAN[0], day=PLAN[0].day + timedelta(days=1)), PLAN[1])
    result = write(server, state, moved)
    assert (result.updated, result.deleted) == (1, 1)
    assert ours(server)["2026-W24-1"]["id"] == before
    assert sorted(ours(server)) == ["2026-W24-1", "2026-W24-2"] and 1 in server.fake.events
    assert [m for m, _, _ in server.fake.log] == ["GET", "PUT", "DELETE"]


def test_the_runners_edit_is_kept_and_reported(server: RunningServer, state: StateDatabase) -> None:
    write(server, state)
    ours(server)["2026-W24-1"]["name"] = "Hamstrings, after work"
    changed = (session("2026-W24-1", PLAN[0].day, "slider_curl"), *PLAN[1:])
    result = write(server, state, changed)
    assert result.conflicts == 1 and result.updated == 0
    assert ours(server)["2026-W24-1"]["name"] == "Hamstrings, after work"


def test_another_installs_event_is_left_alone(
    server: RunningServer, state: StateDatabase, tmp_path: Path
) -> None:
    """Two installs writing the same session to one calendar keep two events apart."""
    context = WriteContext(today=TODAY, tz=TZ, sessions=PLAN[:1])
    write_back(writer(server, install="0ther1nstall0000"), context, state)
    fresh = StateDatabase.open(tmp_path / "second")
    try:
        result = write_back(writer(server), context, fresh)
    finally:
        fresh.close()
    assert result.created == 1
    assert len([e for e in server.fake.events.values() if uid_of(e)]) == 2


def test_purge_removes_exactly_hamsyncs(server: RunningServer, state: StateDatabase) -> None:
    write(server, state)
    purge(writer(server), state)
    assert set(server.fake.events) == {1}
    assert state.sink_items("intervals") == {}


def test_401_and_429_stop_the_sink_with_what_was_written_recorded(
    server: RunningServer, state: StateDatabase
) -> None:
    with pytest.raises(SinkError, match="HAMSYNC_INTERVALS_API_KEY"):
        write_back(
            writer(server, key="revoked"), WriteContext(today=TODAY, tz=TZ, sessions=PLAN), state
        )
    server.fake.fault_on[len(server.fake.log) + 3] = Fault(429, {"Retry-After": "90"})
    with pytest.raises(SinkError) as caught:
        write(server, state)
    assert caught.value.retry_after_s == 90
    write(server, state)
    assert sorted(ours(server)) == [s.id for s in PLAN]
