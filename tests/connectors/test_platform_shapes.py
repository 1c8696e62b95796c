"""Platform shapes (issue 14, kind 7): Garmin multisport legs, Garmin's 403 block, runs
deleted or re-typed on the platform, Strava virtual and trainer runs, a Strava 429's bucket and
a 404 on one activity. The real garminconnect and stravalib clients answer through
``responses`` from the recorded bodies of ``testdata``."""

from __future__ import annotations

import copy
import json
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import responses
from garmin_server import API, Clock, add_login, recorded, session_for, write_tokens
from strava_fake import API as STRAVA
from strava_fake import FakeStrava, load

from connectors.base import SourceError
from connectors.garmin.activities import GarminActivities
from connectors.strava.api import StravaApi
from connectors.strava.oauth import MemoryTokenStore, Tokens
from connectors.strava.source import StravaSource
from planner.models import Sport
from sync.store.database import StateDatabase

ZURICH = ZoneInfo("Europe/Zurich")
LIST = f"{API}/activitylist-service/activities/search/activities"
TODAY = date(2026, 1, 10)
PARENT_ID = 21482825999
LEGS = [21482826000, 21482826001, 21482826002]


def garmin(folder: Path) -> GarminActivities:
    write_tokens(folder)
    return GarminActivities(session_for(folder, Clock()), ZURICH)


def multisport_parent(testdata: Path) -> dict[str, Any]:
    """The case's parent: the recorded trail run re-typed multi_sport, legs in childIds only
    (garmin-health-data #72; typeId 89, parentTypeId 17 as in other projects' fixtures)."""
    trail = next(
        i
        for i in recorded(testdata, "test_activity_list__0_GET")
        if i["activityType"]["typeKey"] == "trail_running"
    )
    parent = copy.deepcopy(trail)
    parent.update(
        {
            "activityId": PARENT_ID,
            "activityName": "Swimrun Engadin",
            "activityType": {"typeId": 89, "typeKey": "multi_sport", "parentTypeId": 17},
            "isMultiSportParent": True,
            "childIds": LEGS,
            "elevationGain": 820.0,
            "elevationLoss": 835.0,
            "distance": 23500.0,
            "duration": 14400.0,
        }
    )
    return parent


def leg(testdata: Path, leg_id: int, type_key: str, parent_type: int, **summary: float) -> Any:
    """A leg as ``/activity-service/activity/{id}`` answers: the recorded trail-run detail
    with its type and figures replaced."""
    detail = copy.deepcopy(recorded(testdata, "test_activity_get__1_GET"))
    detail["activityId"] = leg_id
    detail["activityTypeDTO"] = {"typeKey": type_key, "parentTypeId": parent_type, "typeId": 0}
    detail["summaryDTO"].update(summary)
    return detail


@responses.activate
def test_a_multisport_activity_counts_its_run_and_hike_legs(
    testdata_dir: Path, tmp_path: Path
) -> None:
    """garmin-multisport-run-legs-dropped: swim + trail run + hike is one trail run of the two
    foot legs, 600 + 235 = 835 m of descent (a heavy descent, R2), the swim adding nothing."""
    add_login(responses.mock)
    responses.get(LIST, json=[multisport_parent(testdata_dir)])
    answers = [
        leg(testdata_dir, LEGS[0], "open_water_swimming", 26, distance=1500.0, elevationLoss=0.0),
        leg(testdata_dir, LEGS[1], "trail_running", 1, distance=14000.0, elevationLoss=600.0),
        leg(testdata_dir, LEGS[2], "hiking", 17, distance=8000.0, elevationLoss=235.0),
    ]
    for answer in answers:
        responses.get(f"{API}/activity-service/activity/{answer['activityId']}", json=answer)
    pulled = garmin(tmp_path).pull(None, TODAY)
    assert [(r.id, r.sport, r.distance_m, r.descent_m) for r in pulled.runs] == [
        (f"garmin:{PARENT_ID}", Sport.TRAIL_RUN, 22000.0, 835.0)
    ]
    assert pulled.problems == ()


