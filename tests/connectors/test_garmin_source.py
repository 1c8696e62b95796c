"""The Garmin activity source: the real garminconnect client against recorded responses."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import responses
from garmin_server import API, DIAUTH, Clock, add_login, recorded, session_for, write_tokens

from connectors.base import SourceError
from connectors.garmin.activities import GarminActivities
from connectors.garmin.mapping import feel_checkin, to_run
from planner.models import Feeling, Sport

LIST = f"{API}/activitylist-service/activities/search/activities"
ZURICH = ZoneInfo("Europe/Zurich")


def source(folder: Path, clock: Clock, **options: object) -> GarminActivities:
    return GarminActivities(session_for(folder, clock), ZURICH, **options)  # type: ignore[arg-type]


def test_trail_run_keeps_the_device_descent(testdata_dir: Path) -> None:
    """The recorded trail run maps to a trail run with the watch's own 151 m up / 147 m down."""
    payload = recorded(testdata_dir, "test_activity_list__0_GET")[0]
    run = to_run(payload)
    assert run is not None
    assert run.id == "garmin:21482825013"
    assert run.sport is Sport.TRAIL_RUN and run.platform_trail
    assert (run.ascent_m, run.descent_m, run.descent_from) == (151.0, 147.0, "device")
    assert run.start == datetime(2026, 1, 8, 14, 10, 21, tzinfo=UTC)
    assert run.moving_s == 2216.0 and round(run.distance_m) == 4261


def test_hikes_count_for_descent_and_paddling_is_ignored(testdata_dir: Path) -> None:
    """A hike becomes Sport.HIKE (descent load only); paddling and swimming are not runs."""
    page = recorded(testdata_dir, "test_activity_list__0_GET")
    mapped = [to_run(p) for p in page]
    assert mapped[1] is not None and mapped[1].sport is Sport.HIKE
    assert mapped[1].descent_m == 157.0 and not mapped[1].counts_for_dose
    assert mapped[2] is None


def test_a_run_without_elevation_keys_has_no_descent(testdata_dir: Path) -> None:
    """A treadmill-like run without elevation keys is kept, with no descent and source 'none'."""
    payload = dict(recorded(testdata_dir, "test_activity_list__0_GET")[0])
    for key in ("elevationGain", "elevationLoss", "minElevation", "maxElevation"):
        payload.pop(key)
    payload["activityType"] = {"typeId": 1, "typeKey": "running", "parentTypeId": 1}
    run = to_run(payload)
    assert run is not None and run.sport is Sport.RUN
    assert (run.ascent_m, run.descent_m, run.descent_from) == (None, None, "none")


@responses.activate
def test_pull_reads_pages_until_the_window_and_pauses_between_calls(
    testdata_dir: Path, tmp_path: Path
) -> None:
    """First sync: two recorded pages, then stop (older than the window), a second between calls."""
    write_tokens(tmp_path)
    add_login(responses.mock)
    responses.get(LIST, json=recorded(testdata_dir, "test_activity_list_pagination__0_GET"))
    responses.get(LIST, json=recorded(testdata_dir, "test_activity_list_pagination__1_GET"))
    clock = Clock()
    pulled = source(tmp_path, clock, page_size=2, initial_days=7).pull(None, date(2026, 1, 10))
    assert [r.id for r in pulled.runs] == ["garmin:21461718086", "garmin:21482825013"]
    assert json.loads(pulled.cursor or "")["newest"] == "2026-01-08T14:10:21+00:00"
    lists = [c.request.url for c in responses.calls if c.request.url.startswith(LIST)]
    assert len(lists) == 2 and "start=2" in lists[1]
    assert len(responses.calls) == 4  # two profile reads at sign-in, two pages
    assert clock.pauses and all(p <= 1.0 for p in clock.pauses)
    assert sum(clock.pauses) >= 1.0 * (len(lists) - 1)


@responses.activate
def test_next_pull_asks_one_page_and_keeps_the_cursor(testdata_dir: Path, tmp_path: Path) -> None:
    """With a cursor, one short page is enough and a pull with nothing new keeps the cursor."""
    write_tokens(tmp_path)
    add_login(responses.mock)
    responses.get(LIST, json=recorded(testdata_dir, "test_activity_list__0_GET"))
    cursor = "2026-01-08T14:10:21+00:00"
    pulled = source(tmp_path, Clock(), page_size=20).pull(cursor, date(2026, 1, 10))
    assert json.loads(pulled.cursor or "")["newest"] == cursor  # older bare cursors still read
    assert [r.id for r in pulled.runs] == ["garmin:21461718086", "garmin:21482825013"]
    assert len(responses.calls) == 3


