"""intervals.icu activities through the real client, against a local server on 127.0.0.1."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from intervals_server import ATHLETE, KEY, FakeIntervals, Fault, RunningServer, fixture, serve

from connectors.base import SourceError
from connectors.intervals.activities import IntervalsActivities, windows
from connectors.intervals.client import IntervalsAccount, IntervalsClient, check_base_url
from planner.merge import same_run
from planner.models import Sport

TZ = ZoneInfo("Europe/Zurich")
TODAY = date(2026, 6, 10)


@pytest.fixture
def server() -> Iterator[RunningServer]:
    fake = FakeIntervals(activities=fixture("activities.synthetic.json"))
    yield from serve(fake)


def client(server: RunningServer, key: str | None = KEY, clock: float = 0.0) -> IntervalsClient:
    now = [clock]
    made = IntervalsClient(IntervalsAccount(ATHLETE, key, server.url), clock=lambda: now[0])
    made.now = now  # type: ignore[attr-defined]  # the test moves the clock
    return made


def source(server: RunningServer, **kwargs: object) -> IntervalsActivities:
    return IntervalsActivities(client(server), TZ, **kwargs)  # type: ignore[arg-type]


def test_first_pull_reads_runs_trail_runs_and_hikes_with_their_descent(
    server: RunningServer,
) -> None:
    """Runs, trail runs and hikes arrive with intervals.icu's climb and descent; rides and
    Strava stubs do not, and the stubs are named in a notice."""
    result = source(server).pull(None, TODAY)
    by_name = {r.name: r for r in result.runs}
    assert sorted(by_name) == ["Easy run", "Hike to the hut", "Ridge long run", "Treadmill"]
    ridge = by_name["Ridge long run"]
    assert (ridge.sport, ridge.ascent_m, ridge.descent_m) == (Sport.TRAIL_RUN, 1450.0, 1420.0)
    assert ridge.platform_trail and ridge.descent_from == "summary"
    assert ridge.start == datetime(2026, 6, 7, 8, 30, tzinfo=TZ)
    assert ridge.sources == ("intervals:i7001",)
    assert by_name["Hike to the hut"].sport is Sport.HIKE
    assert by_name["Treadmill"].descent_m is None and by_name["Treadmill"].descent_from == "none"
    assert [r.start for r in result.runs] == sorted(r.start for r in result.runs)
    assert any("1 activity it received from Strava" in n for n in result.notices)


def test_virtual_and_treadmill_runs_count_without_descent() -> None:
    """A VirtualRun or a trainer run is a run for the dose, but its course profile is no
    descent the legs ran (as for Strava)."""
    from connectors.intervals.mapping import to_run

    easy = fixture("activities.synthetic.json")[4]
    for changed in ({"type": "VirtualRun"}, {"trainer": True}):
        run = to_run(easy | changed, TZ)
        assert run is not None and run.sport is Sport.RUN
        assert (run.ascent_m, run.descent_m, run.descent_from) == (None, None, "none")


def test_weight_training_marks_its_day_as_a_strength_day(server: RunningServer) -> None:
    """A WeightTraining activity logged on a day marks that day's session done (R8)."""
    assert source(server).pull(None, TODAY).strength_days == (date(2026, 6, 5),)


def test_next_pull_asks_from_the_cursor_minus_the_overlap_in_one_request(
    server: RunningServer,
) -> None:
    """An ordinary sync is one request, from three days before the newest run seen."""
    first = source(server).pull(None, TODAY)
    assert first.cursor == "2026-06-07T06:30:00+00:00"
    server.fake.log.clear()
    again = source(server).pull(first.cursor, TODAY)
    asked = server.fake.requests()
    assert len(asked) == 1
    assert asked[0][2] == {"oldest": "2026-06-04", "newest": "2026-06-11"}
    assert [r.name for r in again.runs] == ["Ridge long run"]  # re-read: late edits count


