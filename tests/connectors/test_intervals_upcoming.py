"""Planned runs and races of the intervals.icu calendar, read like any calendar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from intervals_server import ATHLETE, KEY, FakeIntervals, RunningServer, fixture, serve

from connectors.intervals.client import IntervalsAccount, IntervalsClient
from connectors.intervals.upcoming import IntervalsUpcoming
from planner.settings import Settings


@pytest.fixture
def server() -> Iterator[RunningServer]:
    fake = FakeIntervals()
    for event in fixture("events.synthetic.json"):
        fake.add_event(event)
    yield from serve(fake)


def upcoming(server: RunningServer, settings: Settings | None = None) -> IntervalsUpcoming:
    client = IntervalsClient(IntervalsAccount(ATHLETE, KEY, server.url))
    return IntervalsUpcoming(client, settings or Settings())


def test_running_workouts_and_races_become_planned_runs(server: RunningServer) -> None:
    """Run/TrailRun workouts and RACE_A/B/C are planned runs, classified like any calendar
    event; notes, rides and hamsync's own events are not; one request for the window."""
    found = upcoming(server).planned(date(2026, 6, 10), date(2026, 6, 30))
    seen = {(e.day.isoformat(), e.title): e for e in found}
    assert sorted(seen) == [
        ("2026-06-11", "Tempo intervals"),
        ("2026-06-13", "Saturday mountains"),
        ("2026-06-16", "Hill repeats"),
        ("2026-06-20", "Sierre-Zinal"),
        ("2026-06-22", "Stage race"),
        ("2026-06-23", "Stage race"),
        ("2026-06-26", "Lavaredo"),
    ]
    tempo = seen[("2026-06-11", "Tempo intervals")]
    assert not (tempo.long or tempo.race or tempo.hill)
    assert tempo.duration_s == 3600 and tempo.distance_m == 10000
    assert seen[("2026-06-13", "Saturday mountains")].long  # 3.5 h: a long trail
    assert seen[("2026-06-16", "Hill repeats")].hill
    sierre = seen[("2026-06-20", "Sierre-Zinal")]
    assert sierre.race and sierre.long and not sierre.ultra  # RACE_A, whatever the title says
    assert seen[("2026-06-26", "Lavaredo")].ultra  # a 120 km race
    assert all(e.source == "intervals.icu calendar" for e in found)
    assert len(server.fake.log) == 1
    assert server.fake.log[0][2] == {"oldest": "2026-06-10", "newest": "2026-06-30"}


def test_a_race_is_a_race_whatever_language_the_word_lists_are_in(server: RunningServer) -> None:
    """A runner with French word lists: the category still makes Sierre-Zinal a race."""
    french = Settings(run_words=("course", "trail"), race_words=("compétition",))
    found = upcoming(server, french).planned(date(2026, 6, 20), date(2026, 6, 20))
    assert [(e.title, e.race) for e in found] == [("Sierre-Zinal", True)]


def test_events_outside_the_window_are_left_out(server: RunningServer) -> None:
    found = upcoming(server).planned(date(2026, 6, 23), date(2026, 6, 24))
    assert [(e.day, e.title) for e in found] == [(date(2026, 6, 23), "Stage race")]
