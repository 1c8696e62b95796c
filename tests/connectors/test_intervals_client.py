"""The intervals.icu client's reuse of a calendar read, against the local server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from intervals_server import ATHLETE, KEY, FakeIntervals, RunningServer, fixture, serve

from connectors.intervals.client import EVENTS_REUSE_S, IntervalsAccount, IntervalsClient


@pytest.fixture
def server() -> Iterator[RunningServer]:
    fake = FakeIntervals()
    for event in fixture("events.synthetic.json"):
        fake.add_event(event)
    yield from serve(fake)


@pytest.fixture
def clock() -> list[float]:
    return [1000.0]


@pytest.fixture
def client(server: RunningServer, clock: list[float]) -> IntervalsClient:
    return IntervalsClient(IntervalsAccount(ATHLETE, KEY, server.url), clock=lambda: clock[0])


def names(events: list[dict[str, object]]) -> list[object]:
    return sorted(e["name"] for e in events)


def test_a_read_of_days_just_read_costs_no_request(
    client: IntervalsClient, server: RunningServer
) -> None:
    """The look-ahead read of three weeks serves the sink's listing of the first days, with
    exactly the events a fresh read of those days gives (a multi-day race included)."""
    client.events("2026-06-03", "2026-06-30")
    inner = client.events("2026-06-20", "2026-06-23")
    assert len(server.fake.log) == 1
    fresh = IntervalsClient(client.account).events("2026-06-20", "2026-06-23")
    assert names(inner) == names(fresh) == ["Sierre-Zinal", "Stage race"]


def test_a_write_or_a_minute_makes_the_next_read_ask_again(
    client: IntervalsClient, server: RunningServer, clock: list[float]
) -> None:
    client.events("2026-06-03", "2026-06-30")
    client.delete_event("503")
    assert "Holiday run club closed" not in names(client.events("2026-06-10", "2026-06-20"))
    assert len(server.fake.requests("GET")) == 2
    clock[0] += EVENTS_REUSE_S + 1
    client.events("2026-06-10", "2026-06-20")
    assert len(server.fake.requests("GET")) == 3


def test_days_outside_the_last_read_are_asked_for(
    client: IntervalsClient, server: RunningServer
) -> None:
    client.events("2026-06-10", "2026-06-20")
    client.events("2026-06-10", "2026-06-21")
    assert len(server.fake.requests("GET")) == 2
