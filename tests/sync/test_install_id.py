"""The install id: made once beside the database, private, kept, and never silently replaced."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sync.cli import app
from sync.store.database import DB_NAME, StateDatabase
from sync.store.install_id import FILE_NAME, InstallIdError, install_id


def test_made_once_private_and_kept_when_the_database_starts_afresh(tmp_path: Path) -> None:
    """16 hex digits in a 0600 file; the same id after the database file is gone."""
    StateDatabase.open(tmp_path).close()
    first = install_id(tmp_path)
    assert len(first) == 16 and int(first, 16) >= 0
    mode = stat.S_IMODE((tmp_path / FILE_NAME).stat().st_mode)
    assert mode == 0o600
    (tmp_path / DB_NAME).unlink()
    StateDatabase.open(tmp_path).close()
    assert install_id(tmp_path) == first


def test_two_state_folders_get_different_ids(tmp_path: Path) -> None:
    """Two installs are told apart."""
    assert install_id(tmp_path / "a") != install_id(tmp_path / "b")


def test_a_damaged_file_is_an_error_naming_it(tmp_path: Path) -> None:
    """hamsync refuses to take on a new identity that would orphan its own events."""
    (tmp_path / FILE_NAME).write_text("not an id\n")
    with pytest.raises(InstallIdError, match=FILE_NAME):
        install_id(tmp_path)


def test_a_sync_with_a_damaged_id_writes_nothing_and_says_why(
    write_config: Callable[..., Path], tmp_path: Path
) -> None:
    """The calendar sink fails naming the file (exit 3: the source worked); no event written."""
    config = write_config()
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / FILE_NAME).write_text("not an id!\n")
    result = CliRunner().invoke(
        app, ["sync", "--config", str(config), "--today", "2026-11-25", "--json"]
    )
    data = json.loads(result.stdout)
    assert result.exit_code == 3, result.output
    assert any(FILE_NAME in e["message"] for e in data["errors"])
    assert not (tmp_path / "out" / "hamsync.ics").exists()
