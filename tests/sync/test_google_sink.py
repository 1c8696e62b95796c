"""The Google Calendar sink, on the real client against the local stand-in, request by request.

What a runner checks in Google Calendar: one event per session, moved in place, removed when
the session goes; their own events untouched; an event they edited or deleted left as they
left it (reported); and a sync with nothing new costs one list request.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from google_server import TRAINING, GoogleStandIn, service_for

from connectors.google.listing import ListingCache
from connectors.google.storage import GoogleCalendarStorage
from planner.models import Dose, Reason, Session, SessionKind
from sync.engine.writeback import DISMISSED, purge, write_back
from sync.sinks.base import SinkError
from sync.sinks.event_items import EventRenderer
from sync.sinks.google import GoogleEventSink
from sync.sinks.outcome import SinkResult, WriteContext
from sync.sinks.renderer import Writer
from sync.sinks.vevent import EventTiming
from sync.store.database import StateDatabase

TZ = ZoneInfo("Europe/Zurich")
TODAY = date(2026, 11, 25)
TIMING = EventTiming.from_config(TZ, "18:00", 20)
INSTALL = "feedfacecafebeef"


def session(sid: str, day: date, kind: SessionKind = SessionKind.CONTROL) -> Session:
    dose = (Dose("glute_bridge", 3, reps=10),)
    return Session(sid, day, kind, dose, (Reason("R5", "test reason"),))


PLAN = (
    session("2026-W48-1", TODAY + timedelta(days=1)),
    session("2026-W48-2", TODAY + timedelta(days=3), SessionKind.HEAVIER),
    session("2026-W49-1", TODAY + timedelta(days=6)),
)


@pytest.fixture
def google() -> Iterator[GoogleStandIn]:
    with GoogleStandIn() as stand_in:
        yield stand_in


@pytest.fixture
def state(tmp_path: Path) -> Iterator[StateDatabase]:
    opened = StateDatabase.open(tmp_path / "state")
    yield opened
    opened.close()


def make_sink(google: GoogleStandIn, tmp_path: Path) -> Writer:
    """A fresh sink as each `hamsync sync` builds one (new client, new credentials)."""
    storage = GoogleCalendarStorage(
        lambda: service_for(google),
        "Training",
        INSTALL,
        ListingCache(tmp_path / "state" / "google" / "google.json"),
    )
    return Writer(GoogleEventSink(storage), EventRenderer(TIMING, INSTALL))


def write(
    google: GoogleStandIn,
    tmp_path: Path,
    state: StateDatabase,
    sessions: tuple[Session, ...] = PLAN,
    force: bool = False,
) -> SinkResult:
    context = WriteContext(TODAY, TZ, sessions, force=force)
    return write_back(make_sink(google, tmp_path), context, state)


def counts(result: SinkResult) -> tuple[int, int, int, int]:
    return (result.created, result.updated, result.deleted, result.conflicts)


def test_first_sync_creates_one_event_per_session(
    google: GoogleStandIn, tmp_path: Path, state: StateDatabase
) -> None:
    """Three sessions become three events at 18:00 local, marked with the install, nobody
    notified; the runner's own event stays as it was."""
    dentist = google.runner_adds(TRAINING, {"summary": "Dentist"})
    before = dict(google.calendars[TRAINING].events[dentist])
    assert counts(write(google, tmp_path, state)) == (3, 0, 0, 0)
    events = google.live_events(TRAINING)
    ours = {k: v for k, v in events.items() if k != dentist}
    assert len(ours) == 3
    for event in ours.values():
        assert event["summary"].startswith("Hamstrings: ")
        assert event["extendedProperties"]["private"]["hamsyncInstall"] == INSTALL
        assert event["transparency"] == "transparent"
    starts = sorted(e["start"]["dateTime"] for e in ours.values())
    assert starts[0] == "2026-11-26T17:00:00Z"  # 18:00 in Zurich
    assert google.calendars[TRAINING].events[dentist] == before
    recorded = state.sink_items("google")
    assert {i.remote_id: i.etag for i in recorded.values()} == {
        k: v["etag"] for k, v in ours.items()
    }
    inserts = [r for r in google.api_requests() if r.method == "POST"]
    assert [r.param("sendUpdates") for r in inserts] == ["none"] * 3


def test_idle_sync_sends_no_request(
    google: GoogleStandIn, tmp_path: Path, state: StateDatabase
) -> None:
    """Nothing new: the executor writes nothing, so Google is not asked at all."""
    write(google, tmp_path, state)
    before = {k: v["etag"] for k, v in google.live_events(TRAINING).items()}
    google.requests.clear()
    assert counts(write(google, tmp_path, state)) == (0, 0, 0, 0)
    assert google.requests == []
    assert {k: v["etag"] for k, v in google.live_events(TRAINING).items()} == before


