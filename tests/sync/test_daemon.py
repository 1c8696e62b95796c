"""The daemon loop: guarded jobs, backoff, catch-up after a clock jump, the lock, signals."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import time_machine
from daemon_helpers import calendar_server, planned_calendar

from sync.config.model import Config, load_config
from sync.engine.daemon import Daemon
from sync.engine.logs import setup, teardown
from sync.serve.server import start_for_daemon
from sync.store.database import StateDatabase
from sync.store.lock import sync_lock

WriteConfig = Callable[..., Path]
HAMSYNC = str(Path(sys.executable).with_name("hamsync"))
START = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # 08:00 in Zurich


@pytest.fixture
def traveller() -> Iterator[time_machine.Coordinates]:
    """Simulated wall time that moves only when the daemon sleeps."""
    with time_machine.travel(START, tick=False) as moving:
        yield moving


@pytest.fixture
def captured() -> Iterator[list[logging.LogRecord]]:
    """The records the ``hamsync`` logger emits during the test."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("hamsync")
    handler = Keep()
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def daemon_for(config: Config, traveller: time_machine.Coordinates) -> Daemon:
    return Daemon(config, sleep=lambda s: traveller.shift(s), lock_wait_s=0.05)


def test_a_failing_job_never_stops_the_loop(
    write_config: WriteConfig, tmp_path: Path, traveller: time_machine.Coordinates
) -> None:
    """While the state directory is unusable every sync fails; once repaired, syncs resume."""
    config = load_config(write_config())
    assert config.state_dir is not None
    config.state_dir.parent.mkdir(parents=True, exist_ok=True)
    config.state_dir.write_text("a file where the state directory should be")
    daemon = daemon_for(config, traveller)
    daemon.run(max_ticks=100)  # 100 simulated minutes: start + 3 interval ticks
    assert daemon.failed_jobs == 4
    assert daemon.syncs == 0
    config.state_dir.unlink()
    daemon.run(max_ticks=40)
    assert daemon.syncs >= 2
    assert (tmp_path / "out" / "hamsync.ics").exists()


def test_failing_calendar_backs_off_while_the_rest_syncs_on_time(
    write_config: WriteConfig, traveller: time_machine.Coordinates
) -> None:
    """A calendar answering 500 is asked 4 times in 6 h (0, 30, 90, 210 min); syncs go on."""
    with calendar_server(planned_calendar(START.date())) as server:
        server.mode = "500"
        config = load_config(write_config(extra=f'[upcoming]\nics = "{server.url()}"\n'))
        daemon = daemon_for(config, traveller)
        daemon.run(max_ticks=6 * 60 + 1)
        assert server.hits == 4
    assert daemon.syncs == 13  # at start and every 30 min for 6 h
    assert config.state_dir is not None
    state = StateDatabase.open(config.state_dir)
    try:
        logs = state.part_logs()
    finally:
        state.close()
    assert logs["upcoming:calendar"].failures == 4
    assert logs["sink:ics"].ok
    assert datetime.fromisoformat(logs["sink:ics"].finished_at) >= START.replace(hour=12, minute=30)


def test_after_a_clock_jump_the_daemon_catches_up_once(
    write_config: WriteConfig,
    traveller: time_machine.Coordinates,
    captured: list[logging.LogRecord],
) -> None:
    """Ten hours asleep give one catch-up sync, not twenty, and a log line saying so."""
    config = load_config(write_config())
    calls = 0

    def sleep(seconds: float) -> None:
        nonlocal calls
        calls += 1
        traveller.shift(10 * 3600 if calls == 3 else seconds)

    daemon = Daemon(config, sleep=sleep)
    daemon.run(max_ticks=4)
    assert daemon.syncs == 2  # at start, then once after waking
    assert [r for r in captured if getattr(r, "event", "") == "clock_jump"]


def test_daily_replan_runs_at_the_local_time(
    write_config: WriteConfig,
    traveller: time_machine.Coordinates,
    captured: list[logging.LogRecord],
) -> None:
    """With a daily interval, the re-plan still happens at 05:00 Zurich time each day."""
    daily = '[daemon]\ninterval_minutes = 1440\nreplan_at = "05:00"\n'
    config = load_config(write_config(extra=daily))
    daemon = daemon_for(config, traveller)
    daemon.run(max_ticks=2 * 24 * 60 + 5)
    replans = [r for r in captured if getattr(r, "why", "") == "daily re-plan"]
    assert len(replans) == 2
    for record in replans:
        local = datetime.fromtimestamp(record.created, config.tz)
        assert (local.hour, local.minute) == (5, 0)


def test_a_one_minute_interval_syncs_every_minute(
    write_config: WriteConfig,
    traveller: time_machine.Coordinates,
    captured: list[logging.LogRecord],
) -> None:
    """Syncs that take 5 s with `interval_minutes = 1`: one per minute, no tick skipped."""
    config = load_config(write_config(extra="[daemon]\ninterval_minutes = 1\n"))
    daemon = daemon_for(config, traveller)
    real_sync = daemon.sync_once

    def slow_sync() -> Any:
        traveller.shift(5)
        return real_sync()

    daemon.sync_once = slow_sync  # type: ignore[method-assign]
    daemon.run(max_ticks=10)  # the first sleep waits for the first tick: ~9.5 minutes
    assert not [r for r in captured if getattr(r, "event", "") == "skip"]
    assert daemon.syncs == 10  # at start, then each minute
    starts = [r.created for r in captured if getattr(r, "event", "") == "sync"]
    assert max(b - a for a, b in pairwise(starts)) <= 65


