"""SIGKILL at every checkpoint of the Garmin workout sink's writes: the rerun ends with the
same workouts on the same days as an uninterrupted sync, none doubled, none left behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from garmin_server import write_tokens

from sync.engine.faults import ENV
from sync.store.database import State

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def run(folder: Path, phase: str, fault: str = "") -> int:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(HERE)])}
    env.pop(ENV, None)
    if fault:
        env[ENV] = fault
    done = subprocess.run(
        [sys.executable, str(HERE / "garmin_crash_child.py"), str(folder), phase],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode in (0, -9), done.stderr
    return done.returncode


def garmin_side(folder: Path) -> tuple[list[tuple[str, str]], int]:
    """(day, workout name) of every schedule, and how many workouts the library holds."""
    data = json.loads((folder / "garmin.json").read_text(encoding="utf-8"))
    names = {int(k): w["workoutName"] for k, w in data["workouts"].items()}
    days = sorted((s["calendarDate"], names[s["workout"]["workoutId"]])
                  for s in data["schedules"].values())  # fmt: skip
    return days, len(names)


def recorded(folder: Path) -> dict[str, str]:
    state = State.open(folder / "state")
    try:
        return {k: f"{r.day} {r.pending}" for k, r in state.sink_items("garmin").items()}
    finally:
        state.close()


def fresh(folder: Path) -> Path:
    folder.mkdir()
    write_tokens(folder / "tokens")
    return folder


FAULTS = ["sink-written:garmin#1", "sink-written:garmin#2", "sink-transaction:garmin#1",
          "sink-transaction:garmin#2"]  # fmt: skip
"""Each phase writes two items (two creates; a move and a drop): killed after the first and
the second write to Garmin, and inside the first and the second recording of a result."""


@pytest.mark.parametrize("phase", ["plan", "change"])
@pytest.mark.parametrize("fault", FAULTS)
def test_a_killed_sync_is_finished_by_the_next(tmp_path: Path, phase: str, fault: str) -> None:
    """Killed at ``fault``, then run again: Garmin and the records end as without the kill."""
    reference = fresh(tmp_path / "reference")
    killed = fresh(tmp_path / "killed")
    for folder in (reference, killed):
        if phase == "change":
            assert run(folder, "plan") == 0
    assert run(reference, phase) == 0
    assert run(killed, phase, fault) == -9  # it did die there
    assert run(killed, phase) == 0
    assert garmin_side(killed) == garmin_side(reference)
    assert recorded(killed) == recorded(reference)
