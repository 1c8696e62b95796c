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
from sync.store.database import StateDatabase

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
    state = StateDatabase.open(folder / "state")
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


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An uninterrupted run of each phase (once for all the faults)."""
    found = {}
    for phase in ("plan", "change"):
        folder = fresh(tmp_path_factory.mktemp("reference") / phase)
        if phase == "change":
            assert run(folder, "plan") == 0
        assert run(folder, phase) == 0
        found[phase] = folder
    return found


@pytest.mark.parametrize("phase", ["plan", "change"])
@pytest.mark.parametrize("fault", FAULTS)
def test_a_killed_sync_is_finished_by_the_next(
    tmp_path: Path, reference: dict[str, Path], phase: str, fault: str
) -> None:
    """Killed at ``fault``, then run again: Garmin and the records end as without the kill."""
    killed = fresh(tmp_path / "killed")
    if phase == "change":
        assert run(killed, "plan") == 0
    assert run(killed, phase, fault) == -9  # it did die there
    assert run(killed, phase) == 0
    assert garmin_side(killed) == garmin_side(reference[phase])
    assert recorded(killed) == recorded(reference[phase])
