"""Every write to the state goes through one discipline: nothing a command stores during a
sync is lost. A real ``hamsync sync`` is held at a checkpoint (``HAMSYNC_HOLD_AT``) after it
read the planner state, while ``done`` or ``checkin`` runs; then both results are present."""

from __future__ import annotations

import importlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sync.cli import app
from sync.engine.faults import HOLD_ENV, HOLD_FILE_ENV
from sync.store.database import DB_NAME

WriteConfig = Callable[..., Path]
TODAY = "2026-11-25"
cli_app = importlib.import_module("sync.cli.app")
HAMSYNC = str(Path(sys.executable).with_name("hamsync"))


def first_sync(config: Path) -> dict[str, Any]:
    result = CliRunner().invoke(
        app, ["sync", "--config", str(config), "--today", TODAY, "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [HAMSYNC, *args], env={**os.environ, **(env or {})}, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


@contextmanager
def held_sync(config: Path, tmp_path: Path, point: str = "planned") -> Iterator[Path]:
    """A real sync held at ``point``; yields the release file (create it to let it go on)."""
    release = tmp_path / "release"
    env = {HOLD_ENV: point, HOLD_FILE_ENV: str(release)}
    proc = start("sync", "--config", str(config), "--today", TODAY, env=env)
    try:
        deadline = time.monotonic() + 60
        while not Path(f"{release}.held").exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the sync never reached the checkpoint"
            time.sleep(0.05)
        yield release
    finally:
        release.touch()
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, (out, err)


def planner_state(tmp_path: Path) -> dict[str, str]:
    conn = sqlite3.connect(tmp_path / "state" / DB_NAME)
    try:
        return dict(conn.execute("SELECT key, value FROM planner_state").fetchall())
    finally:
        conn.close()


def sync_finished_at(tmp_path: Path) -> str:
    conn = sqlite3.connect(tmp_path / "state" / DB_NAME)
    try:
        row = conn.execute("SELECT finished_at FROM sync_log WHERE part = 'sync'").fetchone()
        return str(row[0])
    finally:
        conn.close()


def test_done_during_a_sync_waits_for_it_and_is_kept(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    config = write_config()
    session = first_sync(config)["sessions"][0]
    synced_before = sync_finished_at(tmp_path)
    with held_sync(config, tmp_path) as release:
        done = start("done", "--config", str(config), "--date", session["date"])
        assert done.stderr is not None
        said = done.stderr.readline()  # blocks until it says it waits (or it ends)
        assert "waiting for the running hamsync sync" in said
        assert done.poll() is None, "done must wait for the running sync"
        release.touch()
        out, err = done.communicate(timeout=120)
    assert done.returncode == 0, (out, err)
    assert session["id"] in json.loads(planner_state(tmp_path)["done_session_ids"])
    assert sync_finished_at(tmp_path) > synced_before  # the held sync finished too


def test_pain_checkin_during_a_sync_is_kept_and_the_next_sync_pauses(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    config = write_config()
    first_sync(config)
    with held_sync(config, tmp_path) as release:
        checkin = start("checkin", "pain", "--config", str(config), "--date", "2026-11-24")
        assert checkin.stderr is not None
        assert "waiting for the running hamsync sync" in checkin.stderr.readline()
        release.touch()
        out, err = checkin.communicate(timeout=120)
    assert checkin.returncode == 0, (out, err)
    # The pain check-in pauses all loading: walking and mobility only (R7).
    walks = [{e["key"] for e in s["exercises"]} for s in first_sync(config)["sessions"]]
    assert all(keys <= {"easy_walk", "gentle_mobility"} for keys in walks)


def test_a_write_without_the_lock_during_a_sync_is_merged_not_lost(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """The second line: a done mark stored by a writer that skips the lock (an older hamsync)
    after the sync read the planner state survives the sync's save."""
    config = write_config()
    session = first_sync(config)["sessions"][0]
    with held_sync(config, tmp_path):
        conn = sqlite3.connect(tmp_path / "state" / DB_NAME)
        conn.execute(
            "UPDATE planner_state SET value = ? WHERE key = 'done_session_ids'",
            (json.dumps([session["id"]]),),
        )
        conn.commit()
        conn.close()
    assert session["id"] in json.loads(planner_state(tmp_path)["done_session_ids"])


def test_a_command_that_cannot_get_the_lock_stores_nothing_and_exits_5(
    write_config: WriteConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config()
    first_sync(config)
    monkeypatch.setattr(cli_app, "COMMAND_WAIT_S", 0.3)
    with held_sync(config, tmp_path):
        result = CliRunner().invoke(
            app, ["checkin", "pain", "--config", str(config), "--date", "2026-11-24"],
            catch_exceptions=False,
        )  # fmt: skip
    assert result.exit_code == 5
    assert "another hamsync sync is running" in result.stderr
    conn = sqlite3.connect(tmp_path / "state" / DB_NAME)
    assert conn.execute("SELECT count(*) FROM checkins").fetchone()[0] == 0
    conn.close()
