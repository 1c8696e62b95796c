"""The Strava source with the real stravalib client against recorded responses."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from strava_fake import API, TOKEN_URL, FakeStrava, load, shifted, year_of_runs

from connectors.base import SourceError
from connectors.strava import StravaApi, StravaSource, Tokens
from connectors.strava.oauth import MemoryTokenStore
from planner.models import Sport

NOW = datetime(2025, 10, 19, 8, 0, tzinfo=UTC)
TODAY = date(2025, 10, 19)


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def recorded(testdata_dir: Path) -> list[dict[str, Any]]:
    """The 30 real activities of the recorded list (28 Run, 2 TrailRun, newest first)."""
    return list(load(testdata_dir, "athlete_activities_2025-10.json"))


@pytest.fixture
def ride_streams(testdata_dir: Path) -> dict[str, Any]:
    """Real keyed-by-type streams with altitude (the vmpy ride, reshaped by SOURCES.md)."""
    return dict(load(testdata_dir, "vmpy_streams_1202065_1299011495.keyed_by_type.DERIVED.json"))


def make_api(store: MemoryTokenStore | None = None, **kwargs: Any) -> StravaApi:
    store = store or MemoryTokenStore(
        Tokens("refresh-1", "access-1", int(NOW.timestamp()) + 3 * 3600)
    )
    return StravaApi(1234, "client-secret", store, clock=NOW.timestamp, **kwargs)


def source(api: StravaApi, **kwargs: Any) -> StravaSource:
    return StravaSource(api, history_days=kwargs.pop("history_days", 90), **kwargs)


def test_first_sync_sorts_and_measures_every_run(
    rsps: responses.RequestsMock, recorded: list[dict[str, Any]], ride_streams: dict[str, Any]
) -> None:
    """Runs arrive oldest first with descent measured from the altitude stream: 1 + 1 per run."""
    fake = FakeStrava(recorded, default_streams=ride_streams)
    fake.install(rsps)
    result = source(make_api()).pull(None, TODAY)
    starts = [r.start for r in result.runs]
    assert starts == sorted(starts)
    assert len({r.id for r in result.runs}) == len(result.runs) == 30
    assert {r.descent_from for r in result.runs} == {"computed"}
    assert all(r.descent_m and r.descent_m > 300 for r in result.runs)  # the ride's ~400 m
    assert {r.sport for r in result.runs} == {Sport.RUN, Sport.TRAIL_RUN}
    trail = [r for r in result.runs if r.id == "strava:15878564739"]
    assert trail and trail[0].platform_trail
    assert len(rsps.calls) == 31
    assert fake.list_calls[0]["after"] == str(int(datetime(2025, 7, 21, tzinfo=UTC).timestamp()))
    assert all(c.request.headers["Authorization"] == "Bearer access-1" for c in rsps.calls)


def test_idle_sync_costs_one_request_and_a_new_run_two(
    rsps: responses.RequestsMock, recorded: list[dict[str, Any]], ride_streams: dict[str, Any]
) -> None:
    """With nothing new a sync asks only the list; a new run adds its streams, nothing else."""
    fake = FakeStrava(recorded, default_streams=ride_streams)
    fake.install(rsps)
    src = source(make_api())
    first = src.pull(None, TODAY)
    rsps.calls.reset()  # type: ignore[no-untyped-call]
    idle = source(make_api()).pull(first.cursor, TODAY)
    assert idle.runs == ()
    assert len(rsps.calls) == 1
    newest = datetime.fromisoformat(json.loads(str(first.cursor))["newest"])
    after = int(fake.list_calls[-1]["after"])
    assert after == int((newest - timedelta(hours=48)).timestamp())  # the overlap window
    fake.activities.append(shifted(recorded[0], 777, newest + timedelta(hours=2)))
    rsps.calls.reset()  # type: ignore[no-untyped-call]
    new = source(make_api()).pull(idle.cursor, TODAY)
    assert [r.id for r in new.runs] == ["strava:777"]
    assert len(rsps.calls) == 2


def test_pages_overlap_and_duplicates_give_each_run_once(
    rsps: responses.RequestsMock, recorded: list[dict[str, Any]], ride_streams: dict[str, Any]
) -> None:
    """An activity repeated across pages (a new upload shifts them) is pulled once."""
    doubled = [*recorded, recorded[10]]  # Strava answering the same id twice
    fake = FakeStrava(doubled, default_streams=ride_streams)
    fake.install(rsps)
    result = source(make_api(), per_page=10).pull(None, TODAY)
    assert len(result.runs) == 30
    assert len(fake.list_calls) == 4  # 3 full pages of 10 and a last short one
    assert len(fake.stream_calls) == 30


def test_streams_with_nulls_are_measured(
    rsps: responses.RequestsMock, recorded: list[dict[str, Any]], testdata_dir: Path
) -> None:
    """Real streams holding nulls (go.strava 2014) still give a computed descent."""
    nulls = load(testdata_dir, "gostrava_activity_stream_2014_medium.keyed_by_type.DERIVED.json")
    assert None in nulls["altitude"]["data"]
    fake = FakeStrava(recorded[:1], default_streams=nulls)
    fake.install(rsps)
    (run,) = source(make_api()).pull(None, TODAY).runs
    assert run.descent_from == "computed"
    assert run.terrain is not None and run.descent_m is not None and run.descent_m > 0


def test_missing_altitude_falls_back_to_the_summary_and_says_so(
    rsps: responses.RequestsMock,
    recorded: list[dict[str, Any]],
    testdata_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A distance-only stream (real) costs one detail request; descent = gain - net change."""
    distance_only = load(testdata_dir, "activity_streams_no_keys_distance_only.json")
    detail = load(testdata_dir, "detailed_activity_run_nyc_marathon.json")
    summary = shifted(recorded[0], detail["id"], datetime(2025, 10, 18, 12, tzinfo=UTC))
    summary["total_elevation_gain"] = detail["total_elevation_gain"]
    fake = FakeStrava([summary], default_streams=distance_only, details={detail["id"]: detail})
    fake.install(rsps)
    (run,) = source(make_api()).pull(None, TODAY).runs
    net = sum(s["elevation_difference"] for s in detail["splits_metric"])
    assert run.descent_from == "summary"
    assert run.descent_m == pytest.approx(270.9 - net, abs=0.1)
    assert len(rsps.calls) == 3  # list, streams, detail: never more for one run
    assert "no usable altitude stream" in caplog.text


