"""A damaged state database is never planned on: named, moved aside (kept), a way out given.

Cases ``state-db-zero-length-silent-reset`` and ``state-db-corrupt-traceback`` (../shared/cases),
and the other shapes of the kind: a truncated file, a wrong header, random bytes, malformed
pages, an SQLite file without hamsync's tables, a file from a newer hamsync.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sync.cli import app
from sync.config.model import load_config
from sync.engine.daemon import Daemon
from sync.store.backup import KEEP, KEEP_DAYS, make_backup
from sync.store.database import DB_NAME, MIGRATIONS, StateDatabase
from sync.store.integrity import MARKER

WriteConfig = Callable[..., Path]
TODAY = "2026-11-25"
CHECKIN_DAY = "2026-11-24"
runner = CliRunner()


def hamsync(*args: str, stdin: str | None = None) -> Any:
    """A command in-process; an exception escaping it (a traceback for the runner) fails."""
    return runner.invoke(app, list(args), input=stdin, catch_exceptions=False)


def sync(config: Path) -> Any:
    return hamsync("sync", "--config", str(config), "--today", TODAY, "--json")


@pytest.fixture
def synced(write_config: WriteConfig, tmp_path: Path) -> Path:
    """A state after a sync and a `pain` check-in, then a second sync (and so a backup)."""
    config = write_config()
    assert sync(config).exit_code == 0
    result = hamsync("checkin", "pain", "--config", str(config), "--date", CHECKIN_DAY)
    assert result.exit_code == 0, result.output
    assert sync(config).exit_code == 0
    return config


def db(tmp_path: Path) -> Path:
    return tmp_path / "state" / DB_NAME


def checkins_in(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT day, feeling FROM checkins").fetchall()
    finally:
        conn.close()


def zero_length(path: Path) -> None:
    path.write_bytes(b"")


def truncate_half(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(size // 2)


def header_garbage(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.write(b"GARBAGEGARBAGEGARBAGE")


def random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(98304))


def malformed_pages(path: Path) -> None:
    """Page 2 onwards overwritten with garbage; the header (page 1) stays valid."""
    page = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    with path.open("r+b") as handle:
        handle.seek(page)
        handle.write(bytes(range(256)) * (page * 2 // 256))


def no_tables(path: Path) -> None:
    """A valid SQLite file that holds nothing of hamsync's (a wrong file copied over it)."""
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes(text)")
    conn.commit()
    conn.close()


DAMAGES = [zero_length, truncate_half, header_garbage, random_bytes, malformed_pages, no_tables]


def test_zero_length_database_is_not_a_new_state_and_restore_brings_the_pause_back(
    synced: Path, tmp_path: Path
) -> None:
    """The case: the pain pause must not vanish. Refused, named, kept, then restored."""
    calendar = tmp_path / "out" / "hamsync.ics"
    written = calendar.read_bytes()
    db(tmp_path).write_bytes(b"")

    result = hamsync("sync", "--config", str(synced), "--today", TODAY)
    assert result.exit_code == 2
    assert str(db(tmp_path)) in result.stderr and "empty" in result.stderr
    assert "hamsync doctor --restore" in result.stderr
    assert calendar.read_bytes() == written  # nothing planned, nothing written
    kept = list((tmp_path / "state" / "damaged").glob(f"*/{DB_NAME}"))
    assert len(kept) == 1 and kept[0].stat().st_size == 0  # kept as it was

    again = hamsync("sync", "--config", str(synced), "--today", TODAY)
    assert again.exit_code == 2, "a second sync must not start a new state either"
    assert not db(tmp_path).exists()

    status = hamsync("status", "--config", str(synced), "--json")
    assert status.exit_code == 2
    report = json.loads(status.stdout)
    assert "damaged" in report["database_error"]["message"]
    assert report["backups"] and report["backups"][0]["usable"]

    restored = hamsync("doctor", "--restore", "--config", str(synced))
    assert restored.exit_code == 0, restored.output
    assert ("2026-11-24", "pain") in checkins_in(db(tmp_path))
    after = sync(synced)
    assert after.exit_code == 0
    # Still paused by the pain check-in: walking and mobility only (R7).
    walks = [{e["key"] for e in s["exercises"]} for s in json.loads(after.stdout)["sessions"]]
    assert all(keys <= {"easy_walk", "gentle_mobility"} for keys in walks)


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("command", ["status", "runs", "plan", "sync", "checkin", "done"])
def test_every_command_refuses_a_damaged_database_without_traceback(
    synced: Path, tmp_path: Path, damage: Callable[[Path], None], command: str
) -> None:
    """Exit 2, the file named, a way out, no traceback; the damaged file kept aside."""
    path = db(tmp_path)
    damage(path)
    before = path.read_bytes()
    args = {
        "status": ["status"],
        "runs": ["runs", "--today", TODAY],
        "plan": ["plan", "--today", TODAY],
        "sync": ["sync", "--today", TODAY],
        "checkin": ["checkin", "fine", "--date", TODAY],
        "done": ["done", "--date", TODAY],
    }[command]
    result = hamsync(*args, "--config", str(synced))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert str(path) in result.output
    assert "hamsync doctor" in result.output
    kept = list((tmp_path / "state" / "damaged").glob(f"*/{DB_NAME}"))
    assert [k.read_bytes() for k in kept] == [before]
    assert (tmp_path / "state" / MARKER).exists()


