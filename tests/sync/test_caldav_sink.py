"""The CalDAV sink against real servers on 127.0.0.1, request by request.

The core tests run against Radicale and Xandikos (two listing and ETag implementations);
the password test stays on Radicale, as Xandikos takes passwords only over TLS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from caldav.davclient import DAVClient
from icalendar import Calendar
from radicale_server import Radicale
from xandikos_server import Xandikos

from connectors.caldav_calendar import CalDavAccount, connect
from planner.models import Dose, Reason, Session, SessionKind
from sync.engine.writeback import DISMISSED, write_back
from sync.sinks.base import SinkError
from sync.sinks.caldav import CalDavSink
from sync.sinks.event_items import EventRenderer
from sync.sinks.outcome import WriteContext
from sync.sinks.renderer import Writer
from sync.sinks.vevent import EventTiming
from sync.store.database import StateDatabase

DavServer = Radicale | Xandikos
"""The real CalDAV servers the sink is checked against."""

TZ = ZoneInfo("Europe/Zurich")
TODAY = date(2026, 11, 25)
TIMING = EventTiming.from_config(TZ, "18:00", 20)
ME = "0123456789abcdef"

FOREIGN = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//runner//phone//EN\r\n"
    b"BEGIN:VEVENT\r\nUID:dentist-42@phone\r\nDTSTAMP:20261101T090000Z\r\n"
    b"DTSTART:20261127T080000Z\r\nDTEND:20261127T090000Z\r\nSUMMARY:Dentist\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def session(sid: str, day: date, kind: SessionKind = SessionKind.CONTROL) -> Session:
    reasons = (Reason("", "test reason"),)
    return Session(sid, day, kind, (Dose("glute_bridge", 3, reps=10),), reasons)


PLAN = (
    session("2026-W48-1", TODAY + timedelta(days=1)),
    session("2026-W48-2", TODAY + timedelta(days=3), SessionKind.HEAVIER),
    session("2026-W49-1", TODAY + timedelta(days=6)),
)


def name_of(session_id: str, install: str = ME) -> str:
    """The resource name of a session's event: its UID (with the install id) plus .ics."""
    return f"{session_id}.{install}@hamsync.ics"


@dataclass
class Wire:
    """Every request the sink's caldav client sent; optionally the server dies after N PUTs."""

    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    kill_after_puts: int | None = None
    server: DavServer | None = None

    def methods(self) -> list[str]:
        return [method for method, _url, _headers in self.requests]

    def factory(self, account: CalDavAccount) -> DAVClient:
        client = connect(account)
        send = client.session.request

        def request(method: str, url: str, **kwargs: Any) -> Any:
            self.requests.append((method, url, dict(kwargs.get("headers") or {})))
            response = send(method, url, **kwargs)
            puts = self.methods().count("PUT")
            if method == "PUT" and self.kill_after_puts == puts and self.server is not None:
                self.server.kill()
            return response

        client.session.request = request  # type: ignore[method-assign]
        return client


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    """A Radicale without authentication, stopped after the test (the purge tests use it)."""
    server = Radicale(tmp_path / "radicale")
    server.folder.mkdir()
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["radicale", "xandikos"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DavServer]:
    """Each real server in turn, without authentication, stopped after the test."""
    started: DavServer = (
        Radicale(tmp_path / "radicale") if request.param == "radicale"
        else Xandikos(tmp_path / "xandikos")
    )  # fmt: skip
    started.folder.mkdir()
    started.start()
    yield started
    started.stop()


@pytest.fixture
def state(tmp_path: Path) -> Iterator[StateDatabase]:
    opened = StateDatabase.open(tmp_path / "state")
    yield opened
    opened.close()


SyncFn = Callable[..., Any]


def make_sink(
    server: DavServer, wire: Wire, password: str | None = "x",  # noqa: S107
    calendar: str = "Training", install: str = ME, url: str | None = None,
) -> Writer:  # fmt: skip
    """The CalDAV sink of one install, paired with its event renderer."""
    account = CalDavAccount(url or server.url, server.user, password, calendar, timeout_s=5)
    sink = CalDavSink(account, client_factory=wire.factory)
    return Writer(sink, EventRenderer(TIMING, install))


