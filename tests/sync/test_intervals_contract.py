"""The intervals.icu sink passes the sink contract against the local intervals.icu."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from intervals_server import ATHLETE, KEY, FakeIntervals, serve
from sink_contract import SinkContract

from connectors.intervals.client import IntervalsAccount, IntervalsClient
from connectors.intervals.storage import EventItem
from sync.sinks.contract import Item
from sync.sinks.intervals_storage import IntervalsStorage, from_text, install_of, to_text


class TestIntervalsStorage(SinkContract):
    """The contract, with intervals.icu workout items (JSON) instead of iCalendar events."""

    def item(self, uid: str, version: int) -> Item:
        event = EventItem(uid, date(2026, 11, 27), f"Hamstrings v{version}", "1. Bridge", 20)
        return Item(uid, to_text(event, install_of(uid)))

    def same_content(self, a: Item, b: Item) -> bool:
        return from_text(a.text) == from_text(b.text)

    @pytest.fixture
    def sink(self) -> Iterator[IntervalsStorage]:
        for running in serve(FakeIntervals()):
            client = IntervalsClient(IntervalsAccount(ATHLETE, KEY, running.url))
            with IntervalsStorage(client, today=lambda: date(2026, 11, 25)) as opened:
                yield opened
