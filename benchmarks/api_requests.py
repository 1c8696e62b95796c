"""API requests per sync against the minimum, counted on recorded responses.

The real client libraries (stravalib, garminconnect) run against the project's recorded
responses, served in-process by ``responses`` through the test suite's fakes
(``tests/strava_fake.py``, ``tests/connectors/garmin_server.py``), so every request a sync
makes is counted. Three syncs each: idle (nothing new), one new run, and a first sync that
reaches back a year (300 runs).

Minimums: Strava lists up to 200 activities per request and needs one streams request per run
for its altitude; Garmin's activity list already holds the device's climb and descent, so only
list pages are needed, at the page size the Garmin Connect web app uses (20), plus the two
profile reads ``garminconnect`` makes when it signs in from stored tokens. intervals.icu's
activity list already holds climb and descent, so one request per 90-day window of the list
(hamsync's window, a memory budget: one request could hold the whole year); its calendar
sink lists hamsync's events once per sync and writes one request per changed event.
"""

from __future__ import annotations

import math
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.corpus import ROOT
from benchmarks.table import Row

TESTDATA = ROOT.parent / "shared" / "testdata"
YEAR = 300


def _row(platform: str, what: str, made: int, minimum: int, note: str = "") -> Row:
    ratio = f"x{made / minimum:.2f} of min" if minimum else ""
    count = f"{made} request" + ("s" if made != 1 else "")
    return Row("requests", f"{platform}: {what}", count, f"minimum {minimum}", ratio, note)


def strava_rows() -> list[Row]:
    import responses

    sys.path.insert(0, str(ROOT / "tests"))
    from strava_fake import FakeStrava, load, shifted, year_of_runs

    from connectors.strava import StravaApi, StravaSource, Tokens
    from connectors.strava.oauth import MemoryTokenStore

    now = datetime(2025, 10, 19, 8, 0, tzinfo=UTC)
    today = now.date()
    recorded: list[dict[str, Any]] = list(load(TESTDATA, "athlete_activities_2025-10.json"))
    streams = dict(load(TESTDATA, "vmpy_streams_1202065_1299011495.keyed_by_type.DERIVED.json"))

    def source(history_days: int) -> StravaSource:
        tokens = MemoryTokenStore(Tokens("refresh-1", "access-1", int(now.timestamp()) + 3600))
        api = StravaApi(1234, "client-secret", tokens, clock=now.timestamp)
        return StravaSource(api, history_days=history_days)

    out: list[Row] = []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        year = year_of_runs(recorded[0], YEAR, now - timedelta(hours=3))
        fake = FakeStrava(year, default_streams=streams, read_limit=(10**6, 10**6))
        fake.install(rsps)
        first = source(366).pull(None, today)
        made = len(rsps.calls)
        minimum = math.ceil((YEAR + 1) / 200) + YEAR
        note = f"{len(first.runs)} runs; at 100 reads/15 min this spans several syncs"
        out.append(_row("Strava", f"first sync of a year ({YEAR} runs)", made, minimum, note))
        rsps.calls.reset()
        idle = source(366).pull(first.cursor, today)
        out.append(_row("Strava", "idle sync", len(rsps.calls), 1))
        fake.activities.append(shifted(recorded[0], 777, now - timedelta(hours=1)))
        rsps.calls.reset()
        source(366).pull(idle.cursor, today)
        out.append(_row("Strava", "one new run", len(rsps.calls), 2))
    return out