def test_a_first_sync_of_a_year_is_read_in_windows_oldest_first(server: RunningServer) -> None:
    """366 days in 90-day windows: five requests, oldest window first, none overlapping."""
    source(server, initial_days=365).pull(None, TODAY)
    asked = [(q["oldest"], q["newest"]) for _, _, q in server.fake.requests()]
    assert len(asked) == 5
    assert asked == sorted(asked)
    assert asked[0][0] == "2025-06-10" and asked[-1][1] == "2026-06-11"
    for (_, end), (start, _) in itertools.pairwise(asked):
        assert date.fromisoformat(start) == date.fromisoformat(end) + timedelta(days=1)


def test_a_429_part_way_keeps_what_was_read_and_resumes_there(server: RunningServer) -> None:
    """The first windows are kept with the cursor on their newest run; the next sync goes on
    from there and nothing is lost or doubled."""
    old = dict(fixture("activities.synthetic.json")[4], id="i6000", name="Winter run")
    old.update(start_date="2026-01-10T09:00:00Z", start_date_local="2026-01-10T10:00:00")
    server.fake.activities.append(old)
    pulls = source(server, initial_days=240)
    server.fake.fault_on[3] = Fault(429, {"Retry-After": "120"})
    first = pulls.pull(None, TODAY)
    assert [r.name for r in first.runs] == ["Winter run"]
    assert first.cursor == "2026-01-10T09:00:00+00:00"
    assert "429" in first.problems[0].why
    second = source(server).pull(first.cursor, TODAY)
    assert "Ridge long run" in [r.name for r in second.runs]


def test_401_names_the_key_to_fix(server: RunningServer) -> None:
    with pytest.raises(SourceError) as caught:
        IntervalsActivities(client(server, key="wrong"), TZ).pull(None, TODAY)
    assert "401" in str(caught.value)
    assert "HAMSYNC_INTERVALS_API_KEY" in caught.value.fix
    assert "intervals.api_key" in caught.value.fix
    assert "wrong" not in str(caught.value) + caught.value.fix


def test_no_key_says_where_to_put_it_without_asking(server: RunningServer) -> None:
    with pytest.raises(SourceError) as caught:
        IntervalsActivities(client(server, key=None), TZ).pull(None, TODAY)
    assert "HAMSYNC_INTERVALS_API_KEY" in caught.value.fix
    assert server.fake.log == []


def test_429_carries_retry_after_and_stops_asking_until_then(server: RunningServer) -> None:
    """One 429: the error carries the wait, and the client sends nothing more until the wait
    is over (a sink of the same account does not hit the limit again); never a loop."""
    server.fake.faults.append(Fault(429, {"Retry-After": "300"}))
    shared = client(server)
    with pytest.raises(SourceError) as caught:
        IntervalsActivities(shared, TZ).pull(None, TODAY)
    assert caught.value.retry_after_s == 300
    assert "later sync" in str(caught.value)
    with pytest.raises(SourceError):
        shared.events("2026-06-10", "2026-06-24")
    assert len(server.fake.log) == 1
    shared.now[0] = 301.0  # type: ignore[attr-defined]
    assert shared.events("2026-06-10", "2026-06-24") == []
    assert len(server.fake.log) == 2


def test_server_error_is_reported_for_a_later_sync(server: RunningServer) -> None:
    server.fake.faults.append(Fault(503, {"Retry-After": "30"}))
    with pytest.raises(SourceError) as caught:
        source(server).pull(None, TODAY)
    assert "503" in str(caught.value) and caught.value.retry_after_s == 30
    assert len(server.fake.log) == 1


def test_429_without_retry_after_waits_a_minute(server: RunningServer) -> None:
    server.fake.faults.append(Fault(429))
    with pytest.raises(SourceError) as caught:
        source(server).pull(None, TODAY)
    assert caught.value.retry_after_s == 60


