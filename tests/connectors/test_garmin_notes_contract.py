"""The Garmin activity-note sink passes the sink contract against a Garmin stand-in holding
two activities with the runner's own descriptions."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import responses
from garmin_server import API, Clock, add_login, session_for, write_tokens
from requests import PreparedRequest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))  # the contract class
from sink_contract import SinkContract

from sync.sinks.contract import Item, NotFound, PreconditionFailed
from sync.sinks.garmin_notes import GarminNotesSink
from sync.sinks.note_block import BEGIN

RUNNER = {21522899847: "Ridge loop, windy.", 21522899848: ""}


class Activities:
    """Garmin's activities: the list, and each one's description (GET and PUT)."""

    def __init__(self) -> None:
        self.descriptions: dict[int, str] = dict(RUNNER)

    def install(self, rsps: responses.RequestsMock) -> None:
        one = re.compile(rf"{re.escape(API)}/activity-service/activity/(\d+)$")
        rsps.add_callback(responses.GET, one, callback=self.get)
        rsps.add_callback(responses.PUT, one, callback=self.put)
        listing = re.compile(rf"{re.escape(API)}/activitylist-service/activities/search/.*")
        rsps.add_callback(responses.GET, listing, callback=self.listing)

    def _id(self, request: PreparedRequest) -> int:
        return int((request.path_url or "").split("?")[0].rsplit("/", 1)[1])

    def get(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        found = self._id(request)
        if found not in self.descriptions:
            return 404, {}, json.dumps({"message": "not found"})
        body: dict[str, Any] = {"activityId": found, "description": self.descriptions[found]}
        return 200, {}, json.dumps(body)

    def put(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        self.descriptions[self._id(request)] = json.loads(request.body or b"{}")["description"]
        return 204, {}, ""

    def listing(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        return 200, {}, json.dumps([{"activityId": i} for i in self.descriptions])


class TestGarminNotes(SinkContract):
    """The contract on activity notes (href the activity id, etag a hash of the description)."""

    @pytest.fixture
    def sink(self, tmp_path: Path) -> Iterator[GarminNotesSink]:
        write_tokens(tmp_path / "tokens")
        self.activities = Activities()
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            add_login(rsps)
            self.activities.install(rsps)
            yield GarminNotesSink(session_for(tmp_path / "tokens", Clock()))

    def uid(self, n: int) -> str:
        return str(list(RUNNER)[n - 1])

    def item(self, uid: str, version: int) -> Item:
        return Item(uid, f"hamsync: 1,240 m descent -> heavy descent (R2). v{version}")

    def same_content(self, a: Item, b: Item) -> bool:
        return a == b

    def test_the_runners_text_is_kept_and_comes_back(self, sink: GarminNotesSink) -> None:
        """Create puts the block under the runner's text; delete leaves exactly their text."""
        href, etag = sink.create(self.item(self.uid(1), 1))
        text = self.activities.descriptions[int(href)]
        assert text.startswith("Ridge loop, windy.\n\n" + BEGIN)
        sink.delete(href, etag)
        assert self.activities.descriptions[int(href)] == "Ridge loop, windy."

    def test_the_runners_edit_fails_the_precondition(self, sink: GarminNotesSink) -> None:
        """An edit of the description (anywhere) changes the etag: the write is refused."""
        href, etag = sink.create(self.item(self.uid(1), 1))
        self.activities.descriptions[int(href)] += "\nPS: new shoes."
        with pytest.raises(PreconditionFailed):
            sink.update(href, self.item(self.uid(1), 2), etag)
        assert self.activities.descriptions[int(href)].endswith("PS: new shoes.")

    def test_a_deleted_activity_is_not_found(self, sink: GarminNotesSink) -> None:
        href, etag = sink.create(self.item(self.uid(1), 1))
        del self.activities.descriptions[int(href)]
        with pytest.raises(NotFound):
            sink.get(href)
        with pytest.raises(NotFound):
            sink.delete(href, etag)
