"""``hamsync status``, the daemon's config section, and the deployment files in ``deploy/``."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from sync.cli import app

WriteConfig = Callable[..., Path]
REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-25"
runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_status_before_any_sync_says_what_to_do(write_config: WriteConfig) -> None:
    """With an empty state, status tells the runner to sync and where the state will live."""
    config = write_config()
    result = run("status", "--config", str(config), "--today", TODAY)
    assert result.exit_code == 0
    assert "No sync yet" in result.output
    assert "hamsync.sqlite3" in result.output


def test_status_after_a_sync_lists_every_part_and_the_next_sessions(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """After a sync, status names each source and sink as ok and lists the coming sessions."""
    config = write_config()
    synced = run("sync", "--config", str(config), "--today", TODAY, "--json")
    assert synced.exit_code == 0
    sessions = json.loads(synced.stdout)["sessions"]
    data = json.loads(run("status", "--config", str(config), "--today", TODAY, "--json").stdout)
    assert data["last_sync"]["ok"] is True
    assert [p["part"] for p in data["parts"]] == ["source:files", "sink:ics"]
    assert all(p["ok"] for p in data["parts"])
    assert [s["id"] for s in data["next_sessions"]] == [s["id"] for s in sessions][:5]
    assert data["state_dir"] == str(tmp_path / "state")
    assert data["log_file"] == str(tmp_path / "state" / "hamsync.log")
    human = run("status", "--config", str(config), "--today", TODAY).output
    assert "source files" in human and "sink ics" in human and "Next sessions" in human


def test_a_bad_daemon_section_names_the_key(write_config: WriteConfig) -> None:
    """A malformed [daemon] section stops the daemon with exit 2 and names the key."""
    config = write_config(extra='[daemon]\nreplan_at = "25:99"\ninterval_minutes = 0\n')
    result = run("daemon", "--config", str(config))
    assert result.exit_code == 2
    assert "daemon.replan_at" in result.output and "daemon.interval_minutes" in result.output


def test_an_unknown_time_zone_is_named(write_config: WriteConfig, tmp_path: Path) -> None:
    """An unknown time zone gives exit 2 and a message naming it, not a traceback."""
    config = write_config()
    text = config.read_text().replace("Europe/Zurich", "Mars/Olympus_Mons")
    config.write_text(text)
    result = run("daemon", "--config", str(config))
    assert result.exit_code == 2
    assert "Mars/Olympus_Mons" in result.output and "Traceback" not in result.output


def _exec_start(unit: str) -> list[str]:
    line = next(x for x in unit.splitlines() if x.startswith("ExecStart="))
    return line.removeprefix("ExecStart=").split()


def test_systemd_units_run_existing_commands() -> None:
    """The service runs ``hamsync daemon``, the timer's ``hamsync sync``, both with a config."""
    service = (REPO / "deploy" / "hamsync.service").read_text()
    oneshot = (REPO / "deploy" / "hamsync-sync.service").read_text()
    timer = (REPO / "deploy" / "hamsync-sync.timer").read_text()
    assert _exec_start(service)[1:3] == ["daemon", "--config"]
    assert _exec_start(oneshot)[1:3] == ["sync", "--config"]
    assert "Type=oneshot" in oneshot and "OnCalendar=" in timer
    commands = {c.name or getattr(c.callback, "__name__", "") for c in app.registered_commands}
    assert {"daemon", "sync", "status"} <= commands


def test_container_recipe_ships_every_package_and_keeps_data_in_a_volume() -> None:
    """Every top-level package of the distribution is copied; data is a volume; no secret in it."""
    recipe = (REPO / "deploy" / "Containerfile").read_text()
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = setuptools.get("packages")
    names = listed if isinstance(listed, list) else listed["find"]["include"]
    top_level = {name.split(".")[0].rstrip("*") for name in names}
    copied = set(re.findall(r"^COPY (\w+) \./\1$", recipe, flags=re.MULTILINE))
    assert top_level <= copied
    assert 'VOLUME ["/data"]' in recipe and "hamsync daemon" in recipe
    assert not re.search(r"ENV .*(PASSWORD|TOKEN|SECRET)", recipe)
