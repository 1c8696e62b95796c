"""The state database: private files, migrations, all-or-nothing steps and merged runs."""

from __future__ import annotations

import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from planner.models import Run, Sport
from sync.store.database import DB_NAME, MIGRATIONS, StateDatabase


def make_run(
    source: str,
    start: datetime,
    distance: float = 10_000,
    descent: float | None = 300,
    descent_from: str = "computed",
) -> Run:
    return Run(
        id=source, sources=(source,), start=start, sport=Sport.TRAIL_RUN, distance_m=distance,
        moving_s=3600, elapsed_s=3700, ascent_m=descent, descent_m=descent,
        descent_from=descent_from,  # type: ignore[arg-type]
    )  # fmt: skip


def test_state_dir_and_database_are_private(tmp_path: Path) -> None:
    """The runner's history is readable by them alone: folder 0700, database 0600."""
    state = StateDatabase.open(tmp_path / "state")
    state.close()
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "state" / DB_NAME).stat().st_mode) == 0o600


def test_migrations_run_once_and_record_the_version(tmp_path: Path) -> None:
    """Opening twice applies no migration twice; user_version counts them."""
    StateDatabase.open(tmp_path).close()
    StateDatabase.open(tmp_path).close()
    conn = sqlite3.connect(tmp_path / DB_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_failed_step_leaves_nothing_half_written(tmp_path: Path) -> None:
    """An exception inside a transaction rolls back the runs and the cursor together."""
    state = StateDatabase.open(tmp_path)
    run = make_run("file:a.fit", datetime(2026, 11, 20, 8, tzinfo=UTC))
    with pytest.raises(RuntimeError), state.transaction():
        state.save_pull("files", [run], "cursor-1")
        raise RuntimeError("killed mid-step")
    assert state.runs() == []
    assert state.cursor("files") is None


def test_same_run_from_two_sources_is_stored_once_with_both_ids(tmp_path: Path) -> None:
    """A FIT and a GPX export of one run count once; the device figure wins."""
    state = StateDatabase.open(tmp_path)
    start = datetime(2026, 11, 20, 8, tzinfo=UTC)
    gpx = make_run("file:run.gpx", start + timedelta(seconds=20), 10_150, 410)
    fit = make_run("file:run.fit", start, 10_000, 371, "device")
    with state.transaction():
        state.save_pull("files", [gpx, fit], None)
    (run,) = state.runs()
    assert set(run.sources) == {"file:run.gpx", "file:run.fit"}
    assert run.descent_m == 371
    assert run.descent_from == "device"


def test_removed_source_removes_the_run_only_when_no_source_is_left(tmp_path: Path) -> None:
    """Deleting one of two files of the same run keeps the run."""
    state = StateDatabase.open(tmp_path)
    start = datetime(2026, 11, 20, 8, tzinfo=UTC)
    with state.transaction():
        state.save_pull("files", [make_run("file:a.fit", start),
                                  make_run("file:a.gpx", start)], None)  # fmt: skip
    with state.transaction():
        state.save_pull("files", [], None, removed=["file:a.gpx"])
    assert [r.sources for r in state.runs()] == [("file:a.fit",)]
    with state.transaction():
        state.save_pull("files", [], None, removed=["file:a.fit"])
    assert state.runs() == []


def test_dry_run_copy_changes_nothing_on_disk(tmp_path: Path) -> None:
    """Writes to a scratch copy never reach the database file."""
    state = StateDatabase.open(tmp_path)
    scratch = state.scratch_copy()
    with scratch.transaction():
        scratch.save_pull("files", [make_run("file:a.fit", datetime(2026, 1, 1, tzinfo=UTC))], "c")
    assert len(scratch.runs()) == 1
    assert state.runs() == []
    assert state.cursor("files") is None
