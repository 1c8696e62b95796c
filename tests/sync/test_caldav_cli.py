"""Both CalDAV directions through `hamsync sync`, against a real Radicale on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar, Event
from radicale_server import PASSWORD, Radicale, training_radicale
from typer.testing import CliRunner

from sync.cli import app
from sync.config.model import load_config
from sync.engine.run import SyncReport, look_ahead

WriteConfig = Callable[..., Path]
TODAY = "2026-11-25"


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    """A Radicale with one user and a password, with a "Training" calendar."""
    with training_radicale(tmp_path / "radicale") as server:
        yield server


def caldav_config(write_config: WriteConfig, server: Radicale, level: int = 3) -> Path:
    section = f'url = "{server.url}"\nusername = "{server.user}"\ncalendar = "Training"\n'
    extra = f"[sinks.caldav]\n{section}[upcoming.caldav]\n{section}"
    return write_config(level=level, extra=extra)


def sync(config: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(
        app, ["sync", "--config", str(config), "--today", TODAY, "--json", *extra]
    )
    return result.exit_code, json.loads(result.stdout)


def runner_event(server: Radicale, uid: str, title: str, day: date) -> None:
    """The runner adds an all-day event to the Training calendar with their own app."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime(2026, 11, 1, tzinfo=UTC))
    event.add("summary", title)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    cal = Calendar()
    cal.add("prodid", "-//runner//EN")
    cal.add("version", "2.0")
    cal.add_component(event)
    with server.client() as client:
        calendar = client.principal().calendars()[0]
        calendar.save_event(cal.to_ical().decode())


def test_wrong_password_fails_caldav_only_and_next_sync_catches_up(
    write_config: WriteConfig, radicale: Radicale, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 401 gives exit 3 with the ICS file written; with the right password all is written."""
    config = caldav_config(write_config, radicale)
    monkeypatch.setenv("HAMSYNC_CALDAV_PASSWORD", "wrong")
    code, data = sync(config)
    assert code == 3
    assert "caldav" not in data["writes"]
    assert data["writes"]["ics"]["created"] == len(data["sessions"])
    assert any(e["connector"] == "caldav" and "refused" in e["message"] for e in data["errors"])
    monkeypatch.setenv("HAMSYNC_CALDAV_PASSWORD", PASSWORD)
    code, data = sync(config)
    assert code == 0, data["errors"]
    assert data["writes"]["caldav"]["created"] == len(data["sessions"])
    code, again = sync(config)
    assert again["writes"]["caldav"] == {
        "created": 0, "updated": 0, "deleted": 0, "conflicts": 0, "messages": [],
    }


def test_force_flag_overwrites_a_hand_edited_event(
    write_config: WriteConfig, radicale: Radicale, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hand edit is left as it is (hamsync has nothing new for that event); `sync --force`
    writes hamsync's version back, and later syncs find nothing to do."""
    monkeypatch.setenv("HAMSYNC_CALDAV_PASSWORD", PASSWORD)
    config = caldav_config(write_config, radicale)
    _code, first = sync(config)
    install = (config.parent / "state" / "install_id").read_text().strip()
    uid = f"{first['sessions'][0]['id']}.{install}@hamsync"
    with radicale.client() as client:
        ours = client.principal().calendars()[0].get_event_by_uid(uid)
        ours.icalendar_component["SUMMARY"] = "not today"
        ours.save(increase_seqno=False)
    _code, second = sync(config)
    assert second["writes"]["caldav"]["updated"] == 0
    _code, forced = sync(config, "--force")
    assert forced["writes"]["caldav"]["conflicts"] == 0
    assert forced["writes"]["caldav"]["updated"] == 1
    with radicale.client() as client:
        back = client.principal().calendars()[0].get_event_by_uid(uid)
        assert str(back.icalendar_component["SUMMARY"]).startswith("Hamstrings")
    _code, after = sync(config)
    assert after["writes"]["caldav"] == {
        "created": 0, "updated": 0, "deleted": 0, "conflicts": 0, "messages": [],
    }


def test_planned_long_trail_in_caldav_moves_the_nordic(
    write_config: WriteConfig, radicale: Radicale, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long trail the runner puts in the calendar moves the Nordic away (R3); ours are ignored."""
    monkeypatch.setenv("HAMSYNC_CALDAV_PASSWORD", PASSWORD)
    config = caldav_config(write_config, radicale, level=8)
    _code, first = sync(config)
    heavy = [s for s in first["sessions"] if s["heavy"]]
    assert heavy, "a level-8 runner should get a Nordic session in two weeks"
    day = date.fromisoformat(heavy[0]["date"])
    runner_event(radicale, "trail-1@phone", "Long trail run", day + timedelta(days=1))
    runner_event(radicale, "fake@hamsync", "Long trail run", day + timedelta(days=4))
    planned = look_ahead(load_config(config), date.fromisoformat(TODAY), SyncReport(day))
    assert [(e.title, e.day, e.long) for e in planned if e.source.startswith("calendar")] == [
        ("Long trail run", day + timedelta(days=1), True)
    ]
    code, second = sync(config)
    assert code == 0, second["errors"]
    nordic_days = {date.fromisoformat(s["date"]) for s in second["sessions"] if s["heavy"]}
    assert not nordic_days & {day - timedelta(days=1), day, day + timedelta(days=1)}
    assert second["writes"]["caldav"]["updated"] >= 1