def write(
    sink: Writer,
    state: StateDatabase,
    sessions: tuple[Session, ...] = PLAN,
    force: bool = False,
    today: date = TODAY,
    deletes_expected: bool = False,
) -> Any:
    context = WriteContext(today, TZ, sessions, force=force, deletes_expected=deletes_expected)
    return write_back(sink, context, state)


def server_events(server: DavServer, calendar_url: str) -> dict[str, tuple[str, bytes]]:
    """Resource name -> (etag, exact bytes) of everything in the calendar."""
    out: dict[str, tuple[str, bytes]] = {}
    with server.client() as client:
        listing = client.propfind(calendar_url, ["getetag"], depth=1)
        for entry in listing.results or []:
            href = entry.href
            if href.endswith("/"):
                continue
            response = client.request(server.url.rstrip("/") + href, "GET")
            name = href.rsplit("/", 1)[-1].replace("%40", "@")
            out[name] = (str(entry.properties["{DAV:}getetag"]), bytes(response._raw))
    return out


def vevent(raw: bytes) -> Any:
    return next(iter(Calendar.from_ical(raw).walk("VEVENT")))


def put_raw(server: DavServer, url: str, body: bytes, headers: dict[str, str]) -> int:
    with server.client() as client:
        response = client.put(url, body.decode(), {"Content-Type": "text/calendar", **headers})
        return int(response.status)


def test_first_sync_creates_each_session_with_if_none_match(
    server: DavServer, state: StateDatabase
) -> None:
    """Three sessions become three events named by their UID, created with If-None-Match: *."""
    calendar_url = server.make_calendar("Training")
    wire = Wire()
    result = write(make_sink(server, wire), state, PLAN)
    assert (result.created, result.updated, result.deleted) == (3, 0, 0)
    puts = [headers for method, _url, headers in wire.requests if method == "PUT"]
    assert len(puts) == 3
    assert all(h.get("If-None-Match") == "*" and "If-Match" not in h for h in puts)
    events = server_events(server, calendar_url)
    assert set(events) == {name_of(s.id) for s in PLAN}
    for _etag, raw in events.values():
        assert b"METHOD" not in raw and b"DTEND" in raw
        assert "UID" not in Calendar.from_ical(raw)  # no calendar-level UID
        assert int(vevent(raw)["SEQUENCE"]) == 0
    recorded = state.sink_items("caldav")
    assert {i.etag for i in recorded.values()} == {etag for etag, _raw in events.values()}


def test_second_sync_reads_and_writes_no_event(server: DavServer, state: StateDatabase) -> None:
    """With nothing new, no event is read, written or deleted, and they keep their ETags."""
    calendar_url = server.make_calendar("Training")
    write(make_sink(server, Wire()), state)
    before = server_events(server, calendar_url)
    wire = Wire()
    result = write(make_sink(server, wire), state)
    assert set(wire.methods()) <= {"PROPFIND"}  # finding the calendar by its name
    assert not [url for _m, url, _h in wire.requests if url.endswith(".ics")]
    assert (result.created, result.updated, result.deleted, result.conflicts) == (0, 0, 0, 0)
    assert server_events(server, calendar_url) == before


def test_move_updates_in_place_and_drop_deletes(server: DavServer, state: StateDatabase) -> None:
    """A moved session keeps its UID and href with SEQUENCE 1; a dropped one is deleted."""
    calendar_url = server.make_calendar("Training")
    write(make_sink(server, Wire()), state)
    old = state.sink_items("caldav")
    moved = replace(PLAN[0], day=PLAN[0].day + timedelta(days=1))
    wire = Wire()
    result = write(make_sink(server, wire), state, (moved, PLAN[1]))
    assert (result.created, result.updated, result.deleted) == (0, 1, 1)
    put = next(h for m, _u, h in wire.requests if m == "PUT")
    delete = next(h for m, _u, h in wire.requests if m == "DELETE")
    assert put["If-Match"] == old[moved.id].etag
    assert delete["If-Match"] == old[PLAN[2].id].etag
    events = server_events(server, calendar_url)
    assert set(events) == {name_of(PLAN[0].id), name_of(PLAN[1].id)}
    event = vevent(events[name_of(moved.id)][1])
    assert str(event["UID"]) == f"{moved.id}.{ME}@hamsync"
    assert str(event["X-HAMSYNC-INSTALL"]) == ME
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART").astimezone(TZ).date() == moved.day
    assert state.sink_items("caldav")[moved.id].remote_id == old[moved.id].remote_id


