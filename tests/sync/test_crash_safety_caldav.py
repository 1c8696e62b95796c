"""SIGKILL a real ``hamsync sync`` at each CalDAV write, rerun: the calendar is as if never killed.

The calendar is a real Radicale on 127.0.0.1. Every scenario folder holds its own copy of
Radicale's storage and is served on the same port, so the hrefs recorded in the state are the
same in every copy and the killed-then-rerun result can be compared with an uninterrupted run
row for row: events (text and ETag) on the server, and every table of the state.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from radicale_server import Radicale, free_port
from test_crash_safety import DAY1, DAY2, HAMSYNC, SAMPLES, add_descent_run, read_tables
from typer.testing import CliRunner

from connectors.caldav_calendar import resource_name
from sync.cli import app
from sync.engine.faults import ENV

PORT = free_port()
PASSWORD_ENV = {"HAMSYNC_CALDAV_PASSWORD": "unused-by-radicale-without-auth"}
Snapshot = tuple[list[tuple[str, str, str]], dict[str, list[tuple[object, ...]]]]


@contextmanager
def served(folder: Path) -> Iterator[Radicale]:
    """Radicale serving ``folder/radicale`` on the shared port for the duration."""
    server = Radicale(folder / "radicale")
    server.port, server.url = PORT, f"http://127.0.0.1:{PORT}/"
    server.start()
    try:
        yield server
    finally:
        server.stop()


def sync(folder: Path, day: Any) -> dict[str, Any]:
    """An uninterrupted ``hamsync sync --json``, in-process."""
    args = ["sync", "--config", str(folder / "config.toml"), "--today", day.isoformat(), "--json"]
    result = CliRunner().invoke(app, args, env=PASSWORD_ENV)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def killed_sync(folder: Path, fault: str) -> subprocess.CompletedProcess[str]:
    """The real ``hamsync`` process, told to SIGKILL itself at ``fault``."""
    env = {**os.environ, **PASSWORD_ENV, ENV: fault}
    args = [HAMSYNC, "sync", "--config", str(folder / "config.toml"), "--today", DAY2.isoformat()]
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=120, check=False)


def snapshot(folder: Path, server: Radicale) -> Snapshot:
    """Every event in the calendar (name, ETag, text) and every table of the state."""
    events = []
    with server.client() as client:
        (calendar,) = client.principal().calendars()
        listing = client.propfind(str(calendar.url), ["getetag"], depth=1)
        etags = {
            resource_name(r.href): str(r.properties.get("{DAV:}getetag"))
            for r in listing.results or []
            if r.properties.get("{DAV:}getetag")
        }
        for event in calendar.events():
            name = resource_name(str(event.url))
            events.append((name, etags.get(name, ""), str(event.data)))
    return sorted(events), read_tables(folder)


def day2_folder(after_day1: Path, target: Path) -> Path:
    """A copy of the DAY1 folder (state and server storage) plus a heavy descent on DAY2 - 1."""
    shutil.copytree(after_day1, target)
    add_descent_run(target)
    return target


@pytest.fixture(scope="module")
def after_day1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Config, activities, state and a Radicale calendar after a clean first sync on DAY1."""
    folder = tmp_path_factory.mktemp("caldav-day1")
    shutil.copytree(SAMPLES, folder / "activities")
    (folder / "radicale").mkdir()
    (folder / "config.toml").write_text(
        'timezone = "Europe/Zurich"\nstate_dir = "state"\n[athlete]\nstarting_level = 7\n'
        '[sources.files]\npath = "activities"\n[sinks.caldav]\n'
        f'url = "http://127.0.0.1:{PORT}/"\nusername = "runner"\ncalendar = "Training"\n',
        encoding="utf-8",
    )
    with served(folder) as server:
        server.make_calendar("Training")
        assert sync(folder, DAY1)["writes"]["caldav"]["created"] > 0
    return folder


@pytest.fixture(scope="module")
def uninterrupted(
    after_day1: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Snapshot, int]:
    """DAY2's calendar and state when nothing kills the sync, and how many writes it made."""
    folder = day2_folder(after_day1, tmp_path_factory.mktemp("caldav-clean") / "f")
    with served(folder) as server:
        writes = sync(folder, DAY2)["writes"]["caldav"]
        return snapshot(folder, server), writes["created"] + writes["updated"] + writes["deleted"]


def test_the_scenario_rewrites_the_calendar(uninterrupted: tuple[Snapshot, int]) -> None:
    """DAY2's heavy descent makes several CalDAV writes, so killing at each one means something."""
    (events, tables), writes = uninterrupted
    assert writes >= 2
    assert events and len(events) == len({name for name, _, _ in events})
    assert len(tables["sink_items"]) == len(events)


@pytest.mark.parametrize("point", ["sink-written:caldav", "sink-transaction:caldav"])
def test_sigkill_at_every_caldav_write_then_rerun_gives_the_same_calendar(
    point: str,
    after_day1: Path,
    tmp_path: Path,
    uninterrupted: tuple[Snapshot, int],
) -> None:
    """Killed at the n-th write (each n in turn) and rerun: nothing lost, doubled or in conflict."""
    expected, writes = uninterrupted
    for nth in range(1, writes + 1):
        folder = day2_folder(after_day1, tmp_path / f"{nth}")
        with served(folder) as server:
            killed = killed_sync(folder, f"{point}#{nth}")
            assert killed.returncode == -signal.SIGKILL, (nth, killed.stderr)
            rerun = sync(folder, DAY2)
            assert rerun["writes"]["caldav"]["conflicts"] == 0, nth
            assert snapshot(folder, server) == expected, nth


def test_sigkill_after_the_caldav_sink_then_rerun_writes_nothing_more(
    after_day1: Path, tmp_path: Path, uninterrupted: tuple[Snapshot, int]
) -> None:
    """Killed once CalDAV is done: the rerun finds everything written and changes nothing."""
    expected, _ = uninterrupted
    folder = day2_folder(after_day1, tmp_path / "f")
    with served(folder) as server:
        assert killed_sync(folder, "after-sink:caldav").returncode == -signal.SIGKILL
        rerun = sync(folder, DAY2)["writes"]["caldav"]
        assert rerun == {"created": 0, "updated": 0, "deleted": 0, "conflicts": 0, "messages": []}
        assert snapshot(folder, server) == expected
