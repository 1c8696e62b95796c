"""The command line itself, as a newcomer meets it (issue 16): help, version, option names,
output that reads well in a pipe, and a quick ``hamsync --help``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from planner.models import Feeling
from sync.cli import app
from sync.cli.app import COMMAND_ORDER
from sync.cli.core import FeelingChoice

WriteConfig = Callable[..., Path]
HAMSYNC = str(Path(sys.executable).parent / "hamsync")
TODAY = "2026-11-25"
runner = CliRunner()


def _commands(help_text: str) -> list[str]:
    section = help_text.split("Commands:", 1)[1]
    return re.findall(r"^  (\w+)\s", section, flags=re.MULTILINE)


def test_version_and_short_help() -> None:
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0
    assert re.fullmatch(r"hamsync \d+\.\d+\.\d+\S*\n", version.output)
    for args in (["-h"], ["sync", "-h"], ["login", "-h"]):
        result = runner.invoke(app, args, prog_name="hamsync")
        assert result.exit_code == 0, args
        assert result.output.startswith("Usage: hamsync")


def test_commands_are_listed_in_the_order_a_runner_uses_them() -> None:
    listed = _commands(runner.invoke(app, ["--help"]).output)
    assert listed[:4] == ["sync", "plan", "runs", "done"]
    assert listed == [name for name in COMMAND_ORDER if name in listed] + [
        name for name in listed if name not in COMMAND_ORDER
    ]
    assert set(COMMAND_ORDER) <= set(listed)


def test_boolean_flags_are_shown_as_flags() -> None:
    """``--dry-run`` takes no value, and the help says so: no ``<bool>`` anywhere."""
    for command in ("sync", "plan", "purge", "status"):
        text = runner.invoke(app, [command, "--help"]).output
        assert "<bool>" not in text and "╭" not in text, command
    sync_help = runner.invoke(app, ["sync", "--help"]).output
    assert re.search(r"^  --dry-run\s+Show what would change", sync_help, flags=re.MULTILINE)


def test_piped_output_is_not_wrapped(write_config: WriteConfig, tmp_path: Path) -> None:
    """Redirected (cron mail, logs): each line whole, no phrase broken, no trailing padding."""
    config = write_config(relative_to_today=True)
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    done = subprocess.run(
        [HAMSYNC, "sync", "--config", str(config), "--today", TODAY],
        capture_output=True, text=True, env=env, timeout=120, check=True,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    assert any(re.search(r"1,070 m descent \(device\): long trail", line) for line in lines)
    assert any(len(line) > 80 for line in lines), "long lines stay long"
    assert [line for line in lines if line != line.rstrip()] == []
    planned = subprocess.run(
        [HAMSYNC, "plan", "--config", str(config), "--today", TODAY, "--json"],
        capture_output=True, text=True, env=env, timeout=120, check=True,
    )  # fmt: skip
    reasons = [r["text"] for s in json.loads(planned.stdout)["sessions"] for r in s["reasons"]]
    assert reasons, "the plan gives its reasons"
    unbroken = [text for text in reasons if any(text in line for line in lines)]
    assert unbroken == reasons, "each reason on one line"


def test_help_loads_no_engine_store_config_or_platform_library() -> None:
    """``hamsync --help`` imports the commands, not what they need when they run."""
    code = (
        "import sys\n"
        "from sync.cli import app\n"
        "try:\n"
        "    app(['--help'], prog_name='hamsync')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = set(done.stdout.splitlines()[-1].split())
    heavy = (
        "pydantic", "sqlite3", "icalendar", "requests", "caldav", "stravalib",
        "garminconnect", "sync.config", "sync.engine", "sync.store", "sync.views",
        "sync.wiring", "sync.sinks", "connectors.base", "connectors.files", "planner.models",
        "markdown_it", "rich.console",
    )  # fmt: skip
    assert [m for m in heavy if m in loaded] == []
    assert "Usage: hamsync" in done.stdout


def test_checkin_takes_any_case_and_refuses_a_future_day(write_config: WriteConfig) -> None:
    config = write_config()
    pain = runner.invoke(app, ["checkin", "Pain", "--config", str(config)])
    assert pain.exit_code == 0, pain.output
    assert "check-in recorded: pain" in pain.output
    future = runner.invoke(
        app, ["checkin", "FINE", "--date", "2999-01-01", "--config", str(config)]
    )
    assert future.exit_code == 2
    assert "--date 2999-01-01" in future.output and "still ahead" in future.output
    assert [c.value for c in FeelingChoice] == [f.value for f in Feeling]


def test_a_malformed_date_blames_the_option_given(write_config: WriteConfig) -> None:
    """``done --date 01/12/2026`` names ``--date``, not ``--today``."""
    config = write_config()
    for args in (["done", "--date", "01/12/2026"], ["checkin", "fine", "--date", "01/12/2026"]):
        result = runner.invoke(app, [*args, "--config", str(config)])
        assert result.exit_code == 2, args
        assert "--date '01/12/2026': expected a date as YYYY-MM-DD" in result.output
        assert "--today" not in result.output
    plan = runner.invoke(app, ["plan", "--today", "tomorrow", "--config", str(config)])
    assert plan.exit_code == 2 and "--today 'tomorrow'" in plan.output
