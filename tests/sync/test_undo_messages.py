"""What ``purge`` and ``resume`` tell a newcomer (issue 16): purge lists what it will
remove and, with no terminal to ask on, says to use ``--yes``; resume says when there is no
pause."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from sync.cli import app

WriteConfig = Callable[..., Path]
TODAY = "2026-11-25"


def _sync(config: Path) -> list[dict[str, str]]:
    result = CliRunner().invoke(app, ["sync", "-c", str(config), "--today", TODAY, "--json"])
    assert result.exit_code == 0, result.output
    sessions: list[dict[str, str]] = json.loads(result.stdout)["sessions"]
    return sessions


def test_purge_lists_each_event_it_will_remove(write_config: WriteConfig) -> None:
    config = write_config()
    sessions = _sync(config)
    result = CliRunner().invoke(app, ["purge", "-c", str(config), "--dry-run"])
    assert result.exit_code == 0
    assert f"ics: {len(sessions)} events" in result.output
    for session in sessions:
        assert f"({session['id']})" in result.output
    first = sessions[0]
    assert any(
        line.strip().startswith(f"Wed {first['date']}") for line in result.output.splitlines()
    )


def test_purge_without_a_terminal_says_to_use_yes(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """No answer can come (stdin closed): exit 2, the message names --yes, nothing removed."""
    config = write_config()
    _sync(config)
    ics = tmp_path / "out" / "hamsync.ics"
    before = ics.read_bytes()
    result = CliRunner().invoke(app, ["purge", "-c", str(config)])
    assert result.exit_code == 2
    assert "--yes" in " ".join(result.output.split())
    assert ics.read_bytes() == before


def test_resume_without_a_pause_says_so(write_config: WriteConfig, tmp_path: Path) -> None:
    config = write_config()
    result = CliRunner().invoke(app, ["resume", "-c", str(config)])
    assert result.exit_code == 0
    assert "Nothing to resume: no pause is set." in result.output
    assert not (tmp_path / "state").exists()
    paused = CliRunner().invoke(app, ["pause", "-c", str(config), "--until", "2999-01-01"])
    assert paused.exit_code == 0
    resumed = CliRunner().invoke(app, ["resume", "-c", str(config)])
    assert resumed.output.startswith("Resumed")