@responses.activate
def test_a_multisport_activity_without_foot_legs_is_no_run(
    testdata_dir: Path, tmp_path: Path
) -> None:
    """A swim + bike (triathlon without its run, say) adds no run."""
    add_login(responses.mock)
    parent = multisport_parent(testdata_dir)
    parent["childIds"] = LEGS[:2]
    responses.get(LIST, json=[parent])
    responses.get(
        f"{API}/activity-service/activity/{LEGS[0]}",
        json=leg(testdata_dir, LEGS[0], "open_water_swimming", 26, distance=1500.0),
    )
    responses.get(
        f"{API}/activity-service/activity/{LEGS[1]}",
        json=leg(testdata_dir, LEGS[1], "road_biking", 2, distance=40000.0, elevationLoss=900.0),
    )
    assert garmin(tmp_path).pull(None, TODAY).runs == ()


CLOUDFLARE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
    "<body>Cloudflare Ray ID: 8f1c</body></html>"
)


@responses.activate
def test_a_garmin_403_block_never_asks_for_a_new_sign_in(tmp_path: Path) -> None:
    """garmin-403-says-login-again: a Cloudflare page is a block, reported as such."""
    add_login(responses.mock)
    responses.get(LIST, status=403, body=CLOUDFLARE, content_type="text/html")
    with pytest.raises(SourceError) as excinfo:
        garmin(tmp_path).pull(None, TODAY)
    assert "may be blocking this network" in str(excinfo.value)
    assert "login" not in str(excinfo.value) and "sign-in was refused" not in str(excinfo.value)
    assert excinfo.value.fix == ""


@responses.activate
def test_a_garmin_401_still_asks_for_a_new_sign_in(tmp_path: Path) -> None:
    """Only a refused token (401) names `hamsync login garmin`."""
    add_login(responses.mock)
    responses.get(LIST, status=401, json={"message": "Unauthorized"})
    with pytest.raises(SourceError) as excinfo:
        garmin(tmp_path).pull(None, TODAY)
    assert "hamsync login garmin" in excinfo.value.fix


@responses.activate
def test_a_garmin_run_deleted_or_re_typed_leaves_the_store(
    testdata_dir: Path, tmp_path: Path
) -> None:
    """Inside the overlap window: a run re-typed (trail run -> cycling) or deleted on Garmin
    Connect is taken back, and the store forgets it at the next sync."""
    add_login(responses.mock)
    items = recorded(testdata_dir, "test_activity_list__0_GET")
    listing = responses.get(LIST, json=items)
    first = garmin(tmp_path).pull(None, TODAY)
    state = StateDatabase.open(tmp_path / "state")
    with state.transaction():
        state.save_pull("garmin", first.runs, first.cursor, first.removed_run_ids)
    assert {r.id for r in state.runs()} == {"garmin:21482825013", "garmin:21461718086"}

    retyped = copy.deepcopy(items)
    retyped[0]["activityType"] = {"typeId": 2, "typeKey": "cycling", "parentTypeId": 17}
    listing.body = json.dumps(retyped).encode()
    second = garmin(tmp_path).pull(first.cursor, TODAY)
    assert second.removed_run_ids == ("garmin:21482825013",)
    with state.transaction():
        state.save_pull("garmin", second.runs, second.cursor, second.removed_run_ids)
    assert {r.id for r in state.runs()} == {"garmin:21461718086"}

    listing.body = json.dumps(retyped[:1] + retyped[2:]).encode()  # the hike deleted
    third = garmin(tmp_path).pull(second.cursor, TODAY)
    assert third.removed_run_ids == ("garmin:21461718086",)


# Strava --------------------------------------------------------------------------------------

NOW = datetime(2025, 10, 20, 12, 0, tzinfo=UTC)


def strava_api() -> StravaApi:
    tokens = MemoryTokenStore(Tokens("refresh", "access", int(NOW.timestamp()) + 3600))
    return StravaApi(1234, "client-secret", tokens, clock=NOW.timestamp)


def altitude_streams(n: int = 50) -> dict[str, Any]:
    return {
        "distance": {"data": [i * 10.0 for i in range(n)], "series_type": "distance"},
        "altitude": {"data": [100.0 + (i % 10) * 5 for i in range(n)], "series_type": "distance"},
    }


