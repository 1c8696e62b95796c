"""An install from before install ids: what it wrote stays hamsync's after the upgrade."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar

from planner.models import Dose, Session, SessionKind
from sync.engine.writeback import purge, write_back
from sync.sinks.event_items import EventRenderer
from sync.sinks.ics_file import IcsFileSink
from sync.sinks.outcome import WriteContext
from sync.sinks.renderer import Writer
from sync.sinks.vevent import EventTiming, build_event, calendar, content_hash
from sync.store.database import DB_NAME, MIGRATIONS, StateDatabase
from sync.store.install_id import install_id
from sync.store.serialize import session_body

TZ = ZoneInfo("Europe/Zurich")
TODAY = date(2026, 11, 25)
TIMING = EventTiming.from_config(TZ, "18:00", 20)
PLAN = tuple(
    Session(f"2026-W48-{n}", TODAY + timedelta(days=n), SessionKind.CONTROL,
            (Dose("glute_bridge", 3, reps=10),))
    for n in (1, 2)
)  # fmt: skip


def old_install(folder: Path) -> Path:
    """A state at schema 3 and a calendar file written the old way: UIDs without install id."""
    state_dir = folder / "state"
    state_dir.mkdir(parents=True)
    connection = sqlite3.connect(state_dir / DB_NAME)
    for number, (_name, script) in enumerate(MIGRATIONS[:3], start=1):
        connection.executescript(script)
        connection.execute(f"PRAGMA user_version = {number}")
    path = folder / "hamsync.ics"
    events = [build_event(s, 0, TIMING) for s in PLAN]
    body = bytes(calendar(events, "hamsync").to_ical())
    path.write_bytes(body)
    sink = IcsFileSink(path, "hamsync")
    etags = dict(sink.list())
    for session in PLAN:
        connection.execute(
            "INSERT INTO sink_items VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ("ics", session.id, session.day.isoformat(), f"{session.id}@hamsync",
             etags[f"{session.id}@hamsync"], content_hash(session, TIMING), 0,
             session_body(session)),
        )  # fmt: skip
    connection.commit()
    connection.close()
    return path


def uids(path: Path) -> list[str]:
    return sorted(str(e["UID"]) for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def test_events_written_before_install_ids_are_updated_in_place_and_purged(
    tmp_path: Path,
) -> None:
    """After the upgrade nothing is rewritten for it; a change updates the old UID in place;
    purge removes the old events."""
    path = old_install(tmp_path)
    before = path.read_bytes()
    state = StateDatabase.open(tmp_path / "state")
    try:
        renderer = EventRenderer(TIMING, install_id(tmp_path / "state"))
        writer = Writer(IcsFileSink(path, "hamsync"), renderer)
        quiet = write_back(writer, WriteContext(TODAY, TZ, PLAN), state)
        assert (quiet.created, quiet.updated, quiet.conflicts) == (0, 0, 0)
        assert path.read_bytes() == before
        moved = (replace(PLAN[0], day=PLAN[0].day + timedelta(days=1)), PLAN[1])
        result = write_back(writer, WriteContext(TODAY, TZ, moved), state)
        assert (result.created, result.updated, result.conflicts) == (0, 1, 0)
        assert uids(path) == [f"{s.id}@hamsync" for s in PLAN]  # the same events, no doubles
        assert purge(writer, state).deleted == 2
        assert uids(path) == []
    finally:
        state.close()