def garmin_rows() -> list[Row]:
    import responses

    sys.path.insert(0, str(ROOT / "tests" / "connectors"))
    from garmin_server import API, Clock, add_login, recorded, session_for, write_tokens

    from connectors.garmin.activities import PAGE_SIZE, GarminActivities

    list_url = f"{API}/activitylist-service/activities/search/activities"
    template = recorded(TESTDATA, "test_activity_list__0_GET")[0]
    now = datetime(2026, 1, 10, 8, tzinfo=UTC)
    today = date(2026, 1, 10)

    def activity(i: int, start: datetime) -> dict[str, Any]:
        item = dict(template)
        item["activityId"] = 50_000_000 + i
        item["startTimeGMT"] = start.strftime("%Y-%m-%d %H:%M:%S")
        item["startTimeLocal"] = item["startTimeGMT"]
        item.pop("beginTimestamp", None)
        return item

    step = timedelta(days=365) / YEAR
    items = [activity(i, now - timedelta(hours=3) - i * step) for i in range(YEAR)]

    def page(request: Any) -> tuple[int, dict[str, str], str]:
        import json
        from urllib.parse import parse_qs, urlsplit

        query = parse_qs(urlsplit(str(request.url)).query)
        start, limit = int(query["start"][0]), int(query["limit"][0])
        return 200, {}, json.dumps(items[start : start + limit])

    out: list[Row] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        responses.RequestsMock(assert_all_requests_are_fired=False) as rsps,
    ):
        folder = Path(tmp) / "garmin"
        write_tokens(folder)
        add_login(rsps)
        rsps.add_callback(responses.GET, list_url, callback=page)

        def source(days: int) -> GarminActivities:
            return GarminActivities(
                session_for(folder, Clock()), ZoneInfo("UTC"), initial_days=days
            )

        first = source(366).pull(None, today)
        pages = math.ceil((YEAR + 1) / PAGE_SIZE)
        note = f"{len(first.runs)} runs; incl. 2 sign-in profile reads"
        out.append(
            _row("Garmin", f"first sync of a year ({YEAR} runs)", len(rsps.calls), 2 + pages, note)
        )
        rsps.calls.reset()
        idle = source(366).pull(first.cursor, today)
        out.append(_row("Garmin", "idle sync", len(rsps.calls), 3, "incl. 2 sign-in reads"))
        items.insert(0, activity(999, now - timedelta(hours=1)))
        rsps.calls.reset()
        source(366).pull(idle.cursor, today)
        out.append(_row("Garmin", "one new run", len(rsps.calls), 3, "incl. 2 sign-in reads"))
    return out


def google_rows() -> list[Row]:
    """The Google Calendar sink and look-ahead on the real client against the local stand-in.

    Minimums: a first sync finds the calendar by name (one calendarList page), lists the
    calendar once (2,500 events a page) and inserts each session; an idle sync needs nothing
    (the executor writes under the recorded etags, so nothing is read); a moved session is one
    PATCH; a new session one events list carrying the last ``nextSyncToken`` (its uid must not
    be there yet) and one insert. Token refreshes go to the OAuth endpoint, not the API, and
    are noted apart (one per process and hour).
    """
    from dataclasses import replace
    from zoneinfo import ZoneInfo

    sys.path.insert(0, str(ROOT / "tests"))
    from google_server import TRAINING, GoogleStandIn, service_for

    from connectors.google.listing import ListingCache
    from connectors.google.storage import GoogleCalendarStorage
    from connectors.google.upcoming import GoogleUpcoming
    from planner.models import Dose, Reason, Session, SessionKind
    from planner.settings import Settings
    from sync.engine.writeback import write_back
    from sync.sinks.event_items import EventRenderer
    from sync.sinks.google import GoogleEventSink
    from sync.sinks.outcome import WriteContext
    from sync.sinks.renderer import Writer
    from sync.sinks.vevent import EventTiming
    from sync.store.database import StateDatabase

    tz = ZoneInfo("Europe/Zurich")
    today = date(2026, 11, 25)
    plan = [
        Session(f"2026-W{48 + i // 2}-{i % 2 + 1}", today + timedelta(days=2 * i + 1),
                SessionKind.CONTROL, (Dose("glute_bridge", 3, reps=10),), (Reason("R5", "bench"),))
        for i in range(6)
    ]  # fmt: skip
    runner_events = 1000
    out: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp, GoogleStandIn() as google:
        for i in range(runner_events):
            day = today - timedelta(days=i % 700)
            google.runner_adds(
                TRAINING,
                {"summary": f"Easy run {i}", "start": {"date": day.isoformat()},
                 "end": {"date": (day + timedelta(days=1)).isoformat()}},
            )  # fmt: skip
        state = StateDatabase.open(Path(tmp) / "state")

        def sync(sessions: list[Session]) -> tuple[int, int]:
            storage = GoogleCalendarStorage(
                lambda: service_for(google), "Training", "0123456789abcdef",
                ListingCache(Path(tmp) / "google.json"),
            )  # fmt: skip
            renderer = EventRenderer(EventTiming.from_config(tz, "18:00", 20), "0123456789abcdef")
            google.requests.clear()
            writer = Writer(GoogleEventSink(storage), renderer)
            write_back(writer, WriteContext(today, tz, sessions), state)
            return len(google.api_requests()), len(google.token_requests())

        made, tokens = sync(plan)
        note = f"{len(plan)} sessions into a calendar of {runner_events} events; {tokens} token"
        out.append(_row("Google", "first sync", made, 2 + len(plan), note + " refresh"))
        made, tokens = sync(plan)
        out.append(_row("Google", "idle sync", made, 0, f"{tokens} token refresh"))
        moved = [replace(plan[0], day=plan[0].day + timedelta(days=1)), *plan[1:]]
        made, tokens = sync(moved)
        out.append(_row("Google", "one session moved", made, 1, f"{tokens} token refresh"))
        extra = replace(plan[-1], id="2026-W52-1", day=plan[-1].day + timedelta(days=3))
        made, tokens = sync([*moved, extra])
        out.append(_row("Google", "one new session", made, 2, f"syncToken list; {tokens} token"
                        " refresh"))  # fmt: skip
        state.close()
        google.requests.clear()
        GoogleUpcoming(lambda: service_for(google), "Training", tz, Settings()).planned(
            today, today + timedelta(days=18)
        )
        out.append(
            _row("Google", "look-ahead (calendar by name)", len(google.api_requests()), 2,
                 "calendarList + one window list")
        )  # fmt: skip


