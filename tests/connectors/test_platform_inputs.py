"""What the platforms add besides runs: strength days (R8), effort check-ins (R7), notices.

The real garminconnect and stravalib clients talk to recorded responses. Strength activities
are the recorded trail run (Garmin) or run (Strava) with their type changed: Garmin's
``strength_training`` is ``typeId`` 13 under ``fitness_equipment`` (``parentTypeId`` 29), and
Strava's sport types ``WeightTraining`` and ``Workout`` are from its API reference.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import responses
from garmin_server import API, Clock, add_login, recorded, session_for, write_tokens
from strava_fake import FakeStrava, load, shifted
from typer.testing import CliRunner

from connectors.garmin import session as garmin_session
from connectors.garmin.activities import GarminActivities
from connectors.strava import StravaApi, StravaSource, Tokens
from connectors.strava.oauth import MemoryTokenStore
from planner.models import Feeling
from sync.cli import app
from sync.engine.run import SyncReport, pull_all
from sync.store.database import StateDatabase

LIST = f"{API}/activitylist-service/activities/search/activities"
SAMPLES = Path(__file__).resolve().parents[2] / "examples" / "activities"
NOW = datetime(2025, 10, 19, 8, 0, tzinfo=UTC)
STRENGTH_TYPE = {"typeId": 13, "typeKey": "strength_training", "parentTypeId": 29}
runner = CliRunner()


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def garmin_strength(testdata: Path, local: datetime) -> dict[str, Any]:
    """The recorded trail run turned into a 30-minute strength session at ``local`` (Zurich)."""
    item = copy.deepcopy(recorded(testdata, "test_activity_list__0_GET")[0])
    item.update(
        activityId=31000000001,
        activityName="Hamstrings",
        activityType=STRENGTH_TYPE,
        startTimeLocal=local.strftime("%Y-%m-%d %H:%M:%S"),
        startTimeGMT=(local - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
        distance=0.0,
        duration=1800.0,
    )
    for key in ("elevationGain", "elevationLoss"):
        item.pop(key, None)
    return item


def garmin_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'timezone = "Europe/Zurich"\nstate_dir = "{tmp_path / "state"}"\n'
        f'[athlete]\nstarting_level = 8\n[sources.files]\npath = "{SAMPLES}"\n'
        f'[sinks.ics]\npath = "{tmp_path / "hamsync.ics"}"\n[sources.garmin]\n',
        encoding="utf-8",
    )
    return path


def sync_json(path: Path, today: date) -> dict[str, Any]:
    args = ["sync", "--config", str(path), "--today", today.isoformat(), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_a_garmin_strength_activity_marks_that_days_session_done(
    rsps: responses.RequestsMock,
    testdata_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Strength training logged on Garmin on a session's day: `hamsync sync` records it done."""
    tokens = tmp_path / "tokens"
    write_tokens(tokens)
    monkeypatch.setenv("HAMSYNC_GARMIN_TOKENSTORE", str(tokens))
    monkeypatch.setitem(garmin_session.SHARED_SESSIONS, (tokens, 1.0), session_for(tokens, Clock()))
    add_login(rsps)
    rsps.get(LIST, json=[])
    path = garmin_config(tmp_path)
    first = sync_json(path, date(2026, 11, 23))
    session = first["sessions"][0]
    day = date.fromisoformat(session["date"])
    lifted = garmin_strength(testdata_dir, datetime.combine(day, time(18, 0)))
    rsps.replace(responses.GET, LIST, json=[lifted])
    second = sync_json(path, day + timedelta(days=1))
    assert second["runs_pulled"] == 0  # strength work is not a run: no weekly dose (R5)
    state = StateDatabase.open(tmp_path / "state")
    try:
        assert state.strength_days() == [day]
        assert session["id"] in state.planner_state(8).done_session_ids
    finally:
        state.close()


def test_garmin_strength_is_not_a_run(
    rsps: responses.RequestsMock, testdata_dir: Path, tmp_path: Path
) -> None:
    """A page with a trail run and a strength session gives one run and one strength day."""
    write_tokens(tmp_path)
    add_login(rsps)
    trail = recorded(testdata_dir, "test_activity_list__0_GET")[0]
    lifted = garmin_strength(testdata_dir, datetime(2026, 1, 9, 7, 30))
    rsps.get(LIST, json=[lifted, trail])
    activities = GarminActivities(session_for(tmp_path, Clock()), ZoneInfo("Europe/Zurich"))
    pulled = activities.pull(None, date(2026, 1, 10))
    assert [r.id for r in pulled.runs] == ["garmin:21482825013"]
    assert pulled.strength_days == (date(2026, 1, 9),)


