"""SIGKILL a real ``hamsync sync`` at each intervals.icu write, rerun: nothing lost or doubled.

The server is the tests' local intervals.icu on 127.0.0.1 (it outlives the killed process);
the rerun must leave exactly one event per session, each recorded in the state.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

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

from sync.cli import app
from sync.config.model import load_config
from sync.engine.faults import ENV
from sync.store.database import StateDatabase

HAMSYNC = str(Path(sys.executable).with_name("hamsync"))
TODAY = "2026-06-10"
WriteConfig = Callable[..., Path]


@pytest.fixture
def server() -> Iterator[RunningServer]:
    yield from serve(FakeIntervals(activities=fixture("activities.synthetic.json")))


def make_config(write_config: WriteConfig, tmp_path: Path, url: str) -> Path:
    empty = tmp_path / "no-files"
    empty.mkdir()
    section = f'athlete_id = "{ATHLETE}"\nbase_url = "{url}"\n'
    extra = f"[sources.intervals]\n{section}[sinks.intervals]\n{section}"
    return write_config(activities=empty, extra=extra)


@pytest.mark.parametrize(
    "fault", ["sink-written:intervals", "sink-written:intervals#3", "sink-transaction:intervals#2"]
)
def test_a_killed_sync_then_a_rerun_leaves_one_event_per_session(
    server: RunningServer, write_config: WriteConfig, tmp_path: Path, fault: str
) -> None:
    path = make_config(write_config, tmp_path, server.url)
    env = {**os.environ, "HAMSYNC_INTERVALS_API_KEY": KEY, ENV: fault}
    args = [HAMSYNC, "sync", "--config", str(path), "--today", TODAY]
    killed = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9, killed.stderr
    rerun = CliRunner().invoke(
        app, ["sync", "--config", str(path), "--today", TODAY, "--json"],
        env={"HAMSYNC_INTERVALS_API_KEY": KEY},
    )  # fmt: skip
    assert rerun.exit_code == 0, rerun.output
    sessions = [s["id"] for s in json.loads(rerun.stdout)["sessions"] if s["date"] >= TODAY]
    uids = sorted(session_of(e) or "" for e in server.fake.events.values())
    assert uids == sorted(sessions)  # each session once, nothing else
    loaded = load_config(path)
    assert loaded.state_dir is not None
    state = StateDatabase.open(loaded.state_dir)
    try:
        recorded = {i.session_id: i.remote_id for i in state.sink_items("intervals").values()}
    finally:
        state.close()
    assert recorded == {session_of(e): str(i) for i, e in server.fake.events.items()}