def test_foreign_event_survives_every_sync_byte_for_byte(
    server: DavServer, state: StateDatabase
) -> None:
    """The runner's own event is never requested, changed or deleted, whatever the plan does."""
    calendar_url = server.make_calendar("Training")
    assert put_raw(server, calendar_url + "dentist.ics", FOREIGN, {}) == 201
    before = server_events(server, calendar_url)["dentist.ics"]
    wire = Wire()
    sink = make_sink(server, wire)
    write(sink, state)
    write(sink, state, (replace(PLAN[0], day=PLAN[0].day + timedelta(days=1)),))
    write(sink, state, ())
    write(sink, state, (), force=True)
    assert server_events(server, calendar_url)["dentist.ics"] == before
    assert not [url for _m, url, _h in wire.requests if "dentist" in url]
    assert set(server_events(server, calendar_url)) == {"dentist.ics"}


def test_hand_edited_event_is_a_conflict_until_forced(
    server: DavServer, state: StateDatabase
) -> None:
    """An event of ours edited by the runner is reported and kept; --force puts ours back."""
    calendar_url = server.make_calendar("Training")
    sink = make_sink(server, Wire())
    write(sink, state)
    name = name_of(PLAN[0].id)
    etag, raw = server_events(server, calendar_url)[name]
    edited = raw.replace(b"SUMMARY:Hamstrings", b"SUMMARY:Moved by me! Hamstrings")
    assert put_raw(server, state.sink_items("caldav")[PLAN[0].id].remote_id, edited,
                 {"If-Match": etag}) in (201, 204)  # fmt: skip
    runner_version = server_events(server, calendar_url)[name]
    moved = (replace(PLAN[0], day=PLAN[0].day + timedelta(days=2)), *PLAN[1:])
    result = write(sink, state, moved)
    assert (result.updated, result.conflicts) == (0, 1)
    assert any("edited in the calendar" in m and "--force" in m for m in result.messages)
    assert server_events(server, calendar_url)[name] == runner_version
    forced = write(sink, state, moved, force=True)
    assert (forced.updated, forced.conflicts) == (1, 0)
    event = vevent(server_events(server, calendar_url)[name][1])
    assert str(event["SUMMARY"]).startswith("Hamstrings")
    assert int(event["SEQUENCE"]) == 1
    assert write(sink, state, moved).conflicts == 0


def test_hand_deleted_event_is_not_recreated_until_forced(
    server: DavServer, state: StateDatabase
) -> None:
    """A deleted event is reported once, stays deleted on later syncs, and --force restores it."""
    calendar_url = server.make_calendar("Training")
    write(make_sink(server, Wire()), state)
    href = state.sink_items("caldav")[PLAN[1].id].remote_id
    with server.client() as client:
        assert client.delete(href).status in (200, 204)
    changed = (PLAN[0], replace(PLAN[1], kind=SessionKind.FOCUSED), PLAN[2])
    first = write(make_sink(server, Wire()), state, changed)
    assert (first.created, first.updated, first.conflicts) == (0, 0, 1)
    assert any("deleted in the calendar" in m and "--force" in m for m in first.messages)
    assert state.sink_items("caldav")[PLAN[1].id].etag == DISMISSED
    wire = Wire()
    changed = (PLAN[0], replace(PLAN[1], kind=SessionKind.MAINTENANCE), PLAN[2])
    again = write(make_sink(server, wire), state, changed)
    assert "PUT" not in wire.methods()
    assert (again.created, again.updated, again.conflicts) == (0, 0, 0)
    assert name_of(PLAN[1].id) not in server_events(server, calendar_url)
    restored = write(make_sink(server, Wire()), state, changed, force=True)
    assert restored.created == 1
    event = vevent(server_events(server, calendar_url)[name_of(PLAN[1].id)][1])
    assert int(event["SEQUENCE"]) == 1
    assert write(make_sink(server, Wire()), state, changed).conflicts == 0


