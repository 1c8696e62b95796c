"""One sync of the Garmin workout sink through the executor, as its own process, for the
SIGKILL tests (``test_garmin_crash.py``): ``python garmin_crash_child.py <folder> <phase>``.

Garmin's side is the stand-in saved in ``<folder>/garmin.json``; the state is in
``<folder>/state``. Phase ``plan`` writes two sessions; phase ``change`` moves the first and
drops the second. ``HAMSYNC_FAULT_AT`` kills it where it says.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import responses
from garmin_server import Clock, WorkoutService, add_login, session_for

from planner.models import Dose, Session, SessionKind
from planner.settings import Settings
from sync.engine.writeback import write_back
from sync.sinks.garmin_workouts import GarminWorkoutSink
from sync.sinks.outcome import WriteContext
from sync.sinks.renderer import Writer
from sync.sinks.workout_items import WorkoutRenderer
from sync.store.database import StateDatabase

TODAY = date(2026, 11, 23)
FIRST = Session(
    id="2026-W48-1", day=date(2026, 11, 25), kind=SessionKind.FOCUSED,
    exercises=(Dose("nordic", 2, reps=4, rest_s=120),),
)  # fmt: skip
SECOND = Session(
    id="2026-W48-2", day=date(2026, 11, 28), kind=SessionKind.MAINTENANCE,
    exercises=(Dose("step_down", 2, reps=8),),
)  # fmt: skip
PHASES = {"plan": (FIRST, SECOND), "change": (replace(FIRST, day=date(2026, 11, 26)),)}


def main(folder: Path, phase: str) -> None:
    service = WorkoutService.load(folder / "garmin.json")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        add_login(rsps)
        service.install(rsps)
        sink = GarminWorkoutSink(session_for(folder / "tokens", Clock()))
        writer = Writer(sink, WorkoutRenderer(Settings(), "hamsync:", "c0ffee00c0ffee00"))
        state = StateDatabase.open(folder / "state")
        context = WriteContext(today=TODAY, tz=ZoneInfo("Europe/Zurich"), sessions=PHASES[phase])
        write_back(writer, context, state)
        state.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
