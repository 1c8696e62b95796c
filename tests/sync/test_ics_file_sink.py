"""The ICS file sink passes the sink contract, and keeps what it did not write."""

from __future__ import annotations

from pathlib import Path

import pytest
from sink_contract import SinkContract, event_text

from sync.sinks.contract import Item
from sync.sinks.ics_file import IcsFileSink


class TestIcsFileSink(SinkContract):
    """The contract on a calendar file in a temporary folder."""

    @pytest.fixture
    def sink(self, tmp_path: Path) -> IcsFileSink:
        return IcsFileSink(tmp_path / "out" / "hamsync.ics", "hamsync")


def test_an_event_put_in_the_file_by_hand_is_kept_line_for_line(tmp_path: Path) -> None:
    """Writing hamsync's events never drops or changes another event in the file."""
    path = tmp_path / "hamsync.ics"
    sink = IcsFileSink(path, "hamsync")
    href, etag = sink.create(Item("a@hamsync", event_text("a@hamsync", "ours")))
    foreign = event_text("dentist@phone", "Dentist").encode()
    block = foreign[foreign.index(b"BEGIN:VEVENT") : foreign.index(b"END:VCALENDAR")]
    path.write_bytes(path.read_bytes().replace(b"END:VCALENDAR", block + b"END:VCALENDAR"))
    sink.update(href, Item("a@hamsync", event_text("a@hamsync", "ours, moved")), etag)
    assert block in path.read_bytes()
    assert dict(sink.list()).keys() == {"a@hamsync", "dentist@phone"}