def test_database_of_a_newer_hamsync_exits_2_and_is_left_alone(
    synced: Path, tmp_path: Path
) -> None:
    conn = sqlite3.connect(db(tmp_path))
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    before = db(tmp_path).read_bytes()
    for args in (["sync", "--today", TODAY], ["status"], ["checkin", "fine"]):
        result = hamsync(*args, "--config", str(synced))
        assert result.exit_code == 2
        assert "newer hamsync" in result.output and "upgrade hamsync" in result.output
    assert db(tmp_path).read_bytes() == before
    assert not (tmp_path / "state" / "damaged").exists()


def test_backups_are_private_rotated_and_whole(write_config: WriteConfig, tmp_path: Path) -> None:
    config = write_config()
    for _ in range(KEEP + 2):
        assert sync(config).exit_code == 0
    folder = tmp_path / "state" / "backups"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = sorted(folder.iterdir())
    assert len(files) == KEEP
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] > 0
        conn.close()
    dry = hamsync("sync", "--config", str(config), "--today", TODAY, "--dry-run")
    assert dry.exit_code == 0
    assert sorted(folder.iterdir()) == files  # a dry run stores nothing, backups included


def test_restore_skips_a_damaged_backup_and_keeps_the_install_id(
    synced: Path, tmp_path: Path
) -> None:
    state_dir = tmp_path / "state"
    (state_dir / "install_id").write_text("install-1234\n", encoding="utf-8")
    newest = sorted((state_dir / "backups").iterdir())[-1]
    newest.write_bytes(b"not a database")
    random_bytes(db(tmp_path))
    look = hamsync("doctor", "--config", str(synced))
    assert look.exit_code == 2
    assert "not usable" in look.output and "usable" in look.output
    result = hamsync("doctor", "--restore", "--config", str(synced))
    assert result.exit_code == 0, result.output
    assert (state_dir / "install_id").read_text(encoding="utf-8") == "install-1234\n"
    assert hamsync("doctor", "--config", str(synced)).exit_code == 0
    assert sync(synced).exit_code == 0


def test_fresh_start_only_when_asked_and_the_install_id_stays(synced: Path, tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    (state_dir / "install_id").write_text("install-1234\n", encoding="utf-8")
    zero_length(db(tmp_path))
    assert sync(synced).exit_code == 2
    declined = hamsync("doctor", "--fresh", "--config", str(synced), stdin="n\n")
    assert declined.exit_code == 0 and "Nothing was changed" in declined.output
    assert sync(synced).exit_code == 2
    result = hamsync("doctor", "--fresh", "--yes", "--config", str(synced))
    assert result.exit_code == 0, result.output
    assert (state_dir / "install_id").read_text(encoding="utf-8") == "install-1234\n"
    fresh = sync(synced)
    assert fresh.exit_code == 0
    assert json.loads(fresh.stdout)["sessions"]  # a new state: the old pause is gone, as asked
    assert checkins_in(db(tmp_path)) == []


def test_no_usable_backup_says_so_and_changes_nothing(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    config = write_config()
    assert sync(config).exit_code == 0
    for backup in (tmp_path / "state" / "backups").iterdir():
        backup.unlink()
    header_garbage(db(tmp_path))
    assert sync(config).exit_code == 2
    result = hamsync("doctor", "--restore", "--config", str(config))
    assert result.exit_code == 2
    assert "no usable backup" in result.stderr and "--fresh" in result.stderr
    assert (tmp_path / "state" / MARKER).exists()


def test_healthy_state_passes_doctor(write_config: WriteConfig) -> None:
    config = write_config()
    assert sync(config).exit_code == 0
    result = hamsync("doctor", "--config", str(config))
    assert result.exit_code == 0
    assert "is whole" in result.output and "usable" in result.output


def test_the_daemon_says_the_database_is_damaged_and_plans_nothing(
    synced: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """One plain log line (no traceback), the file kept aside, the calendar untouched."""
    calendar = tmp_path / "out" / "hamsync.ics"
    written = calendar.read_bytes()
    truncate_half(db(tmp_path))
    daemon = Daemon(load_config(synced))
    with caplog.at_level(logging.ERROR, logger="hamsync"):
        daemon.job("test")
    assert daemon.failed_jobs == 1
    [record] = [r for r in caplog.records if "sync failed" in r.getMessage()]
    assert "damaged" in record.getMessage() and record.exc_info is None
    assert calendar.read_bytes() == written
    assert list((tmp_path / "state" / "damaged").glob(f"*/{DB_NAME}"))


def test_backups_keep_the_newest_and_the_last_of_each_recent_day(tmp_path: Path) -> None:
    """A daemon syncing every 15 minutes for ten days still has a backup from each of the
    last seven days, so a mistake found a day later has a state from before it."""
    state = StateDatabase.open(tmp_path / "state")
    try:
        start = datetime(2026, 11, 20, tzinfo=UTC)
        for step in range(10 * 24 * 4):
            when = start + timedelta(minutes=15 * step)
            path = tmp_path / "state" / "backups" / f"hamsync-{when:%Y%m%dT%H%M%S%f}Z.sqlite3"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(b"")  # names are all rotation looks at
        made = make_backup(state, now=start + timedelta(days=10))
    finally:
        state.close()
    kept = sorted(p.name for p in (tmp_path / "state" / "backups").iterdir())
    days = sorted({name[8:16] for name in kept})
    assert made.name in kept
    assert days == [f"202611{d}" for d in range(24, 31)]  # the last 7 days, today included
    # each day's last (7), plus the other two of the newest three (29 Nov 23:30 and 23:45,
    # the latter also that day's last): 8 files of 960 + 1
    assert len(kept) == KEEP_DAYS + 1
    newest = ["20261129T233000", "20261129T234500", "20261130T000000"]
    assert [name[8:23] for name in kept[-KEEP:]] == newest
