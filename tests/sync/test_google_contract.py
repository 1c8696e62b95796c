"""The Google Calendar sink passes the one sink contract, on the real client and the stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from google_server import GoogleStandIn, service_for
from sink_contract import SinkContract

from connectors.google.listing import ListingCache
from connectors.google.storage import GoogleCalendarStorage
from sync.sinks.google import GoogleEventSink


class TestGoogleContract(SinkContract):
    @pytest.fixture
    def sink(self, tmp_path: Path) -> Iterator[GoogleEventSink]:
        with GoogleStandIn() as google:
            storage = GoogleCalendarStorage(
                lambda: service_for(google), "Training", "c0ffee00c0ffee00",
                ListingCache(tmp_path / "google.json"),
            )  # fmt: skip
            yield GoogleEventSink(storage)
