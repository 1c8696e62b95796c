"""Garmin via `hamsync sync`: a failed sign-in spares the others; workouts reach the calendar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import responses
from garmin_server import API, Clock, WorkoutService, add_login, recorded, session_for, write_tokens
from typer.testing import CliRunner

from connectors.garmin import session as garmin_session
from sync.cli import app

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "examples" / "activities"
TODAY = "2026-11-25"
runner = CliRunner()


def config(tmp_path: Path, garmin: str) -> Path:
    lines = [
        'timezone = "Europe/Zurich"',
        f'state_dir = "{tmp_path / "state"}"',
        "[athlete]",
        "starting_level = 8",
        "[sources.files]",
        f'path = "{SAMPLES}"',
        "[sinks.ics]",
        f'path = "{tmp_path / "hamsync.ics"}"',
        garmin,
    ]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sync(path: Path) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["sync", "--config", str(path), "--today", TODAY, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_without_sign_in_garmin_fails_and_the_rest_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No tokens: exit 3, one error per Garmin part naming the login; the ICS file is written."""
    monkeypatch.delenv("HAMSYNC_GARMIN_TOKENSTORE", raising=False)
    path = config(tmp_path, "[sources.garmin]\n[sinks.garmin]")
    code, data = sync(path)
    assert code == 3
    assert {e["connector"] for e in data["errors"]} == {"garmin"}
    assert all("hamsync login garmin" in e["message"] for e in data["errors"])
    assert data["writes"]["ics"]["created"] >= 1
    assert (tmp_path / "hamsync.ics").is_file()


@responses.activate
def test_sync_puts_each_session_on_the_garmin_calendar(
    testdata_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every planned session becomes one scheduled hamsync workout; a rerun writes nothing."""
    tokens = tmp_path / "tokens"
    write_tokens(tokens)
    monkeypatch.setenv("HAMSYNC_GARMIN_TOKENSTORE", str(tokens))
    monkeypatch.setitem(garmin_session.SHARED_SESSIONS, (tokens, 1.0), session_for(tokens, Clock()))
    add_login(responses.mock)
    responses.get(
        f"{API}/activitylist-service/activities/search/activities",
        json=recorded(testdata_dir, "test_activity_list__0_GET"),
    )
    service = WorkoutService()
    service.install(responses.mock)
    path = config(tmp_path, "[sources.garmin]\n[sinks.garmin]")
    code, data = sync(path)
    assert code == 0, data["errors"]
    sessions = data["sessions"]
    assert data["writes"]["garmin"]["created"] == len(sessions) > 0
    assert sorted(service.calendar()) == sorted(s["date"] for s in sessions)
    assert all(name.startswith("hamsync: ") for _id, name in service.calendar().values())
    code, again = sync(path)
    assert code == 0 and again["writes"]["garmin"] == {
        "created": 0, "updated": 0, "deleted": 0, "conflicts": 0, "messages": [],
    }  # fmt: skip
    assert len(service.workouts) == len(sessions)


def test_login_garmin_has_help() -> None:
    """`hamsync login garmin --help` explains the one-time sign-in."""
    result = runner.invoke(app, ["login", "garmin", "--help"])
    assert result.exit_code == 0 and "MFA" in result.stdout


def test_the_commented_garmin_example_is_valid_once_uncommented(tmp_path: Path) -> None:
    """Uncommenting the Garmin sections of config.example.toml gives a config that loads."""
    from sync.config.model import load_config

    text = (REPO / "config.example.toml").read_text(encoding="utf-8")
    block = text[text.index("# [sources.garmin]") : text.index("# `hamsync serve`")]
    sections: dict[str, list[str]] = {}
    current = ""
    for line in block.splitlines():
        body = line.removeprefix("#").strip()
        if body.startswith("[") and body.endswith("]"):
            current = body
            sections[current] = []
        elif current and " = " in body and not body.startswith("garmin ="):
            sections[current].append(body)
    toml = "\n".join(f"{name}\n" + "\n".join(keys) for name, keys in sections.items())
    path = tmp_path / "config.toml"
    path.write_text(f"[upcoming]\ngarmin = true\n{toml}\n", encoding="utf-8")
    config = load_config(path)
    assert config.upcoming.garmin and config.sources.garmin is not None
    assert config.sinks.garmin is not None and config.sinks.garmin.name_prefix == "hamsync:"
    assert config.sinks.garmin_notes is not None and config.sinks.garmin_notes.enabled
