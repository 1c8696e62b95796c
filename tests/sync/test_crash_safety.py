"""SIGKILL at every checkpoint of a real ``hamsync sync``: the rerun loses and doubles nothing."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sync.cli import app
from sync.engine.faults import CHECKPOINTS, ENV

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "examples" / "activities"
HAMSYNC = str(Path(sys.executable).with_name("hamsync"))
DAY1 = date(2026, 11, 25)
DAY2 = DAY1 + timedelta(days=2)
TABLES = ("runs", "run_sources", "cursors", "plan_sessions", "planner_state", "sink_items")


def descent_gpx(day: date) -> str:
    """A 15 km trail run with 1,300 m of descent on ``day``: a heavy descent that moves sessions."""
    start = datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC)
    points = []
    for i in range(301):
        ele = 2000 - 1300 * i / 300
        when = start + timedelta(seconds=18 * i)
        points.append(
            f'<trkpt lat="{46.0 + i * 0.0005:.5f}" lon="7.0"><ele>{ele:.1f}</ele>'
            f"<time>{when:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>trail_running</type><trkseg>'
        + "".join(points)
        + "</trkseg></trk></gpx>\n"
    )


def sync(folder: Path, day: date) -> int:
    """An uninterrupted ``hamsync sync``, in-process (fast); returns its exit code."""
    args = ["sync", "--config", str(folder / "config.toml"), "--today", day.isoformat()]
    return CliRunner().invoke(app, args, catch_exceptions=False).exit_code


def killed_sync(folder: Path, day: date, fault: str) -> subprocess.CompletedProcess[str]:
    """The real ``hamsync`` process, told to SIGKILL itself at ``fault``."""
    env = {**os.environ, ENV: fault}
    return subprocess.run(
        [HAMSYNC, "sync", "--config", str(folder / "config.toml"), "--today", day.isoformat()],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def read_tables(folder: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table that a sync's outcome lives in, rows sorted."""
    connection = sqlite3.connect(folder / "state" / "hamsync.sqlite3")
    try:
        return {
            t: sorted(connection.execute(f"SELECT * FROM {t}").fetchall())  # noqa: S608
            for t in TABLES
        }
    finally:
        connection.close()


def snapshot(folder: Path) -> tuple[bytes, dict[str, list[tuple[object, ...]]]]:
    """The calendar file and every table that a sync's outcome lives in."""
    return (folder / "out" / "hamsync.ics").read_bytes(), read_tables(folder)


def add_descent_run(folder: Path) -> None:
    path = folder / "activities" / "new" / "descent.gpx"
    path.parent.mkdir()
    path.write_text(descent_gpx(DAY2 - timedelta(days=1)), encoding="utf-8")
    stamp = datetime(2026, 11, 26, 12, tzinfo=UTC).timestamp()
    os.utime(path, (stamp, stamp))


@pytest.fixture(scope="module")
def after_day1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder (config, activities, state, calendar) after a clean first sync on DAY1."""
    folder = tmp_path_factory.mktemp("day1")
    shutil.copytree(SAMPLES, folder / "activities")
    (folder / "config.toml").write_text(
        'timezone = "Europe/Zurich"\nstate_dir = "state"\n[athlete]\nstarting_level = 7\n'
        '[sources.files]\npath = "activities"\n[sinks.ics]\npath = "out/hamsync.ics"\n',
        encoding="utf-8",
    )
    assert sync(folder, DAY1) == 0
    return folder


@pytest.fixture(scope="module")
def uninterrupted(
    after_day1: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[bytes, dict[str, list[tuple[object, ...]]]]:
    """What DAY2's sync gives when nothing kills it."""
    folder = tmp_path_factory.mktemp("clean") / "f"
    shutil.copytree(after_day1, folder)
    add_descent_run(folder)
    assert sync(folder, DAY2) == 0
    return snapshot(folder)


def test_the_scenario_changes_the_calendar(
    after_day1: Path, uninterrupted: tuple[bytes, dict[str, list[tuple[object, ...]]]]
) -> None:
    """The new heavy descent moves or changes sessions, so every write path is exercised."""
    before, _ = snapshot(after_day1)
    after, tables = uninterrupted
    assert before != after
    assert any("descent.gpx" in str(row) for row in tables["run_sources"])


@pytest.mark.parametrize("checkpoint", CHECKPOINTS)
def test_sigkill_at_each_checkpoint_then_rerun_gives_the_same_result(
    checkpoint: str,
    after_day1: Path,
    tmp_path: Path,
    uninterrupted: tuple[bytes, dict[str, list[tuple[object, ...]]]],
) -> None:
    """Killed at ``checkpoint`` and rerun, DAY2 ends with the calendar and state of a clean run."""
    folder = tmp_path / "f"
    shutil.copytree(after_day1, folder)
    add_descent_run(folder)
    killed = killed_sync(folder, DAY2, checkpoint)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert sync(folder, DAY2) == 0
    assert snapshot(folder) == uninterrupted
    leftovers = [p.name for p in (folder / "out").iterdir() if p.name != "hamsync.ics"]
    assert leftovers == []  # no temporary calendar file left behind