def test_wrong_password_is_a_sink_error_and_records_nothing(
    tmp_path: Path, state: StateDatabase
) -> None:
    """A 401 becomes a readable SinkError naming the password, and nothing is recorded."""
    server = Radicale(tmp_path / "auth", password="right-secret")
    server.folder.mkdir()
    server.start()
    try:
        server.make_calendar("Training")
        with pytest.raises(SinkError) as caught:
            write(make_sink(server, Wire(), password="wrong-secret"), state)
        message = str(caught.value)
        assert "refused user 'runner'" in message and "password" in message
        assert "wrong-secret" not in message
        assert state.sink_items("caldav") == {}
        result = write(make_sink(server, Wire(), password="right-secret"), state)
        assert result.created == len(PLAN)
    finally:
        server.stop()


def test_server_killed_mid_sync_then_next_sync_repairs(
    server: DavServer, state: StateDatabase
) -> None:
    """A server gone after two writes: SinkError, two recorded; the next sync does the rest."""
    calendar_url = server.make_calendar("Training")
    wire = Wire(kill_after_puts=2, server=server)
    with pytest.raises(SinkError) as caught:
        write(make_sink(server, wire), state)
    assert "unreachable" in str(caught.value)
    recorded = state.sink_items("caldav").values()
    assert sorted(r.pending for r in recorded) == ["", "", "create"]  # the third: intent only
    server.start()
    result = write(make_sink(server, Wire()), state)
    assert result.created == 1
    events = server_events(server, calendar_url)
    assert set(events) == {name_of(s.id) for s in PLAN}
    assert {i.etag for i in state.sink_items("caldav").values()} == {
        etag for etag, _raw in events.values()
    }
    wire = Wire()
    write(make_sink(server, wire), state)
    assert set(wire.methods()) <= {"PROPFIND"}


def test_lost_answer_to_a_create_is_adopted_not_doubled(
    server: DavServer, state: StateDatabase
) -> None:
    """An event at our href that we never recorded (answer lost) is read and adopted as it is."""
    calendar_url = server.make_calendar("Training")
    write(make_sink(server, Wire()), state, PLAN[:1])
    with state.transaction():
        state.delete_sink_item("caldav", PLAN[0].id)  # as if the PUT's answer never came
    wire = Wire()
    result = write(make_sink(server, wire), state, PLAN[:1])
    assert result.created == 1 and result.conflicts == 0
    puts = [h for m, _u, h in wire.requests if m == "PUT"]
    assert len(puts) == 1 and puts[0]["If-None-Match"] == "*"  # refused: it is there
    assert "GET" in wire.methods()
    events = server_events(server, calendar_url)
    assert set(events) == {name_of(PLAN[0].id)}
    assert state.sink_items("caldav")[PLAN[0].id].etag == events[name_of(PLAN[0].id)][0]


def test_dry_run_counts_what_a_sync_would_do_and_sends_nothing(
    server: DavServer, state: StateDatabase
) -> None:
    """`sync --dry-run`: the executor on a rehearsal of the records; no request, nothing kept."""
    calendar_url = server.make_calendar("Training")
    write(make_sink(server, Wire()), state)
    before = server_events(server, calendar_url)
    moved = (replace(PLAN[0], day=PLAN[0].day + timedelta(days=1)), PLAN[1])
    wire = Wire()
    dry = write_back(make_sink(server, wire), WriteContext(TODAY, TZ, moved), state.scratch_copy(),
                     dry_run=True)  # fmt: skip
    assert (dry.created, dry.updated, dry.deleted) == (0, 1, 1)
    assert wire.requests == []
    assert server_events(server, calendar_url) == before
    assert len(state.sink_items("caldav")) == len(PLAN)


def test_our_uid_at_another_address_is_left_alone(radicale: Radicale, state: StateDatabase) -> None:
    """An event elsewhere carrying the UID hamsync would write: a conflict, never touched."""
    calendar_url = radicale.make_calendar("Training")
    uid = f"{PLAN[0].id}.{ME}@hamsync"
    body = FOREIGN.replace(b"UID:dentist-42@phone", f"UID:{uid}".encode())
    assert put_raw(radicale, calendar_url + "mine.ics", body, {}) == 201
    before = server_events(radicale, calendar_url)["mine.ics"]
    result = write(make_sink(radicale, Wire()), state, PLAN[:1])
    assert (result.created, result.conflicts) == (0, 1)
    assert server_events(radicale, calendar_url) == {"mine.ics": before}
    assert state.sink_items("caldav") == {}
