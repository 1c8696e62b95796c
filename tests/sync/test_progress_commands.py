"""`hamsync done`, `plan` and `report` on the sample runs, as a runner uses them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from planner.models import PlannerState
from sync.cli import app
from sync.store.database import StateDatabase

WriteConfig = Any
TODAY = "2026-11-25"
HAMSYNC = str(Path(sys.executable).with_name("hamsync"))
runner = CliRunner()


def hamsync(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def planned(config: Path, today: str = TODAY) -> dict[str, Any]:
    result = hamsync("sync", "--config", str(config), "--today", today, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_done_marks_the_session_of_the_day_and_it_is_kept(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """`hamsync done --date D` records that day's session as done in the state (R8)."""
    config = write_config()
    first = planned(config)["sessions"][0]
    result = hamsync("done", "--config", str(config), "--date", first["date"])
    assert result.exit_code == 0, result.output
    assert first["id"] in result.output and "marked done" in result.output
    state = StateDatabase.open(tmp_path / "state")
    try:
        assert first["id"] in state.planner_state(3).done_session_ids
    finally:
        state.close()


def test_done_on_a_day_without_session_says_so(write_config: WriteConfig) -> None:
    """Marking a day that held no session fails with exit 2 and a plain message."""
    config = write_config()
    planned(config)
    result = hamsync("done", "--config", str(config), "--date", "2020-01-01")
    assert result.exit_code == 2
    assert "no hamstring session was planned on Wed 2020-01-01" in result.output


def test_planner_state_round_trips_level_and_dates(tmp_path: Path) -> None:
    """The level, its last step up and the check-in that cost a rung survive a restart."""
    from datetime import date

    state = StateDatabase.open(tmp_path)
    saved = PlannerState(
        level=5,
        done_session_ids=frozenset({"2026-W48-1"}),
        level_up_on=date(2026, 11, 20),
        stepped_back_for=date(2026, 11, 22),
    )
    with state.transaction():
        state.save_planner_state(saved)
    state.close()
    state = StateDatabase.open(tmp_path)
    try:
        assert state.planner_state(1) == saved
    finally:
        state.close()


def test_plan_table_fits_80_columns_and_shows_runs_sessions_and_reasons(
    write_config: WriteConfig,
) -> None:
    """`hamsync plan` in an 80-column terminal: no line wider, runs with descent, doses, reasons."""
    config = write_config(relative_to_today=True)
    data = planned(config)
    env = {**os.environ, "COLUMNS": "80", "TERM": "dumb"}
    result = subprocess.run(
        [HAMSYNC, "plan", "--config", str(config), "--today", TODAY],
        capture_output=True, text=True, env=env, timeout=60, check=True,
    )  # fmt: skip
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    text = result.stdout
    assert re.search(r"-\d[\d,]* m", text), "done runs show their descent"
    assert "Why" in text and re.search(r"Rules: .*R5", text)
    first = data["sessions"][0]
    assert f"{first['exercises'][0]['sets']}x" in text


def test_configured_race_gets_recovery_after_it(write_config: WriteConfig) -> None:
    """A `[[races]]` entry is planned like a race: recovery-only sessions in the 3 days after."""
    config = write_config(extra='[[races]]\ndate = 2026-11-28\nname = "Trail du Jura"\n'
                                "distance_km = 55\n")  # fmt: skip
    data = planned(config)
    for session in data["sessions"]:
        if "2026-11-28" <= session["date"] <= "2026-11-30":
            assert session["kind"] == "recovery"
        if "2026-11-25" <= session["date"] <= "2026-12-04":
            assert not session["heavy"]


def write_report(config: Path, out: Path) -> str:
    result = hamsync("report", "--config", str(config), "--today", TODAY, "--out", str(out))
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_report_is_one_self_contained_page(write_config: WriteConfig, tmp_path: Path) -> None:
    """The HTML report loads nothing from elsewhere and holds every session and the chart."""
    config = write_config()
    data = planned(config)
    page = write_report(config, tmp_path / "report.html")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<script" not in page and "@import" not in page
    assert page.count("<svg") == 1 and 'class="bar"' in page
    for session in data["sessions"]:
        assert f'data-session="{session["id"]}"' in page


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_report_renders_in_headless_chromium(write_config: WriteConfig, tmp_path: Path) -> None:
    """Chromium loads the report, its DOM holds the sessions, and a screenshot is not blank."""
    config = write_config()
    data = planned(config)
    page = tmp_path / "report.html"
    write_report(config, page)
    flags = [
        "chromium", "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,1600",
    ]  # fmt: skip
    dom = subprocess.run(
        [*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=90
    ).stdout
    for session in data["sessions"]:
        assert f'data-session="{session["id"]}"' in dom
    shot = tmp_path / "report.png"
    subprocess.run([*flags, f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=90)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 30_000, "a blank page compresses to a few kilobytes"
