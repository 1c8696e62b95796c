"""Undo and safety valves through the CLI: purge, pause/resume, and the writes refused (exit 6)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from radicale_server import free_port
from typer.testing import CliRunner

from sync.cli import app
from sync.cli.app import EXIT_CONFIG, EXIT_SAFETY
from sync.store.database import SinkItem, StateDatabase

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "examples" / "activities"
TODAY = "2026-11-25"
WriteConfig = Callable[..., Path]
runner = CliRunner()


def hamsync(*args: str, stdin: str | None = None) -> Any:
    return runner.invoke(app, list(args), input=stdin, catch_exceptions=False)


def sync(config: Path, *extra: str, today: str = TODAY, code: int = 0) -> dict[str, Any]:
    result = hamsync("sync", "-c", str(config), "--today", today, "--json", *extra)
    assert result.exit_code == code, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def event_days(path: Path) -> list[date]:
    calendar = Calendar.from_ical(path.read_bytes())
    return sorted(e.decoded("DTSTART").date() for e in calendar.walk("VEVENT"))


def stored_runs(config: Path) -> int:
    result = hamsync("runs", "-c", str(config), "--today", TODAY, "--json")
    return len(json.loads(result.stdout)["runs"])


def with_horizon(config: Path, days: int) -> Path:
    text = config.read_text(encoding="utf-8").split("\n", 1)
    config.write_text(f"{text[0]}\nhorizon_days = {days}\n{text[1]}", encoding="utf-8")
    return config


def test_purge_empties_the_calendar_and_forgets_what_it_held(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """After `purge --yes` the calendar file holds no event and a second purge finds nothing."""
    config = write_config()
    ics = tmp_path / "out" / "hamsync.ics"
    written = len(sync(config)["sessions"])
    assert len(event_days(ics)) == written > 0
    result = hamsync("purge", "-c", str(config), "--yes")
    assert result.exit_code == 0, result.output
    assert f"ics: removed {written} events" in result.output
    assert event_days(ics) == []
    assert Calendar.from_ical(ics.read_bytes()).get("X-WR-CALNAME")  # still a calendar
    again = hamsync("purge", "-c", str(config), "--yes")
    assert "nothing of its own to remove" in again.output


def test_purge_asks_first_and_removes_nothing_on_no(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """Without --yes purge asks; answering no (or --dry-run) leaves the calendar byte for byte."""
    config = write_config()
    sync(config)
    ics = tmp_path / "out" / "hamsync.ics"
    before = ics.read_bytes()
    declined = hamsync("purge", "-c", str(config), stdin="n\n")
    assert "Remove them?" in declined.output and "Nothing was removed" in declined.output
    dry = hamsync("purge", "-c", str(config), "--dry-run")
    assert "ics: " in dry.output and "dry run" in dry.output
    assert ics.read_bytes() == before
    accepted = hamsync("purge", "-c", str(config), stdin="y\n")
    assert accepted.exit_code == 0 and event_days(ics) == []


def test_pause_clears_the_days_and_resume_brings_sessions_back(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """No session on or before the pause's last day, a note says why; resume plans them again."""
    config = write_config()
    ics = tmp_path / "out" / "hamsync.ics"
    first = sync(config)
    last = date.fromisoformat(TODAY) + timedelta(days=6)
    assert any(date.fromisoformat(s["date"]) <= last for s in first["sessions"])
    paused = hamsync("pause", "-c", str(config), "--until", last.isoformat(), "--today", TODAY)
    assert paused.exit_code == 0, paused.output
    during = sync(config)
    assert all(date.fromisoformat(s["date"]) > last for s in during["sessions"])
    assert any("paused until" in note["text"] for note in during["notes"])
    assert during["writes"]["ics"]["deleted"] > 0
    assert all(d > last for d in event_days(ics) if d >= date.fromisoformat(TODAY))
    assert hamsync("resume", "-c", str(config)).exit_code == 0
    after = sync(config)
    assert any(date.fromisoformat(s["date"]) <= last for s in after["sessions"])


