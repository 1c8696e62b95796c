"""Nothing goes silently wrong for a newcomer (issue 16): what the sync, ``runs`` and
``status`` say when the config points nowhere, writes nowhere, or the runs are old."""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from typer.testing import CliRunner

from sync.cli import app
from sync.config.model import load_config
from sync.engine.daemon import Daemon
from sync.engine.logs import HumanFormatter
from sync.serve.server import start_for_daemon

WriteConfig = Callable[..., Path]
REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "examples" / "activities"
TODAY = "2026-11-25"
runner = CliRunner()


def hamsync(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_a_missing_activity_folder_is_an_error_naming_the_resolved_path(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """Not 0 files and exit 0: the sync fails for that source and names the folder; status
    says so with the fix."""
    config = write_config(activities=tmp_path / "no-such-folder")
    code, output = hamsync("sync", "--config", str(config), "--today", TODAY)
    assert code == 3  # the calendar was still written
    flat = " ".join(output.split())
    assert f"activity folder {tmp_path / 'no-such-folder'} does not exist" in flat
    assert "[sources.files] path" in flat
    _, status = hamsync("status", "--config", str(config), "--today", TODAY)
    assert "failed  source files" in status and "does not exist" in status
    assert "run `hamsync sync` to retry" not in status


def test_the_example_config_copied_elsewhere_names_where_it_looked(tmp_path: Path) -> None:
    """The example's relative path, after copying it to ~/.config/hamsync, resolves beside
    the copy: the error shows that resolved path."""
    home_config = tmp_path / ".config" / "hamsync" / "config.toml"
    home_config.parent.mkdir(parents=True)
    shutil.copy(REPO / "config.example.toml", home_config)
    code, output = hamsync("sync", "--config", str(home_config), "--today", TODAY)
    assert code in (3, 4)
    flat = " ".join(output.split())
    assert f"{home_config.parent / 'examples' / 'activities'} does not exist" in flat


def test_a_config_without_sinks_or_sources_warns_on_every_sync(tmp_path: Path) -> None:
    """Exit 0, and each sync names what to add."""
    empty = tmp_path / "config.toml"
    empty.write_text(f'state_dir = "{tmp_path / "state"}"\n')
    for _ in range(2):
        code, output = hamsync("sync", "--config", str(empty), "--today", TODAY)
        flat = " ".join(output.split())
        assert code == 0
        assert "no source of runs in the config: add [sources.files]" in flat
        assert "no calendar to write the sessions to: add [sinks.ics]" in flat
    only_source = tmp_path / "source-only.toml"
    only_source.write_text(
        f'state_dir = "{tmp_path / "state2"}"\n[sources.files]\npath = "{SAMPLES}"\n'
        "relative_to_today = true\n"
    )
    code, output = hamsync("sync", "--config", str(only_source), "--today", TODAY, "--json")
    warnings = json.loads(output)["warnings"]
    assert code == 0
    assert [w for w in warnings if w.startswith("no calendar")]
    assert not [w for w in warnings if w.startswith("no source")]


def test_only_old_runs_says_what_the_newest_is(write_config: WriteConfig) -> None:
    """Runs from two years ago: the plan assumes no running, and the sync says why."""
    config = write_config()  # the samples at their own dates (Oct-Nov 2026)
    code, output = hamsync("sync", "--config", str(config), "--today", "2028-11-25")
    flat = " ".join(output.split())
    assert code == 0
    assert "your newest run is from Sat 2026-11-21" in flat
    assert "days ago: nothing in the last 28 days" in flat
    code, plan = hamsync("plan", "--config", str(config), "--today", "2028-11-25")
    assert "your newest run is from Sat 2026-11-21" in " ".join(plan.split())
    code, recent = hamsync("sync", "--config", str(config), "--today", TODAY)
    assert "your newest run" not in recent


def test_runs_says_when_its_window_hides_runs(write_config: WriteConfig) -> None:
    config = write_config()
    hamsync("sync", "--config", str(config), "--today", TODAY)
    code, output = hamsync("runs", "--config", str(config), "--today", TODAY, "--days", "7")
    flat = " ".join(output.split())
    assert code == 0
    match = next(line for line in output.splitlines() if line.startswith("Stored runs"))
    shown, stored = (int(n) for n in match.split("(")[1].rstrip(") ").split(" of "))
    assert shown < stored
    assert f"{stored - shown} older run(s) not listed, the oldest on 2026-10-" in flat
    assert "`hamsync runs --days 2" in flat
    code, everything = hamsync("runs", "--config", str(config), "--today", TODAY)
    assert "not listed" not in everything


def test_runs_fits_80_columns_with_whole_dates(write_config: WriteConfig) -> None:
    config = write_config()
    hamsync("sync", "--config", str(config), "--today", TODAY)
    result = CliRunner(env={"COLUMNS": "80"}).invoke(
        app, ["runs", "--config", str(config), "--today", TODAY]
    )
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any("Sat 2026-11-21" in line and "1,070" in line for line in lines)
    assert "…" not in result.output


def test_relative_to_today_on_a_real_folder_warns(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """The demo shift on one's own runs moves them to this week: say so on every sync."""
    mine = tmp_path / "my-runs"
    shutil.copytree(SAMPLES, mine)
    config = write_config(activities=mine, relative_to_today=True)
    code, output = hamsync("sync", "--config", str(config), "--today", TODAY, "--json")
    warnings = json.loads(output)["warnings"]
    assert code == 0
    assert any(
        "relative_to_today is on" in w and str(mine) in w and "delete relative_to_today" in w
        for w in warnings
    )
    demo = write_config(relative_to_today=True)  # the shipped samples: no warning
    _, output = hamsync("sync", "--config", str(demo), "--today", TODAY, "--json")
    assert not [w for w in json.loads(output)["warnings"] if "relative_to_today" in w]


def test_status_forgets_sources_removed_from_the_config(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    config = write_config(activities=tmp_path / "wrong")
    hamsync("sync", "--config", str(config), "--today", TODAY)
    assert "source files" in hamsync("status", "--config", str(config), "--today", TODAY)[1]
    text = config.read_text()
    start = text.index("[sources.files]")
    end = text.index("[sinks.ics]")
    config.write_text(text[:start] + text[end:])
    hamsync("sync", "--config", str(config), "--today", TODAY)
    _, status = hamsync("status", "--config", str(config), "--today", TODAY)
    assert "source files" not in status and "does not exist" not in status
    assert "sink ics" in status


def test_status_names_no_log_file_before_the_daemon_wrote_one(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    config = write_config()
    hamsync("sync", "--config", str(config), "--today", TODAY)
    _, status = hamsync("status", "--config", str(config), "--today", TODAY)
    log = tmp_path / "state" / "hamsync.log"
    assert not log.exists()
    assert f"none yet (`hamsync daemon` writes {log})" in " ".join(status.split())
    assert "CET" in status  # times in the config's zone, named


def test_status_says_when_the_feed_failed_to_start(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The daemon cannot serve the feed on a busy port: status says which and what to do."""
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    monkeypatch.setenv("HAMSYNC_FEED_TOKEN", "a-long-random-feed-token-for-tests")
    monkeypatch.setenv("HAMSYNC_PAGE_TOKEN", "a-long-random-page-token-for-tests")
    try:
        path = write_config(extra=f"[feed]\nenabled = true\nport = {port}\n")
        start = datetime(2026, 11, 25, 7, tzinfo=UTC)
        with time_machine.travel(start, tick=False) as traveller:
            daemon = Daemon(load_config(path), sleep=traveller.shift, serve=start_for_daemon)
            daemon.run(max_ticks=1)
    finally:
        busy.close()
    _, status = hamsync("status", "--config", str(path), "--today", TODAY)
    flat = " ".join(status.split())
    assert "failed feed: " in flat and f"cannot start on 127.0.0.1:{port}" in flat
    assert f"port {port} is taken" in flat and "[feed] port" in flat
    assert "retries after" not in flat


def test_daemon_log_lines_carry_the_configs_time_zone() -> None:
    from zoneinfo import ZoneInfo

    record = logging.makeLogRecord({"msg": "sync (start): 0 runs pulled", "levelno": logging.INFO})
    record.created = datetime(2026, 7, 1, 3, 0, tzinfo=UTC).timestamp()
    line = HumanFormatter(ZoneInfo("America/Denver")).format(record)
    assert line.startswith("2026-06-30 21:00:00 MDT sync (start)")


def test_the_daemon_logs_the_warnings_of_each_sync(tmp_path: Path) -> None:
    """A daemon on a config without calendars says so in each sync's log line."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'state_dir = "{tmp_path / "state"}"\n[sources.files]\npath = "{SAMPLES}"\n'
        "relative_to_today = true\n"
    )
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("hamsync")
    handler = Keep()
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        start = datetime(2026, 11, 25, 7, tzinfo=UTC)
        with time_machine.travel(start, tick=False) as traveller:
            Daemon(load_config(config), sleep=traveller.shift).run(max_ticks=1)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    syncs = [r for r in records if getattr(r, "event", "") == "sync"]
    assert syncs
    assert all("warnings: no calendar to write the sessions to" in r.getMessage() for r in syncs)
    assert all(any("no calendar" in w for w in r.warnings) for r in syncs)  # type: ignore[attr-defined]


def test_each_error_is_said_once_with_its_fix(write_config: WriteConfig, tmp_path: Path) -> None:
    """A missing folder and a missing planned-runs calendar: one line each, with the fix
    (not a second copy from the log)."""
    import subprocess
    import sys

    config = write_config(activities=tmp_path / "gone", upcoming=tmp_path / "planned.ics")
    done = subprocess.run(
        [str(Path(sys.executable).with_name("hamsync")), "sync", "--config", str(config),
         "--today", TODAY],
        capture_output=True, text=True, timeout=120, check=False,
        env={k: v for k, v in os.environ.items() if k != "COLUMNS"},
    )  # fmt: skip
    both = done.stdout + done.stderr
    assert done.returncode == 3
    assert both.count("does not exist") == 1
    assert both.count("cannot read it") == 1
    assert "set [upcoming] ics to your calendar of planned runs" in both


def test_plan_before_any_run_says_where_runs_come_from(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    config = write_config(activities=tmp_path / "empty")
    code, output = hamsync("plan", "--config", str(config), "--today", TODAY)
    flat = " ".join(output.split())
    assert code == 0
    assert "no runs stored yet (`hamsync sync` reads them from the sources" in flat
    code, synced = hamsync("sync", "--config", str(config), "--today", TODAY)
    assert f"no FIT, GPX or TCX files in {tmp_path / 'empty'}" in " ".join(synced.split())
