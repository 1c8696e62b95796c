"""One error path: each error printed once, by one handler, with its exit code; ``--json``
output stays one JSON document even with stderr folded into it (``2>&1``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from radicale_server import PASSWORD, Radicale, training_radicale

from connectors.base import SourceError
from connectors.errors import HamsyncError, StateError
from sync.config.model import ConfigError
from sync.engine.valves import Refused
from sync.sinks.base import SinkError
from sync.store.integrity import DamagedState, NewerState, NoSpace
from sync.store.lock import LockHeld

WriteConfig = Callable[..., Path]
HAMSYNC = str(Path(sys.executable).with_name("hamsync"))
TODAY = "2026-11-25"


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    with training_radicale(tmp_path / "radicale") as server:
        yield server


def run(*args: str, merged: bool = False) -> subprocess.CompletedProcess[str]:
    """The real ``hamsync`` (its own logging setup, not pytest's) with a wrong CalDAV
    password; ``merged``: stderr folded into stdout (2>&1)."""
    env = {**os.environ, "HAMSYNC_CALDAV_PASSWORD": "not " + PASSWORD}
    return subprocess.run(
        [HAMSYNC, *args], env=env, text=True, timeout=120, check=False,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT if merged else subprocess.PIPE,
    )  # fmt: skip


def caldav_config(write_config: WriteConfig, server: Radicale) -> Path:
    return write_config(
        extra=f'[sinks.caldav]\nurl = "{server.url}"\nusername = "{server.user}"\n'
        'calendar = "Training"\n'
    )


def test_a_caldav_401_is_printed_once(write_config: WriteConfig, radicale: Radicale) -> None:
    """Before: once in the report and once more on stderr by Python's fallback log handler."""
    config = caldav_config(write_config, radicale)
    result = run("sync", "--config", str(config), "--today", TODAY)
    assert result.returncode == 3
    both = result.stdout + result.stderr
    assert both.count("refused user") == 1, both
    assert result.stderr == ""


def test_sync_json_with_stderr_folded_in_is_json(
    write_config: WriteConfig, radicale: Radicale
) -> None:
    config = caldav_config(write_config, radicale)
    result = run("sync", "--config", str(config), "--today", TODAY, "--json", merged=True)
    assert result.returncode == 3
    data = json.loads(result.stdout)
    assert [e["connector"] for e in data["errors"]] == ["caldav"]


def test_an_error_under_json_is_a_json_document(write_config: WriteConfig, tmp_path: Path) -> None:
    """A config error, then a damaged database: ``{"error": ...}`` and the exit code."""
    config = write_config(extra="[sinks.nowhere]\nx = 1\n")
    result = run("sync", "--config", str(config), "--today", TODAY, "--json", merged=True)
    assert result.returncode == 2
    error = json.loads(result.stdout)["error"]
    assert error["exit_code"] == 2 and "nowhere" in error["message"]
    apart = run("sync", "--config", str(config), "--today", TODAY, "--json")
    assert apart.stdout == "" and json.loads(apart.stderr) == {"error": error}

    config = write_config()
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "hamsync.sqlite3").write_bytes(b"")
    result = run("sync", "--config", str(config), "--today", TODAY, "--json", merged=True)
    assert result.returncode == 2
    error = json.loads(result.stdout)["error"]
    assert "damaged" in error["message"] and "hamsync doctor" in error["fix"]


def test_an_error_is_one_line_without_json(write_config: WriteConfig) -> None:
    config = write_config(extra="[sinks.nowhere]\nx = 1\n")
    result = run("sync", "--config", str(config), "--today", TODAY)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("hamsync:") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ConfigError("bad key"), 2),
        (StateError("state"), 2),
        (DamagedState("damaged"), 2),
        (NewerState("newer"), 2),
        (NoSpace("full"), 2),
        (SourceError("source", "fix it"), 4),
        (SinkError("sink", retry_after_s=30), 4),
        (LockHeld("locked"), 5),
        (Refused("valve"), 6),
    ],
)
def test_one_taxonomy_message_fix_retry_and_exit_code(error: HamsyncError, code: int) -> None:
    assert isinstance(error, HamsyncError)
    assert error.exit_code == code
    shown = error.as_json()["error"]
    assert shown["exit_code"] == code and shown["message"] == str(error)
    assert set(shown) == {"message", "fix", "retry_after_s", "exit_code"}


def test_source_and_sink_errors_keep_their_fix_and_wait() -> None:
    source = SourceError("Strava said 429", "wait", retry_after_s=900)
    assert (source.fix, source.retry_after_s, source.shown()) == (
        "wait",
        900,
        "Strava said 429 (wait)",
    )
    sink = SinkError.from_source(source, "caldav: ")
    assert sink.retry_after_s == 900 and "Strava said 429" in str(sink)


def test_a_state_directory_hamsync_may_not_write_is_a_clear_error(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EACCES on the lock file (CI runs as root, so the error is injected at os.open)."""
    from typer.testing import CliRunner

    from sync.cli import app
    from sync.store import lock

    config = write_config()
    real_open = os.open

    def refuse(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        if str(path).endswith(lock.LOCK_NAME):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(lock.os, "open", refuse)
    result = CliRunner().invoke(
        app, ["sync", "--config", str(config), "--today", TODAY], catch_exceptions=False
    )
    assert result.exit_code == 2
    assert "cannot open the lock file" in result.stderr and "Permission denied" in result.stderr
    assert "Traceback" not in result.output
