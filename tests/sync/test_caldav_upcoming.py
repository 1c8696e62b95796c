"""Planned runs read from a real Radicale on 127.0.0.1: one bad item costs only itself, and
cancelled and multi-day events read as from a file (issue 14, kinds 1-3)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from radicale_server import Radicale

from connectors.caldav_calendar import CalDavAccount, CalDavUpcoming
from planner.settings import Settings

PASSWORD = "correct horse battery"
ZURICH = ZoneInfo("Europe/Zurich")


def item(body: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//runner//EN\r\nBEGIN:VEVENT\r\n"
        + "\r\n".join(body.strip().splitlines())
        + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


GOOD = item(
    "UID:good@runner\nDTSTAMP:20260101T000000Z\nSUMMARY:Long trail run\n"
    "DTSTART;TZID=Europe/Zurich:20260307T080000\nDTEND;TZID=Europe/Zurich:20260307T113000"
)
BAD_RULE = item(
    "UID:blabla\nDTSTAMP:20260101T000000Z\nSUMMARY:Trail club\n"
    "DTSTART:20260303T170000Z\nDTEND:20260303T180000Z\nRRULE:FREQ=WEEKLY;INTERVAL=0;COUNT=3"
)
SECONDLY = item(
    "UID:dos@runner\nDTSTAMP:20260101T000000Z\nSUMMARY:trail run\n"
    "DTSTART:20260301T000000Z\nDURATION:PT1S\nRRULE:FREQ=SECONDLY"
)
CANCELLED = item(
    "UID:race@runner\nDTSTAMP:20260101T000000Z\nSUMMARY:Trail race\nSTATUS:CANCELLED\n"
    "DTSTART;VALUE=DATE:20260311\nDTEND;VALUE=DATE:20260312"
)
CAMP = item(
    "UID:camp@runner\nDTSTAMP:20260101T000000Z\nSUMMARY:Trail running camp\n"
    "DTSTART;VALUE=DATE:20260313\nDTEND;VALUE=DATE:20260316"
)


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    server = Radicale(tmp_path / "radicale", password=PASSWORD)
    server.folder.mkdir()
    server.start()
    server.make_calendar("Training")
    yield server
    server.stop()


def test_one_bad_item_costs_only_itself(radicale: Radicale) -> None:
    """A series with a broken rule and a cancelled race sit beside the good events:
    the good ones are read (a camp on each of its days), the bad ones named in warnings."""
    with radicale.client() as client:
        calendar = client.principal().calendars()[0]
        for text in (GOOD, BAD_RULE, CANCELLED, CAMP):
            calendar.save_event(text)
    account = CalDavAccount(radicale.url, radicale.user, PASSWORD, "Training")
    source = CalDavUpcoming(account, ZURICH, Settings())
    events = source.planned(date(2026, 3, 2), date(2026, 3, 20))
    assert [(e.day, e.title, e.last_day) for e in events] == [
        (date(2026, 3, 7), "Long trail run", None),
        (date(2026, 3, 13), "Trail running camp", date(2026, 3, 15)),
        (date(2026, 3, 14), "Trail running camp", date(2026, 3, 15)),
        (date(2026, 3, 15), "Trail running camp", date(2026, 3, 15)),
    ]
    assert len(source.warnings) == 1 and '"Trail club" (2026-03-03)' in source.warnings[0]