def test_a_new_session_lists_once_with_the_sync_token(
    google: GoogleStandIn, tmp_path: Path, state: StateDatabase
) -> None:
    """A create first checks the uid is not there yet: ONE events.list with the syncToken of
    the last listing, then the insert."""
    write(google, tmp_path, state, PLAN[:2])
    google.requests.clear()
    assert counts(write(google, tmp_path, state)) == (1, 0, 0, 0)
    api = google.api_requests()
    assert [r.method for r in api] == ["GET", "POST"]
    assert api[0].param("syncToken") is not None


def test_nothing_of_ours_sends_nothing(
    google: GoogleStandIn, tmp_path: Path, state: StateDatabase
) -> None:
    """No session and nothing recorded: not even a token refresh."""
    assert counts(write(google, tmp_path, state, ())) == (0, 0, 0, 0)
    assert google.requests == []


def test_dry_run_asks_google_nothing(
    google: GoogleStandIn, tmp_path: Path, state: StateDatabase
) -> None:
    """`sync --dry-run` counts what it would write and sends no request."""
    scratch = state.scratch_copy()
    result = write_back(make_sink(google, tmp_path), WriteContext(TODAY, TZ, PLAN), scratch, True)
    assert counts(result) == (3, 0, 0, 0)
    assert google.requests == [] and state.sink_items("google") == {}


def test_move_patches_in_place_and_drop_deletes(
    google: GoogleStandIn, tmp_path: Path, state: StateDatabase
) -> None:
    """A moved session keeps its event (PATCH with If-Match); a dropped one is deleted."""
    write(google, tmp_path, state)
    old = state.sink_items("google")
    moved = replace(PLAN[0], day=PLAN[0].day + timedelta(days=1))
    google.requests.clear()
    assert counts(write(google, tmp_path, state, (moved, PLAN[1]))) == (0, 1, 1, 0)
    patch = next(r for r in google.api_requests() if r.method == "PATCH")
    delete = next(r for r in google.api_requests() if r.method == "DELETE")
    assert patch.path.endswith(old[moved.id].remote_id)
    assert patch.headers["if-match"] == old[moved.id].etag
    assert delete.headers["if-match"] == old[PLAN[2].id].etag
    events = google.live_events(TRAINING)
    assert events[old[moved.id].remote_id]["start"]["dateTime"] == "2026-11-27T17:00:00Z"
    assert old[PLAN[2].id].remote_id not in events
    assert set(state.sink_items("google")) == {moved.id, PLAN[1].id}


def test_an_event_the_runner_edited_is_a_conflict(
    google: GoogleStandIn, tmp_path: Path, state: StateDatabase
) -> None:
    """Edited in Google Calendar: reported, not overwritten, even when the session moves;
    `--force` puts hamsync's version back."""
    write(google, tmp_path, state)
    href = state.sink_items("google")[PLAN[0].id].remote_id
    google.runner_edits(TRAINING, href, "Bridges, done at lunch")
    moved = replace(PLAN[0], day=PLAN[0].day + timedelta(days=1))
    result = write(google, tmp_path, state, (moved, *PLAN[1:]))
    assert counts(result) == (0, 0, 0, 1)
    assert "edited in the calendar" in result.messages[0]
    assert google.live_events(TRAINING)[href]["summary"] == "Bridges, done at lunch"
    patch = next(r for r in google.api_requests() if r.method == "PATCH")
    assert patch.headers["if-match"] != google.live_events(TRAINING)[href]["etag"]  # refused
    forced = write(google, tmp_path, state, (moved, *PLAN[1:]), force=True)
    assert counts(forced) == (0, 1, 0, 0)
    assert google.live_events(TRAINING)[href]["summary"].startswith("Hamstrings: ")


def test_an_event_the_runner_deleted_is_dismissed(
    google: GoogleStandIn, tmp_path: Path, state: StateDatabase
) -> None:
    """Deleted in Google Calendar (Google keeps it as cancelled): when hamsync would move it,
    it is remembered as dismissed and never re-created; `--force` brings it back."""
    write(google, tmp_path, state)
    href = state.sink_items("google")[PLAN[1].id].remote_id
    google.runner_deletes(TRAINING, href)
    moved = (PLAN[0], replace(PLAN[1], day=PLAN[1].day + timedelta(days=1)), PLAN[2])
    first = write(google, tmp_path, state, moved)
    assert counts(first) == (0, 0, 0, 1)
    assert "deleted" in first.messages[0]
    assert state.sink_items("google")[PLAN[1].id].etag == DISMISSED
    again = write(google, tmp_path, state, moved)
    assert counts(again) == (0, 0, 0, 0)
    assert len(google.live_events(TRAINING)) == 2
    forced = write(google, tmp_path, state, moved, force=True)
    assert counts(forced) == (1, 0, 0, 0)
    assert len(google.live_events(TRAINING)) == 3


