"""An ICS calendar of planned runs read from a URL served over real HTTP on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from connectors.base import SourceError
from connectors.ics_calendar import IcsUpcoming
from planner.settings import Settings

PLANNED = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//runner//EN\r\n"
    b"BEGIN:VEVENT\r\nUID:race-1@phone\r\nDTSTAMP:20261101T000000Z\r\n"
    b"DTSTART;VALUE=DATE:20261128\r\nDTEND;VALUE=DATE:20261129\r\nSUMMARY:Long trail run\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No request log in the test output."""


@pytest.fixture
def http_base(tmp_path: Path) -> Iterator[str]:
    """A static HTTP server on 127.0.0.1 serving tmp_path."""
    (tmp_path / "planned.ics").write_bytes(PLANNED)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=tmp_path))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_planned_runs_come_from_an_ics_url(http_base: str) -> None:
    """The long trail in the served calendar is read as a planned long run."""
    source = IcsUpcoming(f"{http_base}/planned.ics", ZoneInfo("Europe/Zurich"), Settings())
    events = source.planned(date(2026, 11, 25), date(2026, 12, 12))
    assert [(e.title, e.day, e.long) for e in events] == [
        ("Long trail run", date(2026, 11, 28), True)
    ]


def test_missing_ics_url_is_a_source_error_naming_the_status(http_base: str) -> None:
    """A 404 from the calendar URL is reported with its status, not a crash."""
    source = IcsUpcoming(f"{http_base}/nope.ics", ZoneInfo("Europe/Zurich"), Settings())
    with pytest.raises(SourceError, match="404"):
        source.planned(date(2026, 11, 25), date(2026, 12, 12))


def test_a_private_calendar_link_never_shows_its_key(http_base: str) -> None:
    """An error about a private link names the host and a fingerprint, not its path or key."""
    url = f"{http_base}/calendar/ical/private-5e3c7a9b1f/basic.ics?token=abcd1234"
    source = IcsUpcoming(url, ZoneInfo("Europe/Zurich"), Settings())
    with pytest.raises(SourceError) as excinfo:
        source.planned(date(2026, 11, 25), date(2026, 12, 12))
    message = str(excinfo.value)
    assert "404" in message and "127.0.0.1" in message and "(link " in message
    assert "basic.ics" not in message and "private-" not in message
    assert "5e3c7a9b1f" not in message and "abcd1234" not in message
