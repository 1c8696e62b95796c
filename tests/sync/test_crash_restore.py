"""A sync SIGKILLed at every checkpoint, with a backup in place: ``hamsync doctor --restore``
always brings back the state of the last completed sync, and the rerun then gives exactly
what an uninterrupted sync gives (calendar and state)."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sync.cli import app
from sync.engine.faults import CHECKPOINTS, ENV

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "examples" / "activities"
HAMSYNC = str(Path(sys.executable).with_name("hamsync"))
DAY1 = "2026-11-20"
DAY2 = "2026-11-25"
TABLES = (
    "runs", "run_sources", "cursors", "checkins", "plan_sessions", "planner_state",
    "sink_items", "strength_days",
)  # fmt: skip


def sync(folder: Path, day: str) -> int:
    args = ["sync", "--config", str(folder / "config.toml"), "--today", day]
    return CliRunner().invoke(app, args, catch_exceptions=False).exit_code


def tables(folder: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(folder / "state" / "hamsync.sqlite3")
    try:
        return {
            t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall())  # noqa: S608
            for t in TABLES
        }
    finally:
        conn.close()


def add_last_week(folder: Path) -> None:
    """The last sample week's runs appear: DAY2's sync stores, re-plans and rewrites."""
    last = sorted(SAMPLES.iterdir())[-1]
    shutil.copytree(last, folder / "activities" / last.name)


@pytest.fixture(scope="module")
def after_day1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder after a clean sync on DAY1 (and so with its backup)."""
    folder = tmp_path_factory.mktemp("day1")
    (folder / "activities").mkdir()
    for week in sorted(SAMPLES.iterdir())[:-1]:
        shutil.copytree(week, folder / "activities" / week.name)
    (folder / "config.toml").write_text(
        'timezone = "Europe/Zurich"\nstate_dir = "state"\n[athlete]\nstarting_level = 5\n'
        '[sources.files]\npath = "activities"\n[sinks.ics]\npath = "out/hamsync.ics"\n',
        encoding="utf-8",
    )
    assert sync(folder, DAY1) == 0
    return folder


@pytest.fixture(scope="module")
def uninterrupted(after_day1: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clean") / "f"
    shutil.copytree(after_day1, folder)
    add_last_week(folder)
    assert sync(folder, DAY2) == 0
    return folder


@pytest.mark.parametrize("checkpoint", CHECKPOINTS)
def test_killed_anywhere_the_backup_restores_the_last_good_state(
    checkpoint: str, after_day1: Path, uninterrupted: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "f"
    shutil.copytree(after_day1, folder)
    add_last_week(folder)
    killed = subprocess.run(
        [HAMSYNC, "sync", "--config", str(folder / "config.toml"), "--today", DAY2],
        env={**os.environ, ENV: checkpoint}, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    restored = CliRunner().invoke(
        app, ["doctor", "--restore", "--config", str(folder / "config.toml")],
        catch_exceptions=False,
    )  # fmt: skip
    assert restored.exit_code == 0, restored.output
    assert tables(folder) == tables(after_day1)  # the last good state, exactly
    kept = list((folder / "state" / "damaged").glob("*/hamsync.sqlite3"))
    assert len(kept) == 1  # the state the kill left is kept aside, not deleted

    assert sync(folder, DAY2) == 0
    assert tables(folder) == tables(uninterrupted)
    assert (folder / "out" / "hamsync.ics").read_bytes() == (
        uninterrupted / "out" / "hamsync.ics"
    ).read_bytes()
