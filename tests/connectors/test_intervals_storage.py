"""The intervals.icu calendar storage against the contract every item storage keeps.

:class:`StorageContract` holds the vdirsyncer-style rules (list -> (href, etag); get;
create; update and delete only with the current etag; AlreadyExists, PreconditionFailed,
NotFound); :class:`TestIntervalsCalendar` runs them against the real client and a local
intervals.icu on 127.0.0.1, plus the rules that make the storage hold only hamsync's events.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from intervals_server import ATHLETE, KEY, FakeIntervals, RunningServer, fixture, serve

from connectors.intervals.client import IntervalsAccount, IntervalsClient
from connectors.intervals.storage import (
    MARKER,
    AlreadyExists,
    EventItem,
    IntervalsCalendar,
    NotFound,
    PreconditionFailed,
    etag_of,
    item_of,
)

DAY = date(2026, 6, 12)


def item(uid: str = "2026-W24-1", day: date = DAY, text: str = "1. Glute bridge") -> EventItem:
    return EventItem(uid, day, "Hamstrings: light control", text, 20)


class StorageContract:
    """What any storage of session items must do; subclasses provide ``storage``."""

    @pytest.fixture
    def storage(self) -> Any:
        raise NotImplementedError

    def test_a_created_item_is_listed_with_the_etag_create_returned(self, storage: Any) -> None:
        href, etag = storage.create(item())
        assert storage.list() == [(href, etag)]
        got, got_etag = storage.get(href)
        assert (got, got_etag) == (item(), etag)

    def test_creating_the_same_uid_twice_is_refused(self, storage: Any) -> None:
        href, _ = storage.create(item())
        storage.list()
        with pytest.raises(AlreadyExists) as caught:
            storage.create(item(text="other"))
        assert caught.value.href == href

    def test_update_with_the_current_etag_changes_the_item_and_its_etag(self, storage: Any) -> None:
        href, etag = storage.create(item())
        moved = item(day=DAY + timedelta(days=2), text="1. Slider curl")
        new_etag = storage.update(href, moved, etag)
        assert new_etag != etag
        assert storage.list() == [(href, new_etag)]
        assert storage.get(href) == (moved, new_etag)

    def test_update_or_delete_with_a_stale_etag_is_refused(self, storage: Any) -> None:
        href, etag = storage.create(item())
        storage.update(href, item(text="changed"), etag)
        with pytest.raises(PreconditionFailed):
            storage.update(href, item(text="again"), etag)
        with pytest.raises(PreconditionFailed):
            storage.delete(href, etag)
        assert [h for h, _ in storage.list()] == [href]

    def test_delete_removes_the_item(self, storage: Any) -> None:
        href, etag = storage.create(item())
        storage.delete(href, etag)
        assert storage.list() == []
        with pytest.raises(NotFound):
            storage.get(href)
        with pytest.raises(NotFound):
            storage.delete(href, etag)


class TestIntervalsCalendar(StorageContract):
    @pytest.fixture
    def server(self) -> Iterator[RunningServer]:
        yield from serve(FakeIntervals())

    @pytest.fixture
    def storage(self, server: RunningServer) -> IntervalsCalendar:
        client = IntervalsClient(IntervalsAccount(ATHLETE, KEY, server.url))
        return IntervalsCalendar(client, DAY - timedelta(days=7), DAY + timedelta(days=14))

    def test_the_event_is_a_weight_training_workout_with_a_marker(
        self, storage: IntervalsCalendar, server: RunningServer
    ) -> None:
        """What the runner sees: a WORKOUT of type WeightTraining on its day, the session's
        text and duration, hamsync's id as external_id and as the description's last line."""
        href, _ = storage.create(item())
        event = server.fake.events[int(href)]
        assert event["category"] == "WORKOUT" and event["type"] == "WeightTraining"
        assert event["start_date_local"] == "2026-06-12T00:00:00"
        assert event["moving_time"] == 1200
        assert event["external_id"] == "hamsync-2026-W24-1"
        assert event["description"].startswith("1. Glute bridge")
        assert event["description"].endswith(f"{MARKER}2026-W24-1")

    def test_the_runners_own_events_are_invisible_and_untouchable(
        self, storage: IntervalsCalendar, server: RunningServer
    ) -> None:
        """Events without hamsync's external id and marker are never listed, read, changed
        or deleted, even by their href."""
        theirs = server.fake.add_event(
            fixture("events.synthetic.json")[0]
            | {"id": 1, "start_date_local": "2026-06-13T00:00:00"}
        )
        assert storage.list() == []
        href = str(theirs["id"])
        with pytest.raises(NotFound):
            storage.get(href)
        with pytest.raises(NotFound):
            storage.update(href, item(), etag_of(theirs))
        with pytest.raises(NotFound):
            storage.delete(href, etag_of(theirs))
        assert server.fake.requests("PUT") == [] and server.fake.requests("DELETE") == []

    def test_an_event_whose_marker_the_runner_removed_is_no_longer_ours(
        self, storage: IntervalsCalendar, server: RunningServer
    ) -> None:
        href, etag = storage.create(item())
        server.fake.events[int(href)]["description"] = "my own notes now"
        fresh = IntervalsCalendar(storage.client, storage.first_day, storage.last_day)
        assert fresh.list() == []
        with pytest.raises(NotFound):
            fresh.delete(href, etag)

    def test_a_runners_edit_changes_the_etag(
        self, storage: IntervalsCalendar, server: RunningServer
    ) -> None:
        href, etag = storage.create(item())
        server.fake.events[int(href)]["name"] = "Hamstrings (moved to the evening)"
        assert dict(storage.list())[href] != etag

    def test_the_servers_own_bookkeeping_is_not_an_edit(self) -> None:
        """A new ``updated`` stamp or fitness figures (the server pairing the event with an
        activity) leave the etag as it is."""
        created = fixture("event_created.synthetic.json")
        touched = created | {"updated": "2026-06-12T20:00:00.000+0000", "icu_ctl": 41.0}
        touched |= {"paired_activity_id": "i7010"}
        assert etag_of(touched) == etag_of(created)
        assert item_of(created).uid == "2026-W24-1"
        assert item_of(created).description == "1. Glute bridge: 2 x 10, rest 60 s"

    def test_listing_the_days_is_one_request(
        self, storage: IntervalsCalendar, server: RunningServer
    ) -> None:
        storage.list()
        assert [(m, q) for m, _, q in server.fake.log] == [
            ("GET", {"oldest": "2026-06-05", "newest": "2026-06-26"})
        ]
