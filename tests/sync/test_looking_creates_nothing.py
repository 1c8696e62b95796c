"""Commands that only look create nothing on disk (issue 16).

Before the first sync, ``sync --dry-run``, ``plan``, ``status``, ``runs`` and ``report`` leave
no state folder, database, lock or calendar file behind, and still show what they would.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sync.cli import app

WriteConfig = Callable[..., Path]
TODAY = "2026-11-25"
runner = CliRunner()


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize(
    "args",
    [
        ["sync", "--dry-run"],
        ["sync", "--dry-run", "--json"],
        ["plan"],
        ["plan", "--json"],
        ["status"],
        ["status", "--json"],
        ["runs"],
    ],
    ids=" ".join,
)
def test_looking_before_the_first_sync_creates_nothing(
    write_config: WriteConfig, tmp_path: Path, args: list[str]
) -> None:
    """No state folder, no database, no lock and no calendar file appear; exit 0."""
    config = write_config(relative_to_today=True)
    before = _files(tmp_path)
    result = runner.invoke(app, [*args, "--config", str(config), "--today", TODAY])
    assert result.exit_code == 0, result.output
    assert _files(tmp_path) == before
    assert not (tmp_path / "state").exists()


def test_a_dry_run_still_shows_what_a_sync_would_do(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """The dry run reads the sample runs and plans sessions, all in memory."""
    config = write_config(relative_to_today=True)
    result = runner.invoke(
        app, ["sync", "--dry-run", "--json", "--config", str(config), "--today", TODAY]
    )
    data = json.loads(result.stdout)
    assert data["runs_pulled"] > 0 and data["sessions"]
    assert not (tmp_path / "out" / "hamsync.ics").exists()
    human = runner.invoke(app, ["sync", "--dry-run", "--config", str(config), "--today", TODAY])
    assert "dry run: nothing was stored or written." in human.output


def test_status_before_the_first_sync_says_so_and_creates_nothing(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """``status`` names where the state will live without making it."""
    config = write_config()
    result = runner.invoke(app, ["status", "--config", str(config), "--today", TODAY])
    assert "No sync yet" in result.output
    assert str(tmp_path / "state") in result.output.replace("\n", "")
    assert not (tmp_path / "state").exists()


def test_the_report_writes_only_the_page(write_config: WriteConfig, tmp_path: Path) -> None:
    """``report --out`` before any sync writes the page and nothing else."""
    config = write_config(relative_to_today=True)
    page = tmp_path / "plan.html"
    result = runner.invoke(
        app, ["report", "--out", str(page), "--config", str(config), "--today", TODAY]
    )
    assert result.exit_code == 0, result.output
    assert page.is_file() and "<html" in page.read_text().lower()
    assert not (tmp_path / "state").exists()


def test_a_real_sync_after_looking_still_creates_the_state(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """Looking first changes nothing for the real sync that follows."""
    config = write_config(relative_to_today=True)
    runner.invoke(app, ["plan", "--config", str(config), "--today", TODAY])
    result = runner.invoke(app, ["sync", "--config", str(config), "--today", TODAY])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "state" / "hamsync.sqlite3").is_file()
    assert (tmp_path / "out" / "hamsync.ics").is_file()
