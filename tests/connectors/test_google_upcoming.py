"""Planned runs from a Google calendar, on the real client against the local stand-in.

The events are the shapes ``events.list`` returns with ``singleEvents=true``
(``google_fixtures/planned_events.synthetic.json``); they are classified by the same rules
as any calendar: run words, durations, all-day and multi-day events, cancelled ones never.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from google_server import FIXTURES, TRAINING, GoogleStandIn, service_for

from connectors.base import SourceError
from connectors.google.upcoming import GoogleUpcoming, entries_of
from planner.models import PlannedEvent
from planner.settings import Settings

TZ = ZoneInfo("Europe/Zurich")
FIRST, LAST = date(2026, 11, 22), date(2026, 12, 13)


@pytest.fixture
def google() -> Iterator[GoogleStandIn]:
    planned = json.loads((FIXTURES / "planned_events.synthetic.json").read_text())["items"]
    with GoogleStandIn() as stand_in:
        for event in planned:
            stand_in.runner_adds(TRAINING, event)
        yield stand_in


def read(google: GoogleStandIn, calendar: str = "Training") -> list[PlannedEvent]:
    source = GoogleUpcoming(lambda: service_for(google), calendar, TZ, Settings())
    return source.planned(FIRST, LAST)


def by_day(events: list[PlannedEvent]) -> dict[tuple[date, str], PlannedEvent]:
    return {(e.day, e.title): e for e in events}


def test_runs_races_and_their_days(google: GoogleStandIn) -> None:
    """Runs by their words and lengths; an all-day race weekend on both its days (end date
    exclusive); a night run on the two dates it touches; nothing else."""
    found = by_day(read(google))
    assert set(found) == {
        (date(2026, 11, 28), "Long trail run Jura"),
        (date(2026, 11, 26), "Hills repeats"),
        (date(2026, 12, 5), "Trail race weekend"),
        (date(2026, 12, 6), "Trail race weekend"),
        (date(2026, 12, 1), "Night run"),
        (date(2026, 12, 2), "Night run"),
    }
    long = found[(date(2026, 11, 28), "Long trail run Jura")]
    assert long.long and long.duration_s == 3.5 * 3600
    assert found[(date(2026, 11, 26), "Hills repeats")].hill
    race = found[(date(2026, 12, 5), "Trail race weekend")]
    assert race.race and not race.long and race.start is None  # all day: no duration
    assert race.last_day == date(2026, 12, 6)  # R4 counts the after-race days from it
    assert found[(date(2026, 12, 1), "Night run")].last_day == date(2026, 12, 2)
    assert found[(date(2026, 12, 1), "Night run")].duration_s == 3 * 3600


def test_one_window_request_with_expanded_occurrences(google: GoogleStandIn) -> None:
    """One calendar lookup by name and one events.list over the window, recurrences expanded
    by Google and deleted occurrences left out."""
    read(google)
    api = google.api_requests()
    assert [r.path.rsplit("/", 1)[-1] for r in api] == ["calendarList", "events"]
    listing = api[1]
    assert listing.param("singleEvents") == "true" and listing.param("showDeleted") == "false"
    assert listing.param("timeMin") == "2026-11-22T00:00:00+01:00"
    assert listing.param("timeMax") == "2026-12-14T00:00:00+01:00"


def test_pages_are_followed(google: GoogleStandIn) -> None:
    """A window over several pages is read whole."""
    google.page_size = 2
    assert len(read(google, TRAINING)) == 6
    assert len([r for r in google.api_requests() if r.path.endswith("/events")]) == 4


def test_cancelled_and_own_events_never_count() -> None:
    """A cancelled occurrence (whatever its title) and an event hamsync wrote are no runs."""
    cancelled = {
        "id": "x", "status": "cancelled", "summary": "Long run",
        "start": {"dateTime": "2026-12-03T18:00:00+01:00"},
        "end": {"dateTime": "2026-12-03T20:00:00+01:00"},
    }  # fmt: skip
    ours = {
        **cancelled, "status": "confirmed",
        "extendedProperties": {"private": {"hamsyncInstall": "another-install"}},
    }  # fmt: skip
    assert entries_of(cancelled, TZ) == [] and entries_of(ours, TZ) == []


def test_multi_day_shapes_in_the_runners_zone() -> None:
    """Across a DST change, an all-day event covers its dates; a timed one ending at
    midnight does not cover the next day; a UTC time counts on the local date."""
    camp = {"id": "c", "summary": "Trail camp", "start": {"date": "2027-03-27"},
            "end": {"date": "2027-03-30"}}  # fmt: skip
    assert [e.day for e in entries_of(camp, TZ)] == [
        date(2027, 3, 27), date(2027, 3, 28), date(2027, 3, 29)
    ]  # fmt: skip
    evening = {"id": "e", "summary": "Run", "start": {"dateTime": "2026-12-01T22:00:00+01:00"},
               "end": {"dateTime": "2026-12-02T00:00:00+01:00"}}  # fmt: skip
    assert [e.day for e in entries_of(evening, TZ)] == [date(2026, 12, 1)]
    late = {"id": "u", "summary": "Run", "start": {"dateTime": "2026-12-01T23:30:00Z"},
            "end": {"dateTime": "2026-12-02T00:30:00Z"}}  # fmt: skip
    assert [e.day for e in entries_of(late, TZ)] == [date(2026, 12, 2)]


def test_one_malformed_event_costs_only_itself(google: GoogleStandIn) -> None:
    """An event with an unreadable start is skipped; the others are read."""
    google.runner_adds(TRAINING, {"id": "bad", "summary": "Run", "start": {"dateTime": "soon"},
                                  "end": {"dateTime": "later"}})  # fmt: skip
    google.calendars[TRAINING].events["bad"]["start"] = {"date": "2026-11-30"}
    google.calendars[TRAINING].events["bad"]["end"] = {"date": "not a date"}
    assert len(read(google)) == 6


def test_revoked_access_names_the_login_command(google: GoogleStandIn) -> None:
    """A revoked grant fails the calendar with the command that fixes it."""
    google.revoked = True
    with pytest.raises(SourceError) as caught:
        read(google)
    assert "hamsync login google" in caught.value.fix
