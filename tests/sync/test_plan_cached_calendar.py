"""`hamsync plan` with a calendar that cannot be read: it plans from the last good read."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from daemon_helpers import CalendarServer, calendar_server, planned_calendar
from typer.testing import CliRunner

from sync.cli import app

WriteConfig = Callable[..., Path]
TODAY = date(2026, 11, 25)


@pytest.fixture
def server() -> Iterator[CalendarServer]:
    with calendar_server(planned_calendar(TODAY)) as running:
        yield running


def plan(config: Path) -> tuple[list[dict[str, Any]], str]:
    """The sessions `hamsync plan --json` shows, and what it printed as warnings."""
    args = ["plan", "--config", str(config), "--today", TODAY.isoformat(), "--json"]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    sessions: list[dict[str, Any]] = json.loads(result.stdout)["sessions"]
    return sessions, result.stderr


def test_plan_uses_the_last_good_calendar_read(
    server: CalendarServer, write_config: WriteConfig
) -> None:
    """After a good sync, a calendar answering 500 still gives the plan of the planned race."""
    config = write_config(extra=f'[upcoming]\nics = "{server.url()}"\n')
    args = ["sync", "--config", str(config), "--today", TODAY.isoformat()]
    assert CliRunner().invoke(app, args, catch_exceptions=False).exit_code == 0
    healthy, _ = plan(config)

    server.mode = "500"
    cached, warnings = plan(config)
    assert cached == healthy
    assert "planning with the calendar as read at" in warnings
    assert "500" in warnings


def test_plan_without_a_good_read_says_the_calendar_failed(
    server: CalendarServer, write_config: WriteConfig
) -> None:
    """With no earlier read to fall back on, the plan is made without it and says why."""
    config = write_config(extra=f'[upcoming]\nics = "{server.url()}"\n')
    server.mode = "500"
    _, warnings = plan(config)
    assert "500" in warnings and "planning with the calendar" not in warnings
