"""Planned runs and races from the Garmin Connect calendar (a synthetic month, see its _about)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import responses
from garmin_server import API, Clock, add_login, session_for, write_tokens

from connectors.garmin.calendar import GarminUpcoming, months_between
from planner.settings import Settings

FIXTURE = Path(__file__).with_name("garmin_fixtures") / "calendar_month.synthetic.json"
DAYS = {"MON": "2026-11-23", "TUE": "2026-11-24", "WED": "2026-11-25", "THU": "2026-11-26"}
DAYS |= {"SAT": "2026-11-28", "SUN2": "2026-12-06"}


def month(days: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text())
    for item in data["calendarItems"]:
        item["date"] = days[item["date"]]
    return data


@responses.activate
def test_planned_runs_and_races_are_read_and_own_workouts_skipped(tmp_path: Path) -> None:
    """Long trail, running intervals and an ultra race are read; strength and ours are not."""
    write_tokens(tmp_path)
    add_login(responses.mock)
    november = month(DAYS)
    november["calendarItems"] = [i for i in november["calendarItems"] if i["date"] < "2026-12"]
    december = month(DAYS)
    december["calendarItems"] = [i for i in december["calendarItems"] if i["date"] >= "2026-12"]
    responses.get(re.compile(rf"{API}/calendar-service/year/2026/month/10"), json=november)
    responses.get(re.compile(rf"{API}/calendar-service/year/2026/month/11"), json=december)
    upcoming = GarminUpcoming(session_for(tmp_path, Clock()), Settings())
    events = upcoming.planned(date(2026, 11, 23), date(2026, 12, 10))
    by_title = {e.title: e for e in events}
    assert set(by_title) == {"Long trail run", "Intervals", "Eiger Ultra Trail 101K"}
    assert by_title["Long trail run"].long and by_title["Long trail run"].day == date(2026, 11, 28)
    assert not by_title["Intervals"].long
    race = by_title["Eiger Ultra Trail 101K"]
    assert race.race and race.ultra and race.day == date(2026, 12, 6)
    assert len(responses.calls) == 4  # sign-in (2) and one call per month


def test_months_between_crosses_the_year() -> None:
    """A window from late December asks for December and January."""
    assert months_between(date(2026, 12, 20), date(2027, 1, 3)) == [(2026, 12), (2027, 1)]
