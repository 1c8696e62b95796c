"""Fixtures shared by every test package: the real activity files, a cached FIT decoder and a
throw-away keyring."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring

from connectors.fit_reader import read_fit
from connectors.recording import Recording

DecodeFit = Callable[[Path], list[Recording]]


@pytest.fixture(scope="session")
def testdata_dir() -> Path:
    """The shared, read-only ``testdata`` folder (``HAMSYNC_TESTDATA`` overrides its place)."""
    override = os.environ.get("HAMSYNC_TESTDATA")
    folder = (
        Path(override)
        if override
        else Path(__file__).resolve().parents[1].parent / "shared" / "testdata"
    )
    if not (folder / "activities").is_dir():
        pytest.skip(f"no real activity files at {folder} (set HAMSYNC_TESTDATA)")
    return folder


@pytest.fixture(scope="session")
def decode_fit() -> DecodeFit:
    """``read_fit`` with a per-session cache keyed by file content.

    The official FIT SDK is slow (about 1 s per 450 KB), so every real file is decoded at most
    once per test session however many tests read it. A file with new content is decoded anew.
    """
    cache: dict[str, list[Recording]] = {}

    def decode(path: Path) -> list[Recording]:
        key = hashlib.sha256(path.read_bytes()).hexdigest()
        if key not in cache:
            cache[key] = read_fit(path)
        return cache[key]

    return decode


@pytest.fixture(autouse=True)
def private_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point the XDG data and config folders of every test (and its subprocesses) at a
    throw-away folder: a ``hamsync`` started by a test without a state folder or a token in
    its environment then writes its default state and any keyrings.alt file there, never
    into the user's own ``~/.local/share``."""
    root = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(root / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(root / "config"))


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[PlaintextKeyring]:
    """A throw-away file keyring (never the machine's real one)."""
    previous = keyring.get_keyring()
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring.cfg")  # type: ignore[misc]
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
