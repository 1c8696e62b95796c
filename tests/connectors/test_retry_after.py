"""A 429 from Garmin or Strava: the error carries the server's wait, and the daemon honours it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import responses
from garmin_server import API, Clock, WorkoutService, add_login, session_for, write_tokens
from strava_fake import FakeStrava, load

from connectors.base import SourceError
from connectors.garmin.activities import GarminActivities
from connectors.http_retry import retry_after_s
from connectors.strava import StravaApi, StravaSource, Tokens
from connectors.strava.oauth import MemoryTokenStore
from planner.models import Dose, Session, SessionKind
from planner.settings import Settings
from sync.engine.health import Health
from sync.engine.run import SyncReport, write_all
from sync.sinks.base import SinkError
from sync.sinks.garmin_workouts import GarminWorkoutSink
from sync.sinks.outcome import WriteContext
from sync.sinks.renderer import Writer
from sync.sinks.workout_items import WorkoutRenderer
from sync.store.database import StateDatabase

LIST = f"{API}/activitylist-service/activities/search/activities"
ZURICH = ZoneInfo("Europe/Zurich")
NOW = datetime(2025, 10, 19, 8, 5, tzinfo=UTC)
SESSION = Session(
    id="2026-W48-1",
    day=date(2026, 11, 25),
    kind=SessionKind.FOCUSED,
    exercises=(Dose("glute_bridge", 3, reps=10), Dose("hamstring_walkout", 3, reps=6)),
)


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def test_retry_after_reads_seconds_and_http_dates() -> None:
    """Both forms of the header give seconds; garbage gives nothing; a year is capped at a week."""
    assert retry_after_s("120") == 120.0
    later = (datetime.now(UTC) + timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert retry_after_s(later) == pytest.approx(3600, abs=5)
    assert retry_after_s("soon") is None
    assert retry_after_s(str(365 * 86400)) == 7 * 86400


def test_garmin_429_on_a_read_carries_retry_after(
    rsps: responses.RequestsMock, tmp_path: Path
) -> None:
    """Garmin's 429 with Retry-After: 3600 gives a SourceError asking for an hour's wait."""
    write_tokens(tmp_path)
    add_login(rsps)
    busy = {"message": "Too Many Requests"}
    rsps.get(LIST, status=429, json=busy, headers={"Retry-After": "3600"})
    clock = Clock()
    activities = GarminActivities(session_for(tmp_path, clock), ZURICH)
    with pytest.raises(SourceError) as excinfo:
        activities.pull(None, date(2026, 1, 10))
    assert excinfo.value.retry_after_s == 3600
    assert "60 min" in str(excinfo.value)
    clock.now += 30 * 60  # past the usual 10-minute cool-down, not past the server's hour
    with pytest.raises(SourceError):
        activities.pull(None, date(2026, 1, 10))
    assert len([c for c in rsps.calls if c.request.url.startswith(LIST)]) == 1


def test_garmin_429_without_retry_after_uses_the_usual_backoff(
    rsps: responses.RequestsMock, tmp_path: Path
) -> None:
    """Without the header the error asks for no particular wait (the daemon's own backoff)."""
    write_tokens(tmp_path)
    add_login(rsps)
    rsps.get(LIST, status=429, json={"message": "Too Many Requests"})
    with pytest.raises(SourceError) as excinfo:
        GarminActivities(session_for(tmp_path, Clock()), ZURICH).pull(None, date(2026, 1, 10))
    assert excinfo.value.retry_after_s is None
    assert "next sync" in str(excinfo.value)


def test_garmin_429_on_a_write_makes_the_daemon_wait_as_asked(
    rsps: responses.RequestsMock, tmp_path: Path
) -> None:
    """A 429 with Retry-After: 7200 on a workout upload keeps the daemon off the sink for 2 h."""
    write_tokens(tmp_path / "tokens")
    add_login(rsps)
    service = WorkoutService(fail_headers={"Retry-After": "7200"})
    service.fail_next["POST workout"] = 429
    service.install(rsps)
    storage = GarminWorkoutSink(session_for(tmp_path / "tokens", Clock()))
    sink = Writer(storage, WorkoutRenderer(Settings(), "hamsync:", "c0ffee00c0ffee00"))
    state = StateDatabase.open(tmp_path / "state")
    start = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    health = Health(now=lambda: start, honour_backoff=True)
    report = SyncReport(today=date(2026, 11, 23))
    context = WriteContext(today=date(2026, 11, 23), tz=ZURICH, sessions=(SESSION,))
    write_all([sink], context, state, report, dry_run=False, health=health)
    assert report.errors and "429" in report.errors[0][1]
    assert service.workouts == {}
    for hours, waiting in ((1.9, True), (2.1, False)):
        health.now = lambda h=hours: start + timedelta(hours=h)  # type: ignore[misc]
        assert (health.waiting(state, "sink:garmin") is not None) is waiting
    state.close()


def test_sink_error_keeps_the_source_error_wait_and_fix() -> None:
    """A connector error turned into a sink error keeps its text, its fix and its wait."""
    error = SinkError.from_source(SourceError("too many", "wait", retry_after_s=60), "note: ")
    assert str(error) == "note: too many (wait)"
    assert error.retry_after_s == 60


def strava_api() -> StravaApi:
    store = MemoryTokenStore(Tokens("refresh-1", "access-1", int(NOW.timestamp()) + 3 * 3600))
    return StravaApi(1234, "client-secret", store, clock=NOW.timestamp)


RATE_LIMITED = {
    "message": "Rate Limit Exceeded",
    "errors": [{"resource": "Application", "field": "read rate limit", "code": "exceeded"}],
}


@pytest.mark.parametrize(
    ("read_used", "headers", "wait_s"),
    [
        (100, {}, 10 * 60),  # the 15-minute window resets at 08:15
        (100, {"Retry-After": "1800"}, 30 * 60),  # the server's own wait, when longer
        (860, {}, 16 * 3600 - 5 * 60),  # 1,000 reads today: wait for midnight UTC
    ],
)
def test_strava_429_waits_for_the_window_that_is_full(
    rsps: responses.RequestsMock,
    testdata_dir: Path,
    read_used: int,
    headers: dict[str, str],
    wait_s: float,
) -> None:
    """Strava's 429 asks the daemon to wait until the full window resets (or Retry-After)."""
    recorded: list[dict[str, Any]] = list(load(testdata_dir, "athlete_activities_2025-10.json"))
    fake = FakeStrava(
        recorded, read_used=read_used, headers=headers, fail_list_with=(429, RATE_LIMITED)
    )
    fake.install(rsps)
    with pytest.raises(SourceError) as excinfo:
        StravaSource(strava_api()).pull(None, NOW.date())
    assert excinfo.value.retry_after_s == pytest.approx(wait_s, abs=1)
