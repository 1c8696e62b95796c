"""A full disk under the state directory or at the ICS output: a clear error, nothing
half-written, and everything back once there is room again.

The disk is really full: the state directory or the calendar's folder is a small tmpfs
filled to the last byte, so the kernel itself answers ENOSPC to SQLite's and hamsync's writes
(CI runs as root; the tests skip where mounting is not allowed). The backup's own ENOSPC is
injected at the OS call (``os.fsync``).
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sync.store import backup as backup_module
from sync.store.database import DB_NAME, StateDatabase

WriteConfig = Callable[..., Path]
HAMSYNC = str(Path(sys.executable).with_name("hamsync"))
TODAY = "2026-11-25"
REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "examples" / "activities"


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """An 8 MiB tmpfs at ``tmp_path/disk`` (skips when mounting is not allowed)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", str(mount)],
        capture_output=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace')}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> Path:
    """Write a file in ``folder`` until the disk says ENOSPC; returns it (delete it to free)."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for chunk in (1 << 20, 65536, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    assert shutil.disk_usage(folder).free == 0
    return filler


def hamsync(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [HAMSYNC, *args], capture_output=True, text=True, timeout=120, check=False
    )


def config_in(tmp_path: Path, state_dir: Path, calendar: Path, activities: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'timezone = "Europe/Zurich"\nstate_dir = "{state_dir}"\n[athlete]\nstarting_level = 3\n'
        f'[sources.files]\npath = "{activities}"\n[sinks.ics]\npath = "{calendar}"\n',
        encoding="utf-8",
    )
    return path


def copy_samples(target: Path, first: int = 0, last: int | None = None) -> None:
    """The sample week folders ``first:last`` (in date order) into ``target``."""
    target.mkdir(exist_ok=True)
    for source in sorted(SAMPLES.iterdir())[first:last]:
        shutil.copytree(source, target / source.name)


def test_full_disk_under_the_state_is_a_clear_error_and_the_state_holds(
    tmpfs: Path, tmp_path: Path
) -> None:
    activities = tmp_path / "activities"
    copy_samples(activities, last=2)
    state_dir = tmpfs / "state"
    config = config_in(tmp_path, state_dir, tmp_path / "out" / "hamsync.ics", activities)
    assert hamsync("sync", "-c", str(config), "--today", TODAY).returncode == 0
    checkin = hamsync("checkin", "sensitive", "-c", str(config), "--date", "2026-11-24")
    assert checkin.returncode == 0, checkin.stderr
    copy_samples(activities, first=2)  # new runs: the next sync must store them
    filler = fill(tmpfs)

    for args in (["sync", "--today", TODAY], ["checkin", "fine"], ["status"]):
        result = hamsync(*args, "-c", str(config))
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert f"no space left under {state_dir}" in result.stderr + result.stdout
    assert not (state_dir / "damaged").exists()  # a full disk is not damage

    filler.unlink()
    conn = sqlite3.connect(state_dir / DB_NAME)
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT feeling FROM checkins").fetchall() == [("sensitive",)]
    conn.close()
    again = hamsync("sync", "-c", str(config), "--today", TODAY, "--json")
    assert again.returncode == 0, again.stderr
    conn = sqlite3.connect(state_dir / DB_NAME)
    assert conn.execute("SELECT count(*) FROM checkins").fetchone()[0] == 1
    conn.close()


def test_full_disk_at_the_calendar_leaves_the_old_file_whole(tmpfs: Path, tmp_path: Path) -> None:
    activities = tmp_path / "activities"
    copy_samples(activities, last=2)
    calendar = tmpfs / "hamsync.ics"
    config = config_in(tmp_path, tmp_path / "state", calendar, activities)
    assert hamsync("sync", "-c", str(config), "--today", TODAY).returncode == 0
    before = calendar.read_bytes()
    filler = fill(tmpfs)

    result = hamsync("sync", "-c", str(config), "--today", "2026-12-02")  # a week on: changes
    assert result.returncode == 3, result.stderr
    shown = " ".join(result.stdout.split())  # the terminal report wraps long lines
    assert f"{calendar}: cannot write the calendar file (No space left on device)" in shown
    assert calendar.read_bytes() == before
    assert sorted(p.name for p in tmpfs.iterdir()) == ["filler", "hamsync.ics"]

    filler.unlink()
    assert hamsync("sync", "-c", str(config), "--today", "2026-12-02").returncode == 0
    assert calendar.read_bytes() != before


def test_a_backup_that_meets_a_full_disk_leaves_no_partial_file(
    write_config: WriteConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC at the fsync of a new backup: a warning, the older backups kept, no leftovers."""
    state = StateDatabase.open(tmp_path / "state")
    try:
        first = backup_module.make_backup(state)

        def full(_fd: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(backup_module.os, "fsync", full)
        warning = backup_module.backup_after_sync(state)
    finally:
        state.close()
    assert warning is not None and "No space left on device" in warning
    assert sorted((tmp_path / "state" / "backups").iterdir()) == [first]
