"""``hamsync sync`` and ``purge`` with [sources|upcoming|sinks.intervals] against a local
intervals.icu on 127.0.0.1: the config names the athlete, the key comes from the environment."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from intervals_server import (
    ATHLETE,
    KEY,
    FakeIntervals,
    RunningServer,
    fixture,
    serve,
    session_of,
)
from typer.testing import CliRunner

from connectors.garmin.mapping import to_run as garmin_run
from sync.cli import app
from sync.config.model import ConfigError, load_config
from sync.store.database import StateDatabase

TODAY = "2026-06-10"
runner = CliRunner()
WriteConfig = Callable[..., Path]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningServer]:
    monkeypatch.setenv("HAMSYNC_INTERVALS_API_KEY", KEY)
    fake = FakeIntervals(activities=fixture("activities.synthetic.json"))
    for event in fixture("events.synthetic.json"):
        fake.add_event(event)
    yield from serve(fake)


def config(write_config: WriteConfig, tmp_path: Path, url: str, parts: str = "all") -> Path:
    empty = tmp_path / "no-files"
    empty.mkdir(exist_ok=True)
    section = f'athlete_id = "{ATHLETE}"\nbase_url = "{url}"\n'
    extra = ""
    if parts in ("all", "source"):
        extra += f"[sources.intervals]\n{section}"
    if parts == "all":
        extra += f"[upcoming.intervals]\n{section}[sinks.intervals]\n{section}"
    return write_config(activities=empty, extra=extra)


def sync_json(path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(
        app, ["sync", "--config", str(path), "--today", TODAY, "--json", *extra],
        catch_exceptions=False,
    )  # fmt: skip
    return result.exit_code, json.loads(result.stdout)


def test_a_sync_pulls_reads_the_calendar_and_writes_sessions(
    server: RunningServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    path = config(write_config, tmp_path, server.url)
    code, report = sync_json(path)
    assert code == 0, report
    assert report["errors"] == []
    assert report["runs_pulled"] == 4
    written = report["writes"]["intervals"]
    assert written["created"] == len([s for s in report["sessions"] if s["date"] >= TODAY])
    ours = [e for i, e in server.fake.events.items() if session_of(e) is not None and i != 509]
    assert written["created"] == len(ours) > 0
    assert all(e["type"] == "WeightTraining" for e in ours)
    # the look-ahead's calendar read also served the sink's listing before its creates
    reads = [p for m, p, _ in server.fake.log if m == "GET" and p.endswith("/events")]
    assert len(reads) == 1
    # the planned runs of the intervals.icu calendar set the weekly dose (R5)
    reasons = " ".join(r["text"] for s in report["sessions"] for r in s["reasons"])
    assert "2 runs (done and still planned)" in reasons, reasons
    before = len(server.fake.log)
    code, again = sync_json(path)
    assert code == 0 and again["writes"]["intervals"]["created"] == 0
    # an unchanged sync: the activity list, and one calendar read that serves both the
    # look-ahead and the sink's listing of hamsync's events
    asked = [(m, p.rsplit("/", 1)[-1]) for m, p, _ in server.fake.log[before:]]
    assert asked == [("GET", "activities"), ("GET", "events")]


def test_purge_removes_what_sync_wrote_and_nothing_else(
    server: RunningServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    path = config(write_config, tmp_path, server.url)
    sync_json(path)
    theirs = {i for i, e in server.fake.events.items() if session_of(e) is None}
    result = runner.invoke(app, ["purge", "--config", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert set(server.fake.events) == theirs | {509}  # 509: hamsync's, but never recorded here


def test_a_refused_key_is_named_and_the_other_sources_go_on(
    server: RunningServer, write_config: WriteConfig, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("HAMSYNC_INTERVALS_API_KEY", "revoked-key")
    path = config(write_config, tmp_path, server.url)
    code, report = sync_json(path)
    assert code == 3  # the ICS sink still worked
    messages = " ".join(e["message"] for e in report["errors"])
    assert "401" in messages and "HAMSYNC_INTERVALS_API_KEY" in messages
    assert "revoked-key" not in json.dumps(report)


def test_the_same_run_from_intervals_and_garmin_is_stored_once(
    server: RunningServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    path = config(write_config, tmp_path, server.url, parts="source")
    sync_json(path)
    loaded = load_config(path)
    assert loaded.state_dir is not None
    state = StateDatabase.open(loaded.state_dir)
    try:
        twin = garmin_run(
            {"activityId": 15900000001, "startTimeGMT": "2026-06-07 06:30:04",
             "activityType": {"typeKey": "trail_running", "parentTypeId": 1},
             "distance": 24470.0, "duration": 11500.0, "elevationLoss": 1432.0,
             "elevationGain": 1461.0}
        )  # fmt: skip
        assert twin is not None
        with state.transaction():
            state.store_run(twin)
        ridge = [
            r for r in state.runs() if r.start.date() == datetime(2026, 6, 7, tzinfo=UTC).date()
        ]
        assert len(ridge) == 1
        assert set(ridge[0].sources) == {"intervals:i7001", "garmin:15900000001"}
        assert ridge[0].descent_m == 1432.0  # the watch's own figure wins over the summary
    finally:
        state.close()


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ('athlete_id = "bob"', "athlete_id"),
        ('athlete_id = "i1"\nbase_url = "http://intervals.example.org"', "https"),
    ],
)
def test_config_mistakes_name_the_key(tmp_path: Path, section: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[sinks.intervals]\n{section}\n")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_a_weight_training_activity_marks_that_days_session_done(
    server: RunningServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    """The session placed today is done once intervals.icu holds a WeightTraining activity
    of today: the next sync records it as done (R8) and keeps it in the calendar."""
    path = config(write_config, tmp_path, server.url)
    _, report = sync_json(path)
    today = next(s for s in report["sessions"] if s["date"] == TODAY)
    server.fake.activities.append(
        dict(fixture("activities.synthetic.json")[1], id="i7100",
             start_date="2026-06-10T16:30:00Z", start_date_local="2026-06-10T18:30:00")
    )  # fmt: skip
    result = runner.invoke(
        app, ["sync", "--config", str(path), "--today", "2026-06-11", "--json"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    loaded = load_config(path)
    assert loaded.state_dir is not None
    state = StateDatabase.open(loaded.state_dir)
    try:
        assert today["id"] in state.planner_state(3).done_session_ids
    finally:
        state.close()
    assert any(session_of(e) == today["id"] for e in server.fake.events.values())


def test_the_terminal_summary_names_the_strava_stubs_and_the_sink(
    server: RunningServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    path = config(write_config, tmp_path, server.url)
    result = runner.invoke(app, ["sync", "--config", str(path), "--today", TODAY])
    assert result.exit_code == 0, result.output
    assert "1 activity it received from Strava" in result.output
    assert "intervals" in result.output
