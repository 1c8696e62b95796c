"""``sync --json`` carries each sink's messages (docs/json.md): what a sink left where, its
conflicts and the items it skipped, each one sentence under ``writes.<sink>.messages``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from icalendar import Calendar
from typer.testing import CliRunner

from sync.cli import app

WriteConfig = Callable[..., Path]
TODAY = "2026-11-25"


def sync_json(config: Path, *extra: str) -> dict[str, Any]:
    result = CliRunner().invoke(
        app, ["sync", "--config", str(config), "--today", TODAY, "--json", *extra]
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_an_edited_event_is_a_message_of_its_sink(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """The runner edited an event, then the plan changed (a pain check-in): the sink's JSON
    says, by session, that the edited event is left as the runner made it."""
    config = write_config()
    first = sync_json(config)
    assert first["writes"]["ics"]["messages"] == []
    path = tmp_path / "out" / "hamsync.ics"
    calendar = Calendar.from_ical(path.read_bytes())
    edited = first["sessions"][0]["id"]
    for event in calendar.walk("VEVENT"):
        if str(event["UID"]).startswith(edited + "."):
            event["SUMMARY"] = "Hamstrings, with Anna at the gym"
    path.write_bytes(calendar.to_ical())
    checkin = CliRunner().invoke(app, ["checkin", "pain", "--date", TODAY, "--config", str(config)])
    assert checkin.exit_code == 0, checkin.output
    after = sync_json(config)
    writes = after["writes"]["ics"]
    (message,) = writes["messages"]
    assert message.startswith(edited) and "edited in the calendar" in message
    assert writes["conflicts"] == 1
    assert "with Anna" in path.read_text(encoding="utf-8")


def test_a_deleted_calendar_file_is_written_again(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """The ICS file deleted by hand is a new, empty place (the same kind as a calendar made
    anew): the next sync writes every session again and says why."""
    config = write_config()
    first = sync_json(config)
    path = tmp_path / "out" / "hamsync.ics"
    path.unlink()
    again = sync_json(config)
    writes = again["writes"]["ics"]
    assert writes["created"] == first["writes"]["ics"]["created"] > 0
    (message,) = writes["messages"]
    assert "made anew" in message
    events = list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))
    assert len(events) == writes["created"]