def test_manual_activity_asks_for_no_streams(
    rsps: responses.RequestsMock, testdata_dir: Path
) -> None:
    """A manual run (real POST /activities answer) is pulled from the list alone."""
    manual = load(testdata_dir, "create_manual_activity_response.json")
    fake = FakeStrava([manual])
    fake.install(rsps)
    (run,) = source(make_api()).pull(None, date(2025, 10, 19)).runs
    assert run.descent_from == "summary" and run.descent_m == 0
    assert len(rsps.calls) == 1 and fake.stream_calls == []


def test_sports_other_than_runs_are_skipped_unless_configured(
    rsps: responses.RequestsMock, testdata_dir: Path
) -> None:
    """The real manual Hike is ignored by default and pulled as a hike when configured."""
    hike = load(testdata_dir, "stravalib_activity-manual.3.json")
    fake = FakeStrava([hike])
    fake.install(rsps)
    day = date.fromisoformat(hike["start_date"][:10]) + timedelta(days=1)
    assert source(make_api()).pull(None, day).runs == ()
    (run,) = source(make_api(), sports=["Hike"]).pull(None, day).runs
    assert run.sport is Sport.HIKE


def test_token_about_to_expire_is_refreshed_first_and_saved(
    rsps: responses.RequestsMock, recorded: list[dict[str, Any]], testdata_dir: Path
) -> None:
    """Two minutes before expiry the token is refreshed, the new refresh token saved, then used."""
    small = load(testdata_dir, "segment_streams_keyed_altitude.json")
    fake = FakeStrava(recorded[:1], default_streams=small)
    fake.install(rsps)
    rsps.add(
        responses.POST, TOKEN_URL, json=load(testdata_dir, "oauth_refresh_token_response.json")
    )
    store = MemoryTokenStore(Tokens("refresh-1", "access-1", int(NOW.timestamp()) + 120))
    source(make_api(store)).pull(None, TODAY)
    assert store.saves == 1 and store.tokens is not None
    assert store.tokens.refresh_token == "new-refresh-token"
    assert rsps.calls[0].request.url == TOKEN_URL
    assert "refresh_token=refresh-1" in str(rsps.calls[0].request.body)
    assert rsps.calls[1].request.headers["Authorization"] == "Bearer new-access-token"


def test_revoked_refresh_token_names_the_login_command(
    rsps: responses.RequestsMock, testdata_dir: Path
) -> None:
    """Strava refusing the refresh token gives one message naming `hamsync login strava`."""
    body = {
        "message": "Bad Request",
        "errors": [{"resource": "RefreshToken", "field": "refresh_token", "code": "invalid"}],
    }
    rsps.add(responses.POST, TOKEN_URL, json=body, status=400)
    store = MemoryTokenStore(Tokens("refresh-1", "access-1", 0))
    with pytest.raises(SourceError) as excinfo:
        source(make_api(store)).pull(None, TODAY)
    assert "hamsync login strava" in excinfo.value.fix
    assert len(rsps.calls) == 1 and store.saves == 0


