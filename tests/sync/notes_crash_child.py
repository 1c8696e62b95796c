"""One write of an activity-note sink through the executor, as its own process, for the
SIGKILL tests (``test_notes_crash.py``):
``python notes_crash_child.py <strava|garmin> <folder> <plan|change|purge>``.

The platform's side is ``<folder>/activities.json`` (activity id -> description), saved at
every PUT, so what a killed process wrote stays written; the state is in ``<folder>/state``.
Strava is the real stravalib client, Garmin the real garminconnect session, both answered by
``responses``. Phase ``plan`` notes two runs, ``change`` rewrites both notes (the next
session moved), ``purge`` takes them out. ``HAMSYNC_FAULT_AT`` kills it where it says.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import responses
from requests import PreparedRequest

from connectors.strava import StravaApi, Tokens
from connectors.strava.oauth import MemoryTokenStore
from planner.models import Dose, Run, RunFlags, Session, SessionKind, Sport
from sync.engine.writeback import purge, write_back
from sync.sinks.note_items import Note
from sync.sinks.outcome import WriteContext
from sync.sinks.renderer import Writer
from sync.store.database import StateDatabase

TODAY = date(2026, 11, 23)
IDS = ("4242001", "4242002")
RUNNERS_TEXT = {IDS[0]: "Ridge loop, windy.", IDS[1]: ""}
"""The runner's own descriptions before hamsync writes (the second one empty)."""
NEXT = Session(
    id="2026-W48-1", day=date(2026, 11, 25), kind=SessionKind.FOCUSED,
    exercises=(Dose("nordic", 2, reps=4, rest_s=120),),
)  # fmt: skip
SESSIONS = {"plan": (NEXT,), "change": (replace(NEXT, day=date(2026, 11, 26)),)}
FLAGS = RunFlags(trail=True, long=True, heavy_descent=True, very_heavy_descent=False, hill=False)


def run_of(platform: str, activity: str, day: int) -> tuple[Run, RunFlags]:
    run = Run(
        id=f"file:run{day}.fit", sources=(f"file:run{day}.fit", f"{platform}:{activity}"),
        start=datetime(2026, 11, day, 8, 0, tzinfo=UTC), sport=Sport.TRAIL_RUN,
        distance_m=28_000, moving_s=4 * 3600, elapsed_s=4.5 * 3600, ascent_m=1240.0,
        descent_m=1240.0, descent_from="device",
    )  # fmt: skip
    return run, FLAGS


class Descriptions:
    """The platform's activities, kept in a file so that a kill loses nothing written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            self.save(dict(RUNNERS_TEXT))

    def load(self) -> dict[str, str]:
        found: dict[str, str] = json.loads(self.path.read_text(encoding="utf-8"))
        return found

    def save(self, texts: dict[str, str]) -> None:
        self.path.write_text(json.dumps(texts), encoding="utf-8")

    def read(self, activity: str) -> str | None:
        return self.load().get(activity)

    def write(self, activity: str, text: str) -> None:
        self.save({**self.load(), activity: text})


def strava(folder: Path, rsps: responses.RequestsMock, side: Descriptions) -> Writer[Note]:
    from strava_fake import API

    from sync.sinks.strava_notes import StravaNotesSink, strava_notes_writer

    def answer(request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        activity = str(request.url).split("/activities/")[1].split("?")[0]
        if request.method == "PUT":
            side.write(activity, json.loads(request.body or b"{}")["description"])
        text = side.read(activity)
        body: dict[str, Any] = {"id": int(activity), "description": text or None}
        return 200, {}, json.dumps(body)

    for method in (responses.GET, responses.PUT):
        rsps.add_callback(method, re.compile(rf"{API}/activities/\d+$"), callback=answer)
    tokens = Tokens("refresh", "access", int(datetime.now(UTC).timestamp()) + 7200)
    api = StravaApi(1234, "client-secret", MemoryTokenStore(tokens))
    return strava_notes_writer(StravaNotesSink(api))


def garmin(folder: Path, rsps: responses.RequestsMock, side: Descriptions) -> Writer[Note]:
    from garmin_server import API, Clock, add_login, session_for, write_tokens

    from sync.sinks.garmin_notes import GarminNotesSink, garmin_notes_writer

    def answer(request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        activity = (request.path_url or "").split("?")[0].rsplit("/", 1)[1]
        if request.method == "PUT":
            side.write(activity, json.loads(request.body or b"{}")["description"])
            return 204, {}, ""
        body = {"activityId": int(activity), "description": side.read(activity)}
        return 200, {}, json.dumps(body)

    one = re.compile(rf"{re.escape(API)}/activity-service/activity/(\d+)$")
    for method in (responses.GET, responses.PUT):
        rsps.add_callback(method, one, callback=answer)
    if not (folder / "tokens").exists():
        write_tokens(folder / "tokens")
    add_login(rsps)
    return garmin_notes_writer(GarminNotesSink(session_for(folder / "tokens", Clock())))


def main(platform: str, folder: Path, phase: str) -> None:
    side = Descriptions(folder / "activities.json")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        writer = (strava if platform == "strava" else garmin)(folder, rsps, side)
        state = StateDatabase.open(folder / "state")
        if phase == "purge":
            purge(writer, state)
        else:
            runs = (run_of(platform, IDS[0], 21), run_of(platform, IDS[1], 22))
            context = WriteContext(
                today=TODAY, tz=ZoneInfo("Europe/Zurich"), sessions=SESSIONS[phase], runs=runs
            )
            write_back(writer, context, state)
        state.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), sys.argv[3])
