"""SIGKILL at every checkpoint of the activity-note sinks' writes (Strava through stravalib,
Garmin through garminconnect), run by the write-back executor: the rerun ends with the same
descriptions and records as an uninterrupted run, no note doubled or lost, and the runner's
own text (and their edit between two syncs) untouched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sync.engine.faults import ENV
from sync.sinks.note_block import BEGIN, END, remove_block
from sync.store.database import StateDatabase

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CHILD = HERE / "notes_crash_child.py"
RUNNERS_TEXT = {"4242001": "Ridge loop, windy.", "4242002": ""}
RUNNERS_EDIT = "\n\nPS: new shoes."
"""What the runner adds to the first description after the first sync (outside our block)."""
PHASES = {"plan": [], "change": ["plan"], "purge": ["plan"]}
"""Each phase and what runs, uninterrupted, before it."""
SINK = {"strava": "strava_notes", "garmin": "garmin_notes"}


def run(platform: str, folder: Path, phase: str, fault: str = "") -> int:
    paths = [str(REPO), str(HERE), str(HERE.parent), str(HERE.parent / "connectors")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    env.pop(ENV, None)
    if fault:
        env[ENV] = fault
    done = subprocess.run(
        [sys.executable, str(CHILD), platform, str(folder), phase],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode in (0, -9), done.stderr
    return done.returncode


def descriptions(folder: Path) -> dict[str, str]:
    found: dict[str, str] = json.loads((folder / "activities.json").read_text(encoding="utf-8"))
    return found


def runner_edits(folder: Path) -> None:
    """The runner adds a line to the first description, as they would on the platform."""
    texts = descriptions(folder)
    texts["4242001"] += RUNNERS_EDIT
    (folder / "activities.json").write_text(json.dumps(texts), encoding="utf-8")


def recorded(platform: str, folder: Path) -> dict[str, tuple[str, str, str]]:
    state = StateDatabase.open(folder / "state")
    try:
        items = state.sink_items(SINK[platform]).items()
        return {k: (r.remote_id, r.content_hash, r.pending) for k, r in items}
    finally:
        state.close()


def prepared(platform: str, folder: Path, phase: str) -> Path:
    folder.mkdir(parents=True)
    for before in PHASES[phase]:
        assert run(platform, folder, before) == 0
        runner_edits(folder)
    return folder


FAULTS = ["sink-written:{}#1", "sink-written:{}#2", "sink-transaction:{}#1",
          "sink-transaction:{}#2"]  # fmt: skip
"""Each phase writes two notes: killed after the first and the second write to the platform,
and inside the first and the second recording of a result."""


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """An uninterrupted run of each phase on each platform (once for all the faults)."""
    found = {}
    for platform in SINK:
        for phase in PHASES:
            folder = prepared(platform, tmp_path_factory.mktemp("reference") / phase, phase)
            assert run(platform, folder, phase) == 0
            found[platform, phase] = folder
    return found


@pytest.mark.parametrize("platform", sorted(SINK))
@pytest.mark.parametrize("phase", sorted(PHASES))
@pytest.mark.parametrize("fault", FAULTS)
def test_a_killed_notes_write_is_finished_by_the_next(
    tmp_path: Path,
    reference: dict[tuple[str, str], Path],
    platform: str,
    phase: str,
    fault: str,
) -> None:
    """Killed at ``fault``, then run again: descriptions and records end as without the kill."""
    killed = prepared(platform, tmp_path / "killed", phase)
    assert run(platform, killed, phase, fault.format(SINK[platform])) == -9  # it died there
    assert run(platform, killed, phase) == 0
    texts = descriptions(killed)
    assert texts == descriptions(reference[platform, phase])
    assert recorded(platform, killed) == recorded(platform, reference[platform, phase])
    edited = {**RUNNERS_TEXT, "4242001": RUNNERS_TEXT["4242001"]
              + (RUNNERS_EDIT if PHASES[phase] else "")}  # fmt: skip
    for activity, text in texts.items():
        assert remove_block(text) == edited[activity].strip()  # the runner's text, whole
        noted = 0 if phase == "purge" else 1
        assert text.count(BEGIN) == text.count(END) == noted  # none doubled, none lost


def test_the_reference_runs_say_what_each_phase_means(
    reference: dict[tuple[str, str], Path],
) -> None:
    """Plan notes both runs, change rewrites both blocks, purge leaves the runner's text."""
    for platform in SINK:
        plan = descriptions(reference[platform, "plan"])
        change = descriptions(reference[platform, "change"])
        assert all(BEGIN in text for text in plan.values())
        assert all("Thu 26 Nov" in text and "Wed 25 Nov" not in text for text in change.values())
        purged = descriptions(reference[platform, "purge"])
        assert purged == {"4242001": "Ridge loop, windy." + RUNNERS_EDIT, "4242002": ""}
        assert recorded(platform, reference[platform, "purge"]) == {}
