"""The main job end to end: sample files in, a plan, an ICS calendar out, idempotently."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from sync.cli import app

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "examples" / "activities"
WriteConfig = Callable[..., Path]
TODAY = "2026-11-25"
HAMSYNC = str(Path(sys.executable).with_name("hamsync"))
ZURICH = ZoneInfo("Europe/Zurich")
runner = CliRunner()


def hamsync(*args: str) -> Any:
    """Run the CLI in-process and return the result (exit code, output)."""
    return runner.invoke(app, list(args), catch_exceptions=False)


def sync_json(config: Path, today: str = TODAY, *extra: str) -> dict[str, Any]:
    result = hamsync("sync", "--config", str(config), "--today", today, "--json", *extra)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def events(path: Path) -> dict[str, Any]:
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_first_sync_writes_an_importable_calendar(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """Every session of the plan is a VEVENT with a stable UID, DTEND, and no METHOD."""
    config = write_config()
    data = sync_json(config)
    assert data["runs_pulled"] >= 10
    assert data["errors"] == []
    sessions = data["sessions"]
    assert sessions, "the samples should give at least one session"
    assert data["writes"]["ics"]["created"] == len(sessions)
    ics_path = tmp_path / "out" / "hamsync.ics"
    raw = ics_path.read_bytes()
    assert b"METHOD" not in raw
    calendar = Calendar.from_ical(raw)
    assert "UID" not in calendar  # no calendar-level UID: some servers refuse it
    by_uid = events(ics_path)
    install = (tmp_path / "state" / "install_id").read_text().strip()
    assert set(by_uid) == {f"{s['id']}.{install}@hamsync" for s in sessions}
    for session in sessions:
        event = by_uid[f"{session['id']}.{install}@hamsync"]
        assert str(event["X-HAMSYNC-INSTALL"]) == install
        assert "DTEND" in event
        start = event.decoded("DTSTART")
        assert start.astimezone(ZURICH).date().isoformat() == session["date"]
        assert "Hamstrings" in str(event["SUMMARY"])
        description = str(event["DESCRIPTION"])
        assert all(reason["text"] in description for reason in session["reasons"])
        assert "medical advice" in description


def test_second_sync_changes_nothing(write_config: WriteConfig, tmp_path: Path) -> None:
    """With no new facts the calendar file stays byte-identical and nothing is written."""
    config = write_config()
    first = sync_json(config)
    ics_path = tmp_path / "out" / "hamsync.ics"
    before = ics_path.read_bytes()
    mtime = ics_path.stat().st_mtime_ns
    second = sync_json(config)
    assert second["runs_pulled"] == 0
    assert second["writes"]["ics"] == {
        "created": 0, "updated": 0, "deleted": 0, "conflicts": 0, "messages": [],
    }
    assert second["sessions"] == first["sessions"]
    assert second["moved"] == []
    assert ics_path.read_bytes() == before
    assert ics_path.stat().st_mtime_ns == mtime


def test_moved_session_keeps_its_uid_and_raises_sequence(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """A long trail planned right after a Nordic day moves that session in place."""
    calendar_file = tmp_path / "planned.ics"
    calendar_file.write_bytes(_calendar())
    config = write_config(upcoming=calendar_file, level=8)
    first = sync_json(config)
    heavy = [s for s in first["sessions"] if s["heavy"]]
    assert heavy, "a level-8 runner should get a Nordic session in two weeks"
    target = heavy[0]
    day = date.fromisoformat(target["date"])
    calendar_file.write_bytes(_calendar(("Long trail run", day + timedelta(days=1))))
    second = sync_json(config)
    ics_path = tmp_path / "out" / "hamsync.ics"
    install = (tmp_path / "state" / "install_id").read_text().strip()
    event = events(ics_path)[f"{target['id']}.{install}@hamsync"]
    moved = {s["id"]: s for s in second["sessions"]}[target["id"]]
    assert moved["date"] != target["date"] or not moved["heavy"]
    assert int(event["SEQUENCE"]) == 1
    assert second["writes"]["ics"]["updated"] >= 1
    nordic_days = {date.fromisoformat(s["date"]) for s in second["sessions"] if s["heavy"]}
    assert not nordic_days & {day - timedelta(days=1), day, day + timedelta(days=1)}


def test_corrupt_file_is_skipped_with_a_warning_and_the_rest_imported(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """A truncated FIT file is named in a warning; every other file is still read."""
    folder = tmp_path / "activities"
    shutil.copytree(SAMPLES, folder)
    good = sorted(folder.rglob("*.fit"))[0]
    (folder / "broken.fit").write_bytes(good.read_bytes()[:700])
    config = write_config(activities=folder)
    data = sync_json(config)
    sample_count = sum(1 for p in SAMPLES.rglob("*") if p.is_file())
    assert any("broken.fit" in w for w in data["warnings"])
    stored = json.loads(hamsync("runs", "--config", str(config), "--json").stdout)["runs"]
    assert len(stored) >= sample_count - 1  # a multi-session file may add runs, never lose any
    assert not any("broken.fit" in src for r in stored for src in r["sources"])


def test_broken_config_line_exits_2_with_file_and_line(tmp_path: Path) -> None:
    """A typo in the config gives exit code 2, the file and the line, and no traceback."""
    config = tmp_path / "config.toml"
    config.write_text('timezone = "Europe/Zurich"\n[athlete\nlong_run_days = ["sat"]\n')
    result = subprocess.run(
        [HAMSYNC, "sync", "--config", str(config)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert str(config) in result.stderr
    assert "line 2" in result.stderr
    assert "Traceback" not in result.stderr


def test_dry_run_stores_and_writes_nothing(write_config: WriteConfig, tmp_path: Path) -> None:
    """--dry-run shows the sessions but creates no calendar and stores no run."""
    config = write_config()
    data = sync_json(config, TODAY, "--dry-run")
    assert data["sessions"]
    assert not (tmp_path / "out" / "hamsync.ics").exists()
    stored = json.loads(hamsync("runs", "--config", str(config), "--json").stdout)["runs"]
    assert stored == []


def test_plan_and_runs_json_follow_the_contract(write_config: WriteConfig) -> None:
    """plan --json and runs --json carry the documented keys and values."""
    config = write_config()
    sync_json(config)
    plan = json.loads(hamsync("plan", "--config", str(config), "--today", TODAY, "--json").stdout)
    kinds = {"control", "heavier", "focused", "maintenance", "recovery"}
    for session in plan["sessions"]:
        assert {"id", "date", "kind", "heavy", "exercises", "reasons"} <= set(session)
        assert session["kind"] in kinds
        assert session["reasons"]
        assert session["heavy"] == any(
            e["key"] in {"nordic", "assisted_nordic"} for e in session["exercises"]
        )
        for exercise in session["exercises"]:
            assert {"key", "sets"} <= set(exercise)
            assert ("reps" in exercise) or ("hold_s" in exercise)
    runs = json.loads(hamsync("runs", "--config", str(config), "--json").stdout)["runs"]
    keys = {"id", "sources", "start", "sport", "distance_m", "moving_s", "ascent_m",
            "descent_m", "descent_from", "trail", "long", "heavy_descent"}  # fmt: skip
    for run in runs:
        assert keys <= set(run)
        assert run["descent_from"] in {"device", "computed", "summary", "none"}
    assert any(r["long"] for r in runs)
    assert any(r["heavy_descent"] for r in runs)


def test_example_config_runs_as_is_on_a_copy_of_the_repository(tmp_path: Path) -> None:
    """The README's first command works: the example config gives a plan and a calendar."""
    copy = tmp_path / "repo"
    copy.mkdir()
    shutil.copy(REPO / "config.example.toml", copy)
    shutil.copytree(REPO / "examples", copy / "examples")
    result = subprocess.run(
        [HAMSYNC, "sync", "--config", "config.example.toml"],
        capture_output=True, text=True, check=False, cwd=copy,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Hamstring sessions" in result.stdout
    assert (copy / "hamsync.ics").exists()
    assert (copy / "demo-state").is_dir()


def test_second_sync_waits_for_the_lock_then_says_who_holds_it(
    write_config: WriteConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While another sync holds the lock, a second one exits 5 naming the holder."""
    from sync.store import lock

    config = write_config()
    sync_json(config)
    monkeypatch.setattr(lock, "DEFAULT_WAIT_S", 0.2)
    with lock.sync_lock(tmp_path / "state"):
        result = hamsync("sync", "--config", str(config), "--today", TODAY)
    assert result.exit_code == 5
    assert "another hamsync sync is running" in result.output


def _calendar(*runs: tuple[str, date]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for number, (title, day) in enumerate(runs):
        lines += [
            "BEGIN:VEVENT",
            f"UID:planned-{number}@example.org",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART;TZID=Europe/Zurich:{day:%Y%m%d}T080000",
            f"DTEND;TZID=Europe/Zurich:{day:%Y%m%d}T110000",
            f"SUMMARY:{title}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def test_race_of_yesterday_in_the_calendar_still_rules_the_next_days(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """A 6-hour trail race yesterday: recovery only for 3 days, no Nordic for 7 (R4).

    Windows count whole days from the race day (DESIGN.md): 72 h after a Tuesday race ends on
    Thursday, 7 days after it on the next Monday.
    """
    race_day = date.fromisoformat(TODAY) - timedelta(days=1)
    calendar_file = tmp_path / "planned.ics"
    lines = _calendar(("Trail race", race_day)).decode().replace("T110000", "T140000")
    calendar_file.write_text(lines)
    config = write_config(upcoming=calendar_file, level=8)
    sessions = sync_json(config)["sessions"]
    assert sessions
    for session in sessions:
        day = date.fromisoformat(session["date"])
        if day <= race_day + timedelta(days=2):
            assert session["kind"] == "recovery", session
        if day <= race_day + timedelta(days=6):
            assert not session["heavy"], session
    assert any(date.fromisoformat(s["date"]) > race_day + timedelta(days=6) for s in sessions)