def test_pause_keeps_the_session_done_today_in_the_plan_and_the_calendar(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """Done today, then paused from today: that session stays written, the undone ones go."""
    config = write_config()
    ics = tmp_path / "out" / "hamsync.ics"
    first = sync(config, today="2026-11-02")["sessions"][0]
    on = first["date"]
    assert any(s["id"] == first["id"] for s in sync(config, today=on)["sessions"])
    done = hamsync("done", "-c", str(config), "--date", on)
    assert done.exit_code == 0, done.output
    after_done = sync(config, today=on)
    waits = ("no run yet after the session of", "waiting to see how you feel after the run of")
    assert any(w in n["text"] for n in after_done["notes"] for w in waits), after_done["notes"]
    last = date.fromisoformat(on) + timedelta(days=6)
    paused = hamsync("pause", "-c", str(config), "--until", last.isoformat(), "--today", on)
    assert paused.exit_code == 0, paused.output
    during = sync(config, today=on)
    held = [s for s in during["sessions"] if date.fromisoformat(s["date"]) <= last]
    assert [(s["id"], s["date"]) for s in held] == [(first["id"], on)]
    assert during["writes"]["ics"]["deleted"] > 0  # the sessions not yet done went
    assert date.fromisoformat(on) in event_days(ics)
    assert all(d > last for d in event_days(ics) if date.fromisoformat(on) < d)


def test_pause_refuses_a_day_that_has_passed(write_config: WriteConfig) -> None:
    """A pause ending yesterday is a typo: exit 2 and nothing stored."""
    config = write_config()
    result = hamsync("pause", "-c", str(config), "--until", "2026-11-24", "--today", TODAY)
    assert result.exit_code == EXIT_CONFIG
    assert "has passed" in result.output


def test_unmounted_folder_is_refused_and_the_runs_are_kept(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """A vanished activity folder exits 6, keeps every run; --force accepts the removal."""
    folder = tmp_path / "activities"
    shutil.copytree(SAMPLES, folder)
    config = write_config(activities=folder)
    sync(config)
    runs = stored_runs(config)
    ics = tmp_path / "out" / "hamsync.ics"
    calendar = ics.read_bytes()
    folder.rename(tmp_path / "unmounted")
    refused = sync(config, code=EXIT_SAFETY)
    assert [r["part"] for r in refused["refused"]] == ["files"]
    assert "would remove all" in refused["refused"][0]["message"]
    assert stored_runs(config) == runs
    assert ics.read_bytes() == calendar
    text = hamsync("sync", "-c", str(config), "--today", TODAY)
    assert text.exit_code == EXIT_SAFETY and "--force" in text.output
    (tmp_path / "unmounted").rename(folder)  # mounted again: all is as before
    assert sync(config)["runs_pulled"] == 0 and stored_runs(config) == runs
    folder.rename(tmp_path / "unmounted")
    forced = sync(config, "--force")
    assert forced["refused"] == [] and stored_runs(config) == 0


def test_mass_delete_is_refused_then_forced(write_config: WriteConfig, tmp_path: Path) -> None:
    """Shrinking the horizon would delete most sessions: refused with exit 6 until --force."""
    config = with_horizon(write_config(), 28)
    ics = tmp_path / "out" / "hamsync.ics"
    sync(config)
    before = ics.read_bytes()
    state_dir = tmp_path / "state"
    with_horizon(write_config(), 7)
    refused = sync(config, code=EXIT_SAFETY)
    assert [r["part"] for r in refused["refused"]] == ["ics"]
    assert "would delete" in refused["refused"][0]["message"]
    assert "ics" not in refused["writes"]
    assert ics.read_bytes() == before
    state = StateDatabase.open(state_dir)
    try:
        kept = len(state.sink_items("ics"))
    finally:
        state.close()
    assert kept == len(event_days(ics))
    forced = sync(config, "--force")
    assert forced["writes"]["ics"]["deleted"] > 5
    assert len(event_days(ics)) < kept


def test_pain_checkin_deletes_many_sessions_without_a_refusal(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """Rewriting the plan on purpose (pain: R7) is not an accident: the changes go through,
    and every session left is easy walking and gentle mobility, only if pain-free."""
    config = with_horizon(write_config(), 28)
    sync(config)
    hamsync("checkin", "pain", "-c", str(config), "--date", TODAY)
    data = sync(config)
    walking = [{e["key"] for e in s["exercises"]} <= {"easy_walk", "gentle_mobility"}
               for s in data["sessions"]]  # fmt: skip
    assert all(walking) and data["refused"] == []
    assert data["writes"]["ics"]["updated"] + data["writes"]["ics"]["deleted"] > 5
    text = (tmp_path / "out" / "hamsync.ics").read_text(encoding="utf-8").replace("\r\n ", "")
    assert "only if pain-free" in text and "Nordic hamstring curl:" not in text


def test_a_failing_sink_keeps_its_records_and_the_others_still_purge(
    write_config: WriteConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CalDAV unreachable during purge: exit 3, the ICS file is emptied, CalDAV's records stay."""
    monkeypatch.setenv("HAMSYNC_CALDAV_PASSWORD", "secret")
    dead = f"http://127.0.0.1:{free_port()}/"
    section = f'url = "{dead}"\nusername = "runner"\ncalendar = "Training"\ntimeout_s = 2\n'
    config = write_config(extra=f"[sinks.caldav]\n{section}")
    sync(config, code=3)  # the calendar server is down: ICS written, CalDAV failed
    state = StateDatabase.open(tmp_path / "state")
    try:
        with state.transaction():  # what an earlier sync recorded writing to CalDAV
            state.put_sink_item(
                SinkItem("caldav", "2026-W48-1", date(2026, 11, 26),
                         f"{dead}runner/training/2026-W48-1@hamsync.ics", '"e1"', "h", 0, "{}")
            )  # fmt: skip
    finally:
        state.close()
    result = hamsync("purge", "-c", str(config), "--yes")
    assert result.exit_code == 3, result.output
    assert "error: caldav" in result.output and "purge` again" in result.output
    assert event_days(tmp_path / "out" / "hamsync.ics") == []
    state = StateDatabase.open(tmp_path / "state")
    try:
        assert list(state.sink_items("caldav")) == ["2026-W48-1"]
        assert state.sink_items("ics") == {}
    finally:
        state.close()