def strava_api() -> StravaApi:
    store = MemoryTokenStore(Tokens("refresh-1", "access-1", int(NOW.timestamp()) + 3 * 3600))
    return StravaApi(1234, "client-secret", store, clock=NOW.timestamp)


@pytest.fixture
def strava_runs(testdata_dir: Path) -> list[dict[str, Any]]:
    """Two recorded runs and a weight-training session made from the first (local 19:00)."""
    runs: list[dict[str, Any]] = list(load(testdata_dir, "athlete_activities_2025-10.json"))[:2]
    lifted = shifted(runs[0], 16000000001, datetime(2025, 10, 17, 17, 0, tzinfo=UTC))
    lifted.update(sport_type="WeightTraining", type="WeightTraining", distance=0.0)
    lifted["start_date_local"] = "2025-10-17T19:00:00Z"
    return [*runs, lifted]


def test_strava_weight_training_gives_a_strength_day_without_a_request(
    rsps: responses.RequestsMock, strava_runs: list[dict[str, Any]], testdata_dir: Path
) -> None:
    """A WeightTraining activity is a strength day on its local date; it costs no request."""
    streams = load(testdata_dir, "vmpy_streams_1202065_1299011495.keyed_by_type.DERIVED.json")
    fake = FakeStrava(strava_runs, default_streams=streams)
    fake.install(rsps)
    pulled = StravaSource(strava_api()).pull(None, NOW.date())
    assert pulled.strength_days == (date(2025, 10, 17),)
    assert len(pulled.runs) == 2 and 16000000001 not in fake.stream_calls
    assert len(rsps.calls) == 1 + 2  # the list, and the streams of the two runs


@pytest.mark.parametrize(("opted_in", "exertion"), [(False, 9), (True, 9), (True, 7)])
def test_strava_perceived_exertion_is_an_opt_in_sensitive_checkin(
    rsps: responses.RequestsMock,
    testdata_dir: Path,
    opted_in: bool,
    exertion: int,
) -> None:
    """Opted in, a run rated 9/10 is a "sensitive" check-in (never pain); 7/10 or off: none."""
    streams = load(testdata_dir, "vmpy_streams_1202065_1299011495.keyed_by_type.DERIVED.json")
    detail = load(testdata_dir, "detailed_activity_run_nyc_marathon.json")
    detail["perceived_exertion"] = exertion
    summary = shifted(detail, detail["id"], datetime(2025, 10, 18, 12, tzinfo=UTC))
    fake = FakeStrava([summary], default_streams=streams, details={detail["id"]: detail})
    fake.install(rsps)
    pulled = StravaSource(strava_api(), checkins=opted_in).pull(None, NOW.date())
    assert len(pulled.runs) == 1
    if opted_in and exertion >= 9:
        (checkin,) = pulled.checkins
        assert checkin.feeling is Feeling.SENSITIVE and checkin.source == "strava"
        assert "9/10" in checkin.note
    else:
        assert pulled.checkins == ()
    assert len(rsps.calls) == (3 if opted_in else 2)  # the detail only when opted in


def test_a_summary_descent_is_said_in_the_sync_report(
    rsps: responses.RequestsMock, testdata_dir: Path, tmp_path: Path
) -> None:
    """A run without altitude stream shows a report warning naming it, not as 'skipped'."""
    distance_only = load(testdata_dir, "activity_streams_no_keys_distance_only.json")
    detail = load(testdata_dir, "detailed_activity_run_nyc_marathon.json")
    summary = shifted(detail, detail["id"], datetime(2025, 10, 18, 12, tzinfo=UTC))
    fake = FakeStrava([summary], default_streams=distance_only, details={detail["id"]: detail})
    fake.install(rsps)
    state = StateDatabase.open(tmp_path / "state")
    report = SyncReport(today=NOW.date())
    try:
        pull_all([StravaSource(strava_api())], state, NOW.date(), report)
    finally:
        state.close()
    assert report.runs_pulled == 1 and not report.errors
    (warning,) = report.warnings
    assert warning.startswith("strava: ") and f"strava:{detail['id']}" in warning
    assert "summary" in warning and "skipped" not in warning