def test_a_create_whose_answer_was_lost_is_adopted(
    google: GoogleStandIn, tmp_path: Path, state: StateDatabase
) -> None:
    """The event reached Google but was never recorded (a crash between the two): the next
    sync finds it in the listing and adopts it instead of writing a second one."""
    writer = make_sink(google, tmp_path)
    renderer = writer.renderer
    writer.sink.create(renderer.render(PLAN[0], 0, renderer.uid(PLAN[0].id)))
    result = write(google, tmp_path, state)
    assert counts(result) == (3, 0, 0, 0)
    assert len(google.live_events(TRAINING)) == 3
    assert len([r for r in google.api_requests() if r.method == "POST"]) == 3


def test_purge_deletes_what_hamsync_wrote_and_nothing_else(
    google: GoogleStandIn, tmp_path: Path, state: StateDatabase
) -> None:
    """`purge`: recorded events deleted with If-Match; an edited one stays, reported; the
    runner's own event stays; the records are gone; no listing is needed."""
    dentist = google.runner_adds(TRAINING, {"summary": "Dentist"})
    write(google, tmp_path, state)
    edited = state.sink_items("google")[PLAN[2].id].remote_id
    google.runner_edits(TRAINING, edited, "kept by the runner")
    writer = make_sink(google, tmp_path)
    assert purge(writer, state.scratch_copy(), dry_run=True).deleted == 3
    google.requests.clear()
    result = purge(writer, state)
    assert (result.deleted, result.conflicts) == (2, 1)
    assert set(google.live_events(TRAINING)) == {dentist, edited}
    assert state.sink_items("google") == {}
    assert {r.method for r in google.api_requests()} <= {"DELETE", "GET"}  # GET: the refused one


def test_revoked_access_is_an_error_naming_the_login_command(
    google: GoogleStandIn, tmp_path: Path, state: StateDatabase
) -> None:
    """A revoked grant: the sink fails with `hamsync login google`; nothing recorded."""
    google.revoked = True
    with pytest.raises(SinkError, match="hamsync login google"):
        write(google, tmp_path, state)
    assert not [i for i in state.sink_items("google").values() if i.remote_id]


def test_rate_limit_leaves_the_rest_for_the_next_sync(
    google: GoogleStandIn, tmp_path: Path, state: StateDatabase
) -> None:
    """A 403 rateLimitExceeded on the second insert: what was written is recorded, the
    error asks for a later sync with the server's wait, and the next sync finishes the job."""
    google.fault_method = "POST"
    google.faults = [None, (403, "error_403_rateLimitExceeded", {"Retry-After": "60"})]
    with pytest.raises(SinkError, match="next sync retries") as caught:
        write(google, tmp_path, state)
    assert caught.value.retry_after_s == 60.0
    assert {k for k, i in state.sink_items("google").items() if i.remote_id} == {PLAN[0].id}
    assert len(google.live_events(TRAINING)) == 1
    assert len([r for r in google.api_requests() if r.method == "POST"]) == 2  # no retry loop
    assert counts(write(google, tmp_path, state)) == (2, 0, 0, 0)
    assert len(google.live_events(TRAINING)) == 3


def test_a_calendar_deleted_and_made_again_is_found_by_name(
    google: GoogleStandIn, tmp_path: Path, state: StateDatabase
) -> None:
    """The calendar was deleted: a sync that must create says so (no traceback) and forgets
    its id; once the runner makes a "Training" calendar again, the next sync finds it by name
    and writes the new session there."""
    from google_server import Calendar

    write(google, tmp_path, state, PLAN[:2])
    del google.calendars[TRAINING]
    with pytest.raises(SinkError, match="is gone"):
        write(google, tmp_path, state)
    google.calendars["new-training@group.calendar.google.com"] = Calendar(
        "new-training@group.calendar.google.com", "Training"
    )
    result = write(google, tmp_path, state)
    assert result.created == 1
    assert len(google.live_events("new-training@group.calendar.google.com")) == 1


def test_a_read_only_calendar_says_so(
    google: GoogleStandIn, tmp_path: Path, state: StateDatabase
) -> None:
    """Writing into a calendar the runner may only read: one message naming the fix."""
    google.fault_method = "POST"
    google.faults = [(403, "error_403_forbidden", {})]
    with pytest.raises(SinkError, match="not change it") as caught:
        write(google, tmp_path, state)
    assert "[sinks.google] calendar" in str(caught.value)


def test_a_412_on_unchanged_content_is_retried_once(
    google: GoogleStandIn, tmp_path: Path, state: StateDatabase
) -> None:
    """Google answers 412 to If-Match although the event says what hamsync wrote: read once,
    and the move written on the etag just read (a server quirk, not the runner's edit)."""
    write(google, tmp_path, state)
    moved = tuple(replace(s, day=s.day + timedelta(days=1)) for s in PLAN)
    google.fault_method = "PATCH"
    google.faults = [(412, "error_412_conditionNotMet", {})]
    result = write(google, tmp_path, state, moved)
    assert counts(result) == (0, 3, 0, 0)
    patches = [r for r in google.api_requests() if r.method == "PATCH"]
    assert len(patches) == 4
