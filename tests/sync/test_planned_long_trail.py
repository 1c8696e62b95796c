"""R4 through the CLI: a planned long trail from the calendar counts as done until the end of
the day after it, then, with no activity, the plan says it was not done."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from sync.cli import app

WriteConfig = Callable[..., Path]

ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//planned//EN\r
BEGIN:VEVENT\r
UID:long-2026-11-28@test\r
DTSTAMP:20261101T000000Z\r
DTSTART;TZID=Europe/Zurich:20261128T080000\r
DTEND;TZID=Europe/Zurich:20261128T110000\r
SUMMARY:Long trail run\r
END:VEVENT\r
END:VCALENDAR\r
"""


def sync(config: Path, today: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["sync", "-c", str(config), "--today", today, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_a_planned_long_trail_without_its_activity(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    """Sunday after a planned Saturday long trail with no activity: no Nordic that day, and
    the plan says the trail counts as done until the end of the day; on Monday it says the
    trail was taken as not done (R4)."""
    planned = tmp_path / "planned.ics"
    planned.write_text(ICS, encoding="utf-8")
    config = write_config(upcoming=planned, level=8, relative_to_today=False)
    sunday = sync(config, "2026-11-29")
    notes = [n["text"] for n in sunday["notes"]]
    assert any("'Long trail run'" in n and "counted as done until the end of today" in n
               for n in notes), notes  # fmt: skip
    on_sunday = [s for s in sunday["sessions"] if s["date"] == "2026-11-29"]
    assert not any(s["heavy"] for s in on_sunday)
    monday = sync(config, "2026-11-30")
    notes = [n["text"] for n in monday["notes"]]
    assert any("'Long trail run'" in n and "taken as not done" in n for n in notes), notes