def test_a_strava_run_re_labelled_or_deleted_leaves_the_store(testdata_dir: Path) -> None:
    """strava-relabel-delete-phantom-run: Run -> Ride, then deleted, inside the 48 h overlap."""
    first_activity = load(testdata_dir, "athlete_activities_2025-10.json")[0]
    others = load(testdata_dir, "athlete_activities_2025-10.json")[1:4]
    act = copy.deepcopy(first_activity)
    rid = f"strava:{act['id']}"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeStrava([act, *others], default_streams=altitude_streams())
        fake.install(rsps)
        one = StravaSource(strava_api(), history_days=30).pull(None, NOW.date())
        assert rid in {r.id for r in one.runs}
        act["sport_type"] = act["type"] = "Ride"
        two = StravaSource(strava_api(), history_days=30).pull(one.cursor, NOW.date())
        assert two.removed_run_ids == (rid,)
        act["sport_type"] = act["type"] = "Run"
        three = StravaSource(strava_api(), history_days=30).pull(two.cursor, NOW.date())
        assert rid in {r.id for r in three.runs}
        fake.activities.remove(act)
        four = StravaSource(strava_api(), history_days=30).pull(three.cursor, NOW.date())
        assert four.removed_run_ids == (rid,)
    with tempfile.TemporaryDirectory() as folder:
        state = StateDatabase.open(Path(folder))
        for pulled in (one, two):
            with state.transaction():
                state.save_pull("strava", pulled.runs, pulled.cursor, pulled.removed_run_ids)
        assert rid not in {r.id for r in state.runs()}
        assert state.runs(), "the other runs stay"


@pytest.mark.parametrize("shape", ["VirtualRun", "trainer"])
def test_virtual_and_trainer_runs_count_without_descent(testdata_dir: Path, shape: str) -> None:
    """A VirtualRun or a `trainer: true` run counts as a run, with no descent and no request
    for streams (a virtual course's profile is not a descent the legs ran)."""
    act = copy.deepcopy(load(testdata_dir, "athlete_activities_2025-10.json")[0])
    act["total_elevation_gain"] = 640.0
    if shape == "VirtualRun":
        act["sport_type"] = act["type"] = "VirtualRun"
    else:
        act["trainer"] = True
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeStrava([act], default_streams=altitude_streams())
        fake.install(rsps)
        pulled = StravaSource(strava_api(), history_days=30).pull(None, NOW.date())
    assert [(r.sport, r.descent_m, r.ascent_m) for r in pulled.runs] == [(Sport.RUN, None, None)]
    assert fake.stream_calls == []
    assert any("virtual or treadmill" in n for n in pulled.notices)


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        ("10,2001", "2001/2000 today, overall"),
        ("201,900", "201/200 in 15 min, overall"),
    ],
)
def test_a_strava_429_names_the_limit_that_was_hit(usage: str, expected: str) -> None:
    """strava-429-message-wrong-bucket: the overall limit is full while reads have room."""
    body = {
        "message": "Rate Limit Exceeded",
        "errors": [{"resource": "Application", "field": "overall rate limit", "code": "exceeded"}],
    }
    headers = {
        "X-RateLimit-Limit": "200,2000",
        "X-RateLimit-Usage": usage,
        "X-ReadRateLimit-Limit": "100,1000",
        "X-ReadRateLimit-Usage": "5,900",
    }
    with responses.RequestsMock() as rsps:
        rsps.get(f"{STRAVA}/athlete/activities", status=429, headers=headers, json=body)
        with pytest.raises(SourceError) as excinfo:
            StravaSource(strava_api(), history_days=30).pull(None, NOW.date())
    assert expected in str(excinfo.value)
    assert "5/100" not in str(excinfo.value)


def test_a_404_on_one_activity_names_it_and_the_others_are_read(testdata_dir: Path) -> None:
    """The detail of one run answers 404 (deleted since it was listed): that one is named and
    skipped, the runs after it are still read."""
    acts = copy.deepcopy(load(testdata_dir, "athlete_activities_2025-10.json")[:3])
    acts.sort(key=lambda a: a["start_date"])
    missing = acts[1]["id"]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeStrava(acts, default_streams=None)  # no streams: the detail is asked
        fake.details = {a["id"]: a for a in acts}
        rsps.get(
            f"{STRAVA}/activities/{missing}",
            status=404,
            json={"message": "Record Not Found", "errors": []},
        )
        fake.install(rsps)
        pulled = StravaSource(strava_api(), history_days=30).pull(None, NOW.date())
    ids = {r.id for r in pulled.runs}
    assert f"strava:{acts[0]['id']}" in ids and f"strava:{acts[2]['id']}" in ids
    assert f"strava:{missing}" not in ids
    assert [p.where for p in pulled.problems] == [f"activity {missing}"]
