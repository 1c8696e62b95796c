"""The Strava activity-note sink passes the sink contract: the real stravalib client against
the local Strava stand-in (:mod:`strava_fake`), serving two recorded activities (the recorded
``GET /activities/{id}`` of a run and the recorded ``PUT`` answer of a manual run, both in
``testdata/strava``) with the runner's own descriptions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import responses
from sink_contract import SinkContract
from strava_fake import FakeStrava, load, shifted

from connectors.strava import StravaApi, Tokens
from connectors.strava.oauth import MemoryTokenStore
from sync.sinks.contract import Item, NotFound, PreconditionFailed
from sync.sinks.note_block import BEGIN
from sync.sinks.strava_notes import StravaNotesSink

RUNNER = "Official time 3:42:02. Never stopped."


def api() -> StravaApi:
    store = MemoryTokenStore(Tokens("refresh", "access", int(datetime.now(UTC).timestamp()) + 7200))
    return StravaApi(1234, "client-secret", store)


class TestStravaNotes(SinkContract):
    """The contract on Strava notes (href the activity id, etag a hash of the description)."""

    @pytest.fixture
    def sink(self, testdata_dir: Path) -> Iterator[StravaNotesSink]:
        now = datetime.now(UTC)
        run = shifted(load(testdata_dir, "detailed_activity_run_nyc_marathon.json"), 71, now)
        manual = load(testdata_dir, "update_activity_response.json")
        manual = shifted(manual, 72, now - timedelta(days=2))
        run["description"], manual["description"] = RUNNER, None
        self.strava = FakeStrava([run, manual], details={71: run, 72: manual})
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            self.strava.install(rsps)
            yield StravaNotesSink(api())

    def uid(self, n: int) -> str:
        return str(70 + n)

    def item(self, uid: str, version: int) -> Item:
        return Item(uid, f"hamsync: 1,240 m descent -> heavy descent (R2). v{version}")

    def same_content(self, a: Item, b: Item) -> bool:
        return a == b

    def description(self, href: str) -> str:
        return str(self.strava.details[int(href)]["description"] or "")

    def test_the_runners_text_is_kept_and_comes_back(self, sink: StravaNotesSink) -> None:
        """Create puts the block under the runner's text; delete leaves exactly their text."""
        href, etag = sink.create(self.item(self.uid(1), 1))
        assert self.description(href).startswith(RUNNER + "\n\n" + BEGIN)
        sink.delete(href, etag)
        assert self.description(href) == RUNNER

    def test_an_empty_description_is_empty_again(self, sink: StravaNotesSink) -> None:
        """A run without description (Strava's null) gets the block alone, and loses it."""
        href, etag = sink.create(self.item(self.uid(2), 1))
        assert self.description(href).startswith(BEGIN)
        sink.delete(href, etag)
        assert self.description(href) == ""

    def test_the_runners_edit_fails_the_precondition(self, sink: StravaNotesSink) -> None:
        """An edit of the description anywhere changes the etag: the write is refused."""
        href, etag = sink.create(self.item(self.uid(1), 1))
        self.strava.details[int(href)]["description"] += "\nPS: new shoes."
        with pytest.raises(PreconditionFailed):
            sink.update(href, self.item(self.uid(1), 2), etag)
        assert self.description(href).endswith("PS: new shoes.")

    def test_a_deleted_activity_is_not_found(self, sink: StravaNotesSink) -> None:
        href, etag = sink.create(self.item(self.uid(1), 1))
        del self.strava.details[int(href)]
        with pytest.raises(NotFound):
            sink.get(href)
        with pytest.raises(NotFound):
            sink.delete(href, etag)
        with pytest.raises(NotFound):
            sink.create(self.item(self.uid(1), 1))