def test_the_daemon_waits_for_a_sync_run_by_hand(
    write_config: WriteConfig,
    traveller: time_machine.Coordinates,
    captured: list[logging.LogRecord],
) -> None:
    """While another sync holds the lock, the daemon skips its turn instead of interleaving."""
    config = load_config(write_config())
    assert config.state_dir is not None
    config.state_dir.mkdir(parents=True)
    daemon = daemon_for(config, traveller)
    with sync_lock(config.state_dir):
        daemon.run(max_ticks=1)
    assert daemon.syncs == 0
    assert any("another hamsync sync is running" in r.getMessage() for r in captured)
    daemon.run(max_ticks=1)
    assert daemon.syncs == 1


def test_soak_memory_and_file_descriptors_stay_flat(
    write_config: WriteConfig, traveller: time_machine.Coordinates, tmp_path: Path
) -> None:
    """3,000 ticks (about 100 syncs over two simulated days) leak neither memory nor fds."""
    import tracemalloc

    config = load_config(write_config())
    devnull = Path(os.devnull).open("w")  # noqa: SIM115
    handlers = setup(tmp_path / "state" / "hamsync.log", stream=devnull)
    try:
        daemon = daemon_for(config, traveller)
        daemon.run(max_ticks=300)  # warm-up: caches, imports, first decode
        fds_before = len(list(Path("/proc/self/fd").iterdir()))
        tracemalloc.start()
        before = tracemalloc.take_snapshot()
        daemon.run(max_ticks=3000)
        after = tracemalloc.take_snapshot()
        tracemalloc.stop()
        fds_after = len(list(Path("/proc/self/fd").iterdir()))
    finally:
        teardown(handlers)
        devnull.close()
    assert daemon.syncs >= 100
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert grown < 256 * 1024, f"memory grew by {grown} bytes over 3000 ticks"
    assert fds_after <= fds_before
    assert (tmp_path / "state" / "hamsync.log").stat().st_mode & 0o777 == 0o600


def test_daemon_process_stops_cleanly_on_sigterm(write_config: WriteConfig, tmp_path: Path) -> None:
    """The real ``hamsync daemon`` syncs at start, logs JSON lines, and exits 0 on SIGTERM."""
    config = write_config()
    log_file = tmp_path / "state" / "hamsync.log"
    process = subprocess.Popen(
        [HAMSYNC, "daemon", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if log_file.exists() and '"event": "sync"' in log_file.read_text():
                break
            time.sleep(0.1)
        else:
            pytest.fail("the daemon logged no sync within 30 s")
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    lines = [json.loads(line) for line in err.splitlines()]
    assert lines[-1]["message"] == "daemon stopped"
    sync_line = next(line for line in lines if line.get("event") == "sync")
    assert sync_line["ok"] is True and sync_line["runs_pulled"] >= 10
    assert log_file.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "state").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "out" / "hamsync.ics").exists()


def test_the_daemon_serves_the_feed_while_it_runs(
    write_config: WriteConfig,
    traveller: time_machine.Coordinates,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With ``[feed] enabled`` the calendar is served on 127.0.0.1 while the daemon runs."""
    import requests

    monkeypatch.setenv("HAMSYNC_FEED_TOKEN", "feed-token-for-the-test")
    monkeypatch.setenv("HAMSYNC_PAGE_TOKEN", "page-token-for-the-test")
    config = load_config(write_config(extra="[feed]\nenabled = true\nport = 0\n"))
    answers: list[tuple[int, bytes]] = []
    daemon = Daemon(config, sleep=lambda s: traveller.shift(s), serve=start_for_daemon)

    def sleep_and_ask(seconds: float) -> None:
        if not answers:
            response = requests.get(daemon.feed.url, timeout=10)
            answers.append((response.status_code, response.content))
        traveller.shift(seconds)

    daemon.sleep = sleep_and_ask
    daemon.run(max_ticks=1)
    assert answers[0][0] == 200 and b"BEGIN:VEVENT" in answers[0][1]
    assert daemon.feed is None  # stopped with the daemon


def test_check_ins_in_a_row_join_one_sync_spaced_from_the_last(
    write_config: WriteConfig,
    traveller: time_machine.Coordinates,
    captured: list[logging.LogRecord],
) -> None:
    """Ten check-ins within 15 s make one sync, not ten, and it starts no sooner than
    CHECKIN_SPACING_S after the sync before; check-ins during that sync make one more."""
    from sync.engine.daemon import CHECKIN_SPACING_S

    config = load_config(write_config())
    calls = 0

    def sleep(seconds: float) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:  # 10 taps, 1.5 s apart, right after the first sync
            for _ in range(10):
                daemon.request_sync()
                traveller.shift(1.5)
            return
        traveller.shift(seconds)

    daemon = Daemon(config, sleep=sleep)
    real_sync = daemon.sync_once

    def sync_with_taps() -> Any:
        if daemon.syncs == 1:  # three taps while the first check-in sync runs
            for _ in range(3):
                daemon.request_sync()
        traveller.shift(5)
        return real_sync()

    daemon.sync_once = sync_with_taps  # type: ignore[method-assign]
    daemon.run(max_ticks=12)
    syncs = [r for r in captured if getattr(r, "event", "") == "sync"]
    whys = [getattr(r, "why", "") for r in syncs]
    assert whys.count("check-in") == 2, whys
    starts = [r.created for r in syncs]
    assert min(b - a for a, b in pairwise(starts)) >= CHECKIN_SPACING_S
