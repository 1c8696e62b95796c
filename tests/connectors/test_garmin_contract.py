"""The Garmin workout sink passes the sink contract against the stateful Garmin stand-in."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import responses
from garmin_server import Clock, WorkoutService, add_login, session_for, write_tokens

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))  # the contract class
from sink_contract import SinkContract

from planner.models import Dose, Session, SessionKind
from planner.settings import Settings
from sync.sinks.contract import Item, NotFound, PreconditionFailed
from sync.sinks.garmin_workouts import GarminWorkoutSink
from sync.sinks.workout_items import WorkoutRenderer, parts

RENDERER = WorkoutRenderer(Settings(), "hamsync:", "c0ffee00c0ffee00")


class TestGarminWorkouts(SinkContract):
    """The contract on Garmin workouts (href ``workout/schedule``, etag a hash of both)."""

    @pytest.fixture
    def sink(self, tmp_path: Path) -> Iterator[GarminWorkoutSink]:
        write_tokens(tmp_path / "tokens")
        service = WorkoutService()
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            add_login(rsps)
            service.install(rsps)
            self.service = service
            yield GarminWorkoutSink(session_for(tmp_path / "tokens", Clock()))

    def item(self, uid: str, version: int) -> Item:
        """A focused session on a day near today (``list`` looks around today), ``version``
        reps of Nordics."""
        session_id = uid.split(".")[0]
        day = datetime.now(UTC).date() + timedelta(days=int(session_id[-1]))
        session = Session(
            id=session_id, day=day, kind=SessionKind.FOCUSED,
            exercises=(Dose("nordic", 2, reps=3 + version),),
        )  # fmt: skip
        return RENDERER.render(session, 0, uid)

    def same_content(self, a: Item, b: Item) -> bool:
        return RENDERER.same(a, b)

    def test_a_move_on_garmins_side_fails_the_precondition(self, sink: GarminWorkoutSink) -> None:
        """The runner drags the workout to another day: the etag (a hash of what is fetched)
        changes, so hamsync's update is refused and the runner's day stays."""
        href, etag = sink.create(self.item(self.uid(1), 1))
        (schedule,) = self.service.schedules.values()
        schedule["calendarDate"] = "2026-12-31"
        with pytest.raises(PreconditionFailed):
            sink.update(href, self.item(self.uid(1), 2), etag)
        stored, _ = sink.get(href)
        assert parts(stored.text)[1] == "2026-12-31"
        assert RENDERER.owner(stored) == "c0ffee00c0ffee00"

    def test_off_the_calendar_is_not_found_for_update(self, sink: GarminWorkoutSink) -> None:
        """The runner took the workout off the calendar: an update says NotFound (deleted for
        the runner), and the workout is not scheduled again behind their back."""
        href, _ = sink.create(self.item(self.uid(1), 1))
        self.service.schedules.clear()
        _, etag = sink.get(href)
        with pytest.raises(NotFound):
            sink.update(href, self.item(self.uid(1), 2), etag)
        assert self.service.schedules == {}