def test_feel_counts_at_most_as_sensitive() -> None:
    """A weak feel or an extreme effort is 'sensitive'; a good feel is no check-in at all."""
    day = date(2026, 1, 8)
    weak = feel_checkin({"activityName": "Base", "summaryDTO": {"directWorkoutFeel": 0}}, day)
    hard = feel_checkin({"directWorkoutRpe": 100}, day)
    good = feel_checkin({"directWorkoutFeel": 100, "directWorkoutRpe": 30}, day)
    assert weak is not None and weak.feeling is Feeling.SENSITIVE and weak.source == "garmin"
    assert hard is not None and hard.feeling is Feeling.SENSITIVE
    assert good is None


@responses.activate
def test_checkins_only_when_opted_in(testdata_dir: Path, tmp_path: Path) -> None:
    """The same weak-feel run gives a check-in only with checkins_from_feel on."""
    write_tokens(tmp_path)
    add_login(responses.mock)
    page = recorded(testdata_dir, "test_activity_list__0_GET")
    page[0]["directWorkoutFeel"] = 25
    responses.get(LIST, json=page)
    responses.get(LIST, json=page)
    off = source(tmp_path, Clock()).pull("2026-01-08T00:00:00+00:00", date(2026, 1, 10))
    on = source(tmp_path, Clock(), checkins=True).pull(
        "2026-01-08T00:00:00+00:00", date(2026, 1, 10)
    )
    assert off.checkins == ()
    assert [(c.day, c.feeling) for c in on.checkins] == [(date(2026, 1, 8), Feeling.SENSITIVE)]


def test_no_token_file_names_the_login_command(tmp_path: Path) -> None:
    """Without stored tokens the pull fails at once, naming `hamsync login garmin`."""
    with pytest.raises(SourceError) as caught:
        source(tmp_path, Clock()).pull(None, date(2026, 1, 10))
    assert "hamsync login garmin" in caught.value.fix


@responses.activate
def test_expired_tokens_fail_once_without_a_password_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Expired tokens Garmin will not refresh: one SourceError naming the login, no SSO request."""
    import garminconnect.client

    monkeypatch.setattr(garminconnect.client, "HAS_CFFI", False)  # token refresh via requests
    monkeypatch.setattr("garminconnect.api.base.time.sleep", lambda _s: None)
    write_tokens(tmp_path, valid_for_s=-3600)
    responses.post(DIAUTH, status=400, json={"error": "invalid_grant"})
    responses.get(f"{API}/userprofile-service/socialProfile", status=401, json={})
    responses.get(f"{API}/userprofile-service/userprofile/user-settings", status=401, json={})
    activities = source(tmp_path, Clock())
    with pytest.raises(SourceError) as caught:
        activities.pull(None, date(2026, 1, 10))
    assert "hamsync login garmin" in caught.value.fix
    hosts = {c.request.url.split("/")[2] for c in responses.calls}
    assert hosts <= {"connectapi.garmin.com", "diauth.garmin.com"}
    made = len(responses.calls)
    with pytest.raises(SourceError):
        activities.pull(None, date(2026, 1, 10))
    assert len(responses.calls) == made  # said once: no new request in this sync


@responses.activate
def test_an_expiring_token_is_refreshed_and_stored(
    testdata_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An access token about to expire is refreshed by the library and the file rewritten 0600."""
    import garminconnect.client
    from garmin_server import mint_jwt

    monkeypatch.setattr(garminconnect.client, "HAS_CFFI", False)
    token_file = write_tokens(tmp_path, valid_for_s=60)
    new_token = mint_jwt(datetime.now(UTC).timestamp() + 86400)
    responses.post(DIAUTH, json={"access_token": new_token, "refresh_token": new_token})
    add_login(responses.mock)
    responses.get(LIST, json=[])
    pulled = source(tmp_path, Clock()).pull(None, date(2026, 1, 10))
    assert pulled.runs == ()
    assert json.loads(token_file.read_text())["di_token"] == new_token
    assert token_file.stat().st_mode & 0o777 == 0o600


@responses.activate
def test_a_429_is_reported_and_not_retried_in_a_loop(tmp_path: Path) -> None:
    """A 429 on the list: a SourceError saying it waits for the next sync; one request only."""
    write_tokens(tmp_path)
    add_login(responses.mock)
    responses.get(LIST, status=429, json={"message": "Too Many Requests"})
    activities = source(tmp_path, Clock())
    with pytest.raises(SourceError, match="429"):
        activities.pull(None, date(2026, 1, 10))
    with pytest.raises(SourceError, match="429"):
        activities.pull(None, date(2026, 1, 10))
    assert len([c for c in responses.calls if c.request.url.startswith(LIST)]) == 1


def test_overlap_window_reads_back_three_days() -> None:
    """The next pull asks again for everything newer than the cursor minus the overlap."""
    activities = GarminActivities(session_for(Path("/nonexistent"), Clock()), ZURICH)
    since = activities._since("2026-01-08T14:10:21+00:00", date(2026, 1, 10))
    assert since == datetime(2026, 1, 8, 14, 10, 21, tzinfo=UTC) - timedelta(days=3)
