"""`hamsync purge` on CalDAV against a real Radicale: only our recorded events go (If-Match)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from caldav.davclient import DAVClient
from radicale_server import Radicale
from test_caldav_sink import (  # the sink's own fixtures and helpers
    FOREIGN,
    PLAN,
    TODAY,
    Wire,
    make_sink,
    name_of,
    put_raw,
    radicale,  # noqa: F401  (fixture)
    server_events,
    state,  # noqa: F401  (fixture)
    write,
)

from connectors.caldav_calendar import CalDavAccount, connect
from sync.engine.writeback import purge
from sync.sinks.base import SinkError
from sync.store.database import StateDatabase


def test_purge_deletes_only_our_events_and_leaves_edits(
    radicale: Radicale,  # noqa: F811
    state: StateDatabase,  # noqa: F811
) -> None:
    """Our events go with If-Match; the runner's event and the one they edited stay as they are."""
    calendar_url = radicale.make_calendar("Training")
    assert put_raw(radicale, calendar_url + "dentist.ics", FOREIGN, {}) == 201
    write(make_sink(radicale, Wire()), state, PLAN, today=TODAY - timedelta(days=7))
    recorded = state.sink_items("caldav")
    edited = recorded[PLAN[1].id]
    body = server_events(radicale, calendar_url)[name_of(PLAN[1].id)][1]
    changed = body.replace(b"SUMMARY:", b"SUMMARY:(moved to the gym) ")
    status = put_raw(radicale, edited.remote_id, changed, {"If-Match": edited.etag})
    assert status in (200, 201, 204)
    before = server_events(radicale, calendar_url)
    wire = Wire()
    result = purge(make_sink(radicale, wire), state)
    assert (result.deleted, result.conflicts) == (2, 1)
    assert "edited in the calendar" in result.messages[0]
    touched = [(m, url) for m, url, _h in wire.requests if url.endswith(".ics")]
    assert [m for m, _url in touched].count("DELETE") == 3
    reads = {url for m, url in touched if m != "DELETE"}
    assert reads == {edited.remote_id}  # only the refused one is read, to tell an edit
    sent = {url.rsplit("/", 1)[-1]: h for m, url, h in wire.requests if m == "DELETE"}
    for item in recorded.values():
        assert sent[item.remote_id.rsplit("/", 1)[-1]]["If-Match"] == item.etag
    after = server_events(radicale, calendar_url)
    assert set(after) == {"dentist.ics", name_of(PLAN[1].id)}
    assert after["dentist.ics"] == before["dentist.ics"]  # byte for byte, same etag
    assert after[name_of(PLAN[1].id)] == before[name_of(PLAN[1].id)]
    assert state.sink_items("caldav") == {}


def test_dry_run_counts_and_sends_nothing(radicale: Radicale, state: StateDatabase) -> None:  # noqa: F811
    """`purge --dry-run` says how many events would go without a single request."""
    radicale.make_calendar("Training")
    write(make_sink(radicale, Wire()), state)
    wire = Wire()
    assert purge(make_sink(radicale, wire), state.scratch_copy(), dry_run=True).deleted == len(PLAN)
    assert wire.requests == []
    assert len(state.sink_items("caldav")) == len(PLAN)


@dataclass
class DiesAfterFirstDelete:
    """The server goes away right after answering the first DELETE."""

    server: Radicale
    deletes: int = 0

    def factory(self, account: CalDavAccount) -> DAVClient:
        client = connect(account)
        send = client.session.request

        def request(method: str, url: str, **kwargs: Any) -> Any:
            response = send(method, url, **kwargs)
            if method == "DELETE":
                self.deletes += 1
                if self.deletes == 1:
                    self.server.kill()
            return response

        client.session.request = request  # type: ignore[method-assign]
        return client


def test_purge_cut_short_is_finished_by_the_next_one(
    radicale: Radicale,  # noqa: F811
    state: StateDatabase,  # noqa: F811
) -> None:
    """A server dying mid-purge fails the sink with the rest still recorded; a rerun ends it."""
    calendar_url = radicale.make_calendar("Training")
    write(make_sink(radicale, Wire()), state)
    writer = make_sink(radicale, Wire())
    writer.sink.client_factory = DiesAfterFirstDelete(radicale).factory  # type: ignore[attr-defined]
    with pytest.raises(SinkError):
        purge(writer, state)
    assert len(state.sink_items("caldav")) == len(PLAN) - 1
    radicale.start()
    result = purge(make_sink(radicale, Wire()), state)
    assert result.deleted == len(PLAN) - 1
    assert server_events(radicale, calendar_url) == {}
    assert state.sink_items("caldav") == {}