def test_500_without_retry_after_is_tried_again_next_sync(server: RunningServer) -> None:
    """No wait asked: the error says so and the next call is sent (on the next sync)."""
    server.fake.faults.append(Fault(500))
    shared = client(server)
    with pytest.raises(SourceError) as caught:
        IntervalsActivities(shared, TZ).pull(None, TODAY)
    assert "500" in str(caught.value) and caught.value.retry_after_s is None
    assert len(IntervalsActivities(shared, TZ).pull(None, TODAY).runs) == 4


def test_a_server_too_slow_to_answer_times_out(server: RunningServer) -> None:
    server.fake.faults.append(Fault(200, {}, "[]", delay_s=2.0))
    slow = IntervalsClient(IntervalsAccount(ATHLETE, KEY, server.url, timeout_s=0.3))
    with pytest.raises(SourceError, match=r"no answer within 0\.3 s"):
        IntervalsActivities(slow, TZ).pull(None, TODAY)


def test_a_server_that_is_down_is_reported() -> None:
    down = IntervalsClient(IntervalsAccount(ATHLETE, KEY, "http://127.0.0.1:9", timeout_s=2))
    with pytest.raises(SourceError, match="cannot reach"):
        IntervalsActivities(down, TZ).pull(None, TODAY)


def test_an_oversized_answer_is_not_read(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The memory budget: an answer over the cap is refused, not loaded."""
    monkeypatch.setattr("connectors.intervals.client.MAX_BODY_BYTES", 1024)
    with pytest.raises(SourceError, match="larger than"):
        source(server, initial_days=30).pull(None, TODAY)


def test_answer_that_is_not_a_list_is_an_error_not_a_crash(server: RunningServer) -> None:
    server.fake.faults.append(Fault(200, {}, json.dumps({"oops": 1})))
    with pytest.raises(SourceError, match="expected a list"):
        source(server).pull(None, TODAY)


def test_a_broken_activity_is_skipped_and_the_rest_kept(server: RunningServer) -> None:
    """An activity without a readable start is reported by id; the others still arrive."""
    broken = {"id": "i9", "type": "Run", "start_date_local": "2026-06-09T25:99:00"}
    server.fake.activities.insert(0, broken)
    result = source(server).pull(None, TODAY)
    assert len(result.runs) == 4
    assert [p.where for p in result.problems] == ["intervals.icu activity i9"]


def test_the_same_run_from_garmin_counts_once() -> None:
    """intervals.icu's copy of a Garmin run merges with Garmin's own record (start and
    distance agree), so the week counts it once."""
    from connectors.garmin.mapping import to_run as garmin_run
    from connectors.intervals.mapping import to_run

    ours = to_run(fixture("activities.synthetic.json")[0], TZ)
    garmin = garmin_run(
        {"activityId": 15900000001, "startTimeGMT": "2026-06-07 06:30:02",
         "activityType": {"typeKey": "trail_running", "parentTypeId": 1},
         "distance": 24480.0, "duration": 11500.0, "movingDuration": 10790.0,
         "elevationGain": 1460.0, "elevationLoss": 1432.0}
    )  # fmt: skip
    assert ours is not None and garmin is not None
    assert same_run(ours, garmin)


def test_windows_cover_every_day_once() -> None:
    spans = windows(date(2026, 1, 1), date(2026, 6, 10), 90)
    days = [(b - a).days + 1 for a, b in spans]
    assert sum(days) == (date(2026, 6, 11) - date(2026, 1, 1)).days + 1
    assert windows(date(2026, 6, 9), date(2026, 6, 10), 90) == [
        (date(2026, 6, 9), date(2026, 6, 11))
    ]


def test_the_key_never_travels_in_clear_text_to_another_machine() -> None:
    with pytest.raises(ValueError, match="https"):
        check_base_url("http://intervals.example.org")
    assert check_base_url("https://intervals.icu/") == "https://intervals.icu"
    assert check_base_url("http://127.0.0.1:9999") == "http://127.0.0.1:9999"