def intervals_rows() -> list[Row]:
    """The intervals.icu client against the tests' local server (``tests/intervals_server.py``)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from intervals_server import ATHLETE, KEY, FakeIntervals, fixture, serve

    from connectors.intervals.activities import WINDOW_DAYS, IntervalsActivities
    from connectors.intervals.client import IntervalsAccount, IntervalsClient
    from planner.models import Dose, Session, SessionKind
    from sync.engine.writeback import write_back
    from sync.sinks.intervals_storage import IntervalsRenderer, IntervalsStorage
    from sync.sinks.outcome import WriteContext
    from sync.sinks.renderer import Writer
    from sync.store.database import StateDatabase

    tz = ZoneInfo("Europe/Zurich")
    today = date(2026, 6, 10)
    template = fixture("activities.synthetic.json")[0]
    step = timedelta(days=365) / YEAR

    def activity(i: int, start: datetime) -> dict[str, Any]:
        local = start.astimezone(tz).replace(tzinfo=None)
        return dict(template, id=f"i{50_000 + i}", start_date=start.isoformat(),
                    start_date_local=local.isoformat())  # fmt: skip

    now = datetime(2026, 6, 10, 8, tzinfo=UTC)
    fake = FakeIntervals(activities=[activity(i, now - (i + 1) * step) for i in range(YEAR)])
    out: list[Row] = []
    server = serve(fake)
    running = next(server)
    try:
        client = IntervalsClient(IntervalsAccount(ATHLETE, KEY, running.url))
        first = IntervalsActivities(client, tz, initial_days=365).pull(None, today)
        windows = math.ceil(367 / WINDOW_DAYS)
        note = f"{len(first.runs)} runs; one request per {WINDOW_DAYS}-day window"
        made = len(fake.log)
        out.append(
            _row("intervals.icu", f"first sync of a year ({YEAR} runs)", made, windows, note)
        )
        fake.log.clear()
        idle = IntervalsActivities(client, tz).pull(first.cursor, today)
        out.append(_row("intervals.icu", "idle sync", len(fake.log), 1))
        fake.activities.append(activity(999, now - timedelta(minutes=30)))
        fake.log.clear()
        IntervalsActivities(client, tz).pull(idle.cursor, today)
        out.append(_row("intervals.icu", "one new run", len(fake.log), 1))
        plan = tuple(
            Session(f"2026-W24-{n}", today + timedelta(days=2 * n), SessionKind.CONTROL,
                    (Dose("glute_bridge", 3, reps=10),), ())
            for n in range(1, 5)
        )  # fmt: skip
        with tempfile.TemporaryDirectory() as tmp:
            state = StateDatabase.open(Path(tmp))
            sink = IntervalsStorage(client, today=lambda: today)
            writer = Writer(sink, IntervalsRenderer("c0ffee00c0ffee00"))
            context = WriteContext(today=today, tz=tz, sessions=plan)
            fake.log.clear()
            write_back(writer, context, state)
            note = "1 listing + 1 per event"
            out.append(_row("intervals.icu", "sink: first 4 sessions", len(fake.log), 5, note))
            fake.log.clear()
            write_back(writer, context, state)
            out.append(_row("intervals.icu", "sink: unchanged plan", len(fake.log), 0))
            state.close()
    finally:
        server.close()
    return out


def rows() -> list[Row]:
    out: list[Row] = []
    for platform, module, build in (
        ("Strava", "strava", strava_rows),
        ("Garmin", "garmin", garmin_rows),
        ("Google", "google", google_rows),
        ("intervals.icu", "intervals", intervals_rows),
    ):
        if not (ROOT / "connectors" / module).is_dir():
            out.append(Row("requests", platform, "n/a", note="connector not in the repo yet"))
            continue
        try:
            out.extend(build())
        except Exception as exc:  # a connector mid-change must not hide the other figures
            out.append(Row("requests", platform, "error", note=repr(exc)[:120]))
    return out
