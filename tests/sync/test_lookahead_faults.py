"""The look-ahead calendar failing in every way an HTTP server can: the calendar stays right.

A real HTTP server on 127.0.0.1 serves the runner's calendar through ``requests``; then it
answers 401, 429 (with and without Retry-After), 500, too slowly, or drops the connection.
Each case checks the written calendar and the stored plan against a run where it never failed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from daemon_helpers import CalendarServer, calendar_server, planned_calendar
from typer.testing import CliRunner

import connectors.ics_calendar
from sync.cli import app
from sync.config.model import load_config
from sync.engine.daemon import Daemon
from sync.engine.logs import setup, teardown

WriteConfig = Callable[..., Path]
TODAY = date(2026, 11, 25)
SECRET = "s3cr3t-Pr1vate-L1nk"
SAMPLES = Path(__file__).resolve().parents[2] / "examples" / "activities"
runner = CliRunner()


@pytest.fixture(scope="module")
def server() -> Iterator[CalendarServer]:
    with calendar_server(planned_calendar(TODAY)) as running:
        yield running


@pytest.fixture(autouse=True)
def healthy(server: CalendarServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with a server that answers, and a short fetch timeout."""
    server.mode, server.retry_after = "ok", None
    monkeypatch.setattr(connectors.ics_calendar, "FETCH_TIMEOUT_S", 0.5)
    server.slow_s = 1.5


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def sync(config: Path) -> tuple[int, dict[str, Any]]:
    result = run("sync", "--config", str(config), "--today", TODAY.isoformat(), "--json")
    return result.exit_code, json.loads(result.stdout)


def outcome(tmp: Path) -> tuple[bytes, list[tuple[str, str, str]]]:
    """The calendar file's bytes (this install's id masked: two folders, two installs) and the
    stored plan."""
    connection = sqlite3.connect(tmp / "state" / "hamsync.sqlite3")
    try:
        plan = sorted(connection.execute("SELECT id, day, body FROM plan_sessions").fetchall())
    finally:
        connection.close()
    install = (tmp / "state" / "install_id").read_bytes().strip()
    return (tmp / "out" / "hamsync.ics").read_bytes().replace(install, b"<install>"), plan


def with_calendar(write_config: WriteConfig, url: str) -> Path:
    return write_config(extra=f'[upcoming]\nics = "{url}"\n')


@pytest.fixture
def uninterrupted(
    tmp_path_factory: pytest.TempPathFactory, server: CalendarServer
) -> tuple[bytes, list[tuple[str, str, str]]]:
    """Two syncs with a server that never fails."""
    folder = tmp_path_factory.mktemp("clean")
    config = folder / "config.toml"
    ics = folder / "out" / "hamsync.ics"
    config.write_text(
        f'timezone = "Europe/Zurich"\nstate_dir = "{folder / "state"}"\n[athlete]\n'
        f'long_run_days = ["sat"]\nstarting_level = 3\n[sources.files]\npath = "{SAMPLES}"\n'
        f'[upcoming]\nics = "{server.url()}"\n[sinks.ics]\npath = "{ics}"\n',
        encoding="utf-8",
    )
    assert sync(config)[0] == 0
    assert sync(config)[0] == 0
    return outcome(folder)


def test_the_calendar_matters(
    write_config: WriteConfig,
    tmp_path: Path,
    uninterrupted: tuple[bytes, list[tuple[str, str, str]]],
) -> None:
    """Without the planned race the plan differs, so the fault tests below can fail."""
    assert sync(write_config())[0] == 0
    assert outcome(tmp_path) != uninterrupted


@pytest.mark.parametrize(
    ("mode", "retry_after"),
    [("401", None), ("429", None), ("429", "7200"), ("500", None), ("slow", None), ("drop", None)],
)
def test_a_failing_calendar_leaves_the_plan_as_an_uninterrupted_run(
    mode: str,
    retry_after: str | None,
    server: CalendarServer,
    write_config: WriteConfig,
    tmp_path: Path,
    uninterrupted: tuple[bytes, list[tuple[str, str, str]]],
) -> None:
    """The failure is reported (exit 3), the last good read is used, the calendar is unchanged."""
    config = with_calendar(write_config, server.url())
    assert sync(config)[0] == 0
    server.mode, server.retry_after = mode, retry_after
    code, data = sync(config)
    assert code == 3
    assert [e["connector"] for e in data["errors"]] == ["calendar"]
    assert any("planning with the calendar as read at" in w for w in data["warnings"])
    assert outcome(tmp_path) == uninterrupted

    status = json.loads(run("status", "--config", str(config), "--json").stdout)
    part = next(p for p in status["parts"] if p["part"] == "upcoming:calendar")
    assert not part["ok"] and part["failures"] == 1 and part["fix"]
    waited = datetime.fromisoformat(part["retry_at"]) - datetime.fromisoformat(part["finished_at"])
    assert waited.total_seconds() == pytest.approx(7200 if retry_after else 1800, abs=5)
    if mode == "401":
        assert "[upcoming] ics" in part["fix"]

    server.mode = "ok"
    code, data = sync(config)
    assert code == 0, data["errors"]
    assert outcome(tmp_path) == uninterrupted


def test_secrets_in_the_calendar_link_never_leak(
    server: CalendarServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    """A private link's token is masked in output, JSON, status, the database and the log."""
    config = with_calendar(write_config, server.url(f"/cal.ics?token={SECRET}"))
    assert sync(config)[0] == 0
    server.mode = "401"
    shown = run("sync", "--config", str(config), "--today", TODAY.isoformat())
    as_json = run("sync", "--config", str(config), "--today", TODAY.isoformat(), "--json")
    status = run("status", "--config", str(config))
    status_json = run("status", "--config", str(config), "--json")
    log_file = tmp_path / "state" / "hamsync.log"
    handlers = setup(log_file, stream=(tmp_path / "console.log").open("w"))
    try:
        later = datetime.now(UTC) + timedelta(hours=1)  # past the backoff: it asks again
        Daemon(load_config(config), now=lambda: later).job("test")
    finally:
        teardown(handlers)
    assert "401" in as_json.stdout and "401" in log_file.read_text()
    texts = [shown.output, as_json.output, status.output, status_json.output]
    texts += [log_file.read_text(), (tmp_path / "console.log").read_text()]
    for text in texts:
        assert SECRET not in text
    for db_file in (tmp_path / "state").glob("hamsync.sqlite3*"):
        assert SECRET.encode() not in db_file.read_bytes()
    assert server.paths[-1].endswith(SECRET)  # the real request still carried it