def test_revoked_access_token_names_the_login_command(rsps: responses.RequestsMock) -> None:
    """A 401 on the list (the runner revoked hamsync on strava.com) asks to sign in again."""
    body = {
        "message": "Authorization Error",
        "errors": [{"resource": "Athlete", "field": "access_token", "code": "invalid"}],
    }
    rsps.add(responses.GET, f"{API}/athlete/activities", json=body, status=401)
    with pytest.raises(SourceError) as excinfo:
        source(make_api()).pull(None, TODAY)
    assert "hamsync login strava" in excinfo.value.fix
    assert "revoked" in str(excinfo.value)


@pytest.mark.parametrize(
    ("status", "words"),
    [(429, "rate limit"), (500, "server error"), (503, "server error")],
)
def test_429_and_5xx_are_reported_without_sleeping(
    rsps: responses.RequestsMock, recorded: list[dict[str, Any]], status: int, words: str
) -> None:
    """An error status is a SourceError at once (no hour-long sleep) and retried later."""
    body = {
        "message": "Rate Limit Exceeded",
        "errors": [{"resource": "Application", "field": "read rate limit", "code": "exceeded"}],
    }
    fake = FakeStrava(recorded, read_used=100, fail_list_with=(status, body))
    fake.install(rsps)
    started = time.monotonic()
    with pytest.raises(SourceError) as excinfo:
        source(make_api()).pull(None, TODAY)
    assert time.monotonic() - started < 5
    assert words in str(excinfo.value) and "next sync" in str(excinfo.value)
    assert len(rsps.calls) == 1


def test_timeout_is_reported(rsps: responses.RequestsMock) -> None:
    """A Strava that does not answer gives a SourceError naming the timeout."""
    rsps.add(responses.GET, f"{API}/athlete/activities", body=requests.ReadTimeout("slow"))
    with pytest.raises(SourceError) as excinfo:
        source(make_api(timeout_s=7)).pull(None, TODAY)
    assert "did not answer within 7 s" in str(excinfo.value)


def test_429_midway_keeps_what_was_done(
    rsps: responses.RequestsMock, recorded: list[dict[str, Any]], ride_streams: dict[str, Any]
) -> None:
    """A 429 after some runs returns them with the cursor on the last one; nothing is redone."""
    fake = FakeStrava(recorded, default_streams=ride_streams)
    fake.install(rsps)
    oldest_five = sorted(recorded, key=lambda a: a["start_date"])[:5]
    limited = oldest_five[-1]["id"]
    fake.stream_status[limited] = 429
    first = source(make_api()).pull(None, TODAY)
    assert [r.id for r in first.runs] == [f"strava:{a['id']}" for a in oldest_five[:4]]
    assert "rate limit" in first.problems[0].why
    del fake.stream_status[limited]
    rest = source(make_api()).pull(first.cursor, TODAY)
    ids = [r.id for r in first.runs] + [r.id for r in rest.runs]
    assert sorted(ids) == sorted(f"strava:{a['id']}" for a in recorded)


def test_stops_before_the_read_limit_and_resumes(
    rsps: responses.RequestsMock, recorded: list[dict[str, Any]], ride_streams: dict[str, Any]
) -> None:
    """Usage headers near 100/15 min stop the pull early; the next window completes it."""
    fake = FakeStrava(recorded, default_streams=ride_streams, read_used=85)
    fake.install(rsps)
    first = source(make_api()).pull(None, TODAY)
    assert fake.read_used <= 100 - 3  # never past the limit, a few left for the runner
    assert 0 < len(first.runs) < 30
    assert "rate limit" in first.problems[0].why
    fake.read_used = 0  # a new 15-minute window
    second = source(make_api()).pull(first.cursor, TODAY)
    ids = [r.id for r in first.runs] + [r.id for r in second.runs]
    assert len(ids) == len(set(ids)) == 30


def test_a_year_of_runs_over_several_syncs_without_gap_or_duplicate(
    rsps: responses.RequestsMock, recorded: list[dict[str, Any]], testdata_dir: Path
) -> None:
    """300 runs with a cap of 90 requests per sync arrive in 4 syncs, each once."""
    small = load(testdata_dir, "segment_streams_keyed_altitude.json")
    runs = year_of_runs(recorded[0], 300, NOW - timedelta(days=1))
    fake = FakeStrava(runs, default_streams=small, newest_first=False)
    fake.install(rsps)
    cursor, seen, syncs = None, [], 0
    while True:
        result = source(make_api(max_requests=90), history_days=366).pull(cursor, TODAY)
        syncs += 1
        seen += [r.id for r in result.runs]
        cursor = result.cursor
        fake.read_used = 0  # the next sync runs in a new 15-minute window
        if not result.runs:
            break
    assert len(seen) == len(set(seen)) == 300
    assert syncs == 5  # four that pull, one idle
