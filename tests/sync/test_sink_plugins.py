"""Sinks as plugins: a package outside hamsync adds a storage sink through ``hamsync.sinks``.

The plugin is laid out as an installed distribution (package + ``*.dist-info``) on the path of
a ``hamsync`` subprocess, as pip would install it; it keeps one file per event in a folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from sync.config.model import SinksConfig
from sync.sinks.registry import GROUP
from sync.wiring.build import BUILTIN_SINKS

HAMSYNC = str(Path(sys.executable).with_name("hamsync"))
TODAY = "2026-11-25"
WriteConfig = Callable[..., Path]

PLUGIN = '''
"""A third-party sink: each event a file in a folder, the etag a hash of the file."""
import hashlib
from pathlib import Path

from sync.sinks.contract import AlreadyExists, Item, NotFound, PreconditionFailed


class FolderSink:
    role = "events"

    def __init__(self, name, folder):
        self.name = name
        self.folder = Path(folder)
        self.location = str(self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _etag(self, path):
        return hashlib.sha256(path.read_bytes()).hexdigest()

    def list(self):
        return [(p.name, self._etag(p)) for p in sorted(self.folder.glob("*.ics"))]

    def get(self, href):
        path = self.folder / href
        if not path.exists():
            raise NotFound(href)
        return Item(href[:-4], path.read_text()), self._etag(path)

    def create(self, item):
        path = self.folder / f"{item.uid}.ics"
        if path.exists():
            raise AlreadyExists(path.name)
        path.write_text(item.text)
        return path.name, self._etag(path)

    def update(self, href, item, etag):
        self._check(href, etag)
        (self.folder / href).write_text(item.text)
        return self._etag(self.folder / href)

    def delete(self, href, etag):
        self._check(href, etag)
        (self.folder / href).unlink()

    def _check(self, href, etag):
        path = self.folder / href
        if not path.exists():
            raise NotFound(href)
        if self._etag(path) != etag:
            raise PreconditionFailed(href)


def make_sink(section, context):
    return FolderSink(context.name, section["folder"])
'''


def install_plugin(site: Path) -> Path:
    package = site / "hamsync_foldersink"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(PLUGIN, encoding="utf-8")
    info = site / "hamsync_foldersink-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: hamsync-foldersink\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[{GROUP}]\nfoldersink = hamsync_foldersink:make_sink\n", encoding="utf-8"
    )
    return site


def hamsync(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": str(site),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    return subprocess.run(
        [HAMSYNC, *args], capture_output=True, text=True, env=environment, check=False,
        timeout=120,
    )  # fmt: skip


def test_every_builtin_sink_registers_as_a_plugin() -> None:
    """Each built-in [sinks.<name>] (every typed section of the config) is found through the
    same entry-point group as any plugin sink, and built by its factory there."""
    found = {ep.name: ep.value for ep in entry_points(group=GROUP)}
    typed = set(SinksConfig.model_fields)
    assert typed == set(BUILTIN_SINKS)
    for name in typed:
        assert found[name] == f"sync.wiring.builtin_sinks:{name}"


def test_third_party_sink_is_written_and_purged(write_config: WriteConfig, tmp_path: Path) -> None:
    """[sinks.foldersink] gets one event per session through the executor; purge empties it."""
    site = install_plugin(tmp_path / "site")
    folder = tmp_path / "events"
    config = write_config(extra=f'[sinks.foldersink]\nfolder = "{folder}"\n')
    result = hamsync(site, "sync", "--config", str(config), "--today", TODAY, "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    assert data["writes"]["foldersink"]["created"] == len(data["sessions"]) > 0
    files = sorted(p.name for p in folder.iterdir())
    install = (tmp_path / "state" / "install_id").read_text().strip()
    assert files == sorted(f"{s['id']}.{install}@hamsync.ics" for s in data["sessions"])
    purged = hamsync(site, "purge", "--yes", "--config", str(config))
    assert purged.returncode == 0, purged.stdout + purged.stderr
    assert list(folder.iterdir()) == []


def test_an_unknown_sink_section_is_a_config_error(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """A [sinks.<name>] no installed package provides stops with exit 2 and names it."""
    config = write_config(extra="[sinks.nosuchsink]\nfolder = 'x'\n")
    result = hamsync(tmp_path, "sync", "--config", str(config), "--today", TODAY)
    assert result.returncode == 2
    assert 'no sink named "nosuchsink"' in result.stdout + result.stderr


BOX_PLUGIN = '''
"""A third-party sink of any role: each item a JSON file {uid, text}, the etag its hash."""
import hashlib
import json
from pathlib import Path

from sync.sinks.contract import AlreadyExists, Item, NotFound, PreconditionFailed


class BoxSink:
    def __init__(self, name, folder, role, source=""):
        self.name, self.role, self.source = name, role, source
        self.folder = Path(folder)
        self.location = str(self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, href):
        return self.folder / href

    def _etag(self, path):
        return hashlib.sha256(path.read_bytes()).hexdigest()

    def list(self):
        return [(p.name, self._etag(p)) for p in sorted(self.folder.glob("*.json"))]

    def get(self, href):
        path = self._path(href)
        if not path.exists():
            raise NotFound(href)
        data = json.loads(path.read_text())
        return Item(data["uid"], data["text"]), self._etag(path)

    def create(self, item):
        href = hashlib.sha256(item.uid.encode()).hexdigest()[:16] + ".json"
        if self._path(href).exists():
            raise AlreadyExists(href)
        self._path(href).write_text(json.dumps({"uid": item.uid, "text": item.text}))
        return href, self._etag(self._path(href))

    def update(self, href, item, etag):
        self._check(href, etag)
        self._path(href).write_text(json.dumps({"uid": item.uid, "text": item.text}))
        return self._etag(self._path(href))

    def delete(self, href, etag):
        self._check(href, etag)
        self._path(href).unlink()

    def _check(self, href, etag):
        if not self._path(href).exists():
            raise NotFound(href)
        if self._etag(self._path(href)) != etag:
            raise PreconditionFailed(href)


def workouts(section, context):
    return BoxSink(context.name, section["folder"], "workouts")


def notes(section, context):
    return BoxSink(context.name, section["folder"], "notes", section.get("source", ""))
'''


def install_box_plugin(site: Path) -> Path:
    """The box sink, registered twice: ``boxworkouts`` (role workouts), ``boxnotes`` (notes)."""
    package = site / "hamsync_boxsink"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(BOX_PLUGIN, encoding="utf-8")
    info = site / "hamsync_boxsink-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: hamsync-boxsink\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[{GROUP}]\nboxworkouts = hamsync_boxsink:workouts\nboxnotes = hamsync_boxsink:notes\n",
        encoding="utf-8",
    )
    return site


def stored(folder: Path) -> list[dict[str, str]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def test_plugin_sinks_of_the_workout_and_note_roles_are_written_and_purged(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """A workouts plugin gets one workout per session (Garmin's workout JSON on its day), a
    notes plugin one note per noteworthy run of its source; a second sync writes nothing;
    purge empties both."""
    site = install_box_plugin(tmp_path / "site")
    workouts, notes = tmp_path / "workouts", tmp_path / "notes"
    config = write_config(
        extra=f'[sinks.boxworkouts]\nfolder = "{workouts}"\n'
        f'[sinks.boxnotes]\nfolder = "{notes}"\nsource = "file"\n'
    )
    result = hamsync(site, "sync", "--config", str(config), "--today", TODAY, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    assert data["errors"] == []
    assert data["writes"]["boxworkouts"]["created"] == len(data["sessions"]) > 0
    days = sorted(json.loads(item["text"])["day"] for item in stored(workouts))
    assert days == sorted(s["date"] for s in data["sessions"])
    install = (tmp_path / "state" / "install_id").read_text().strip()
    assert all(item["uid"].endswith(f".{install}@hamsync") for item in stored(workouts))
    noted = data["writes"]["boxnotes"]["created"]
    assert noted > 0 and len(stored(notes)) == noted
    assert all(item["text"].startswith("hamsync: ") for item in stored(notes))
    assert all(item["uid"] and not item["uid"].startswith("file:") for item in stored(notes))
    again = hamsync(site, "sync", "--config", str(config), "--today", TODAY, "--json")
    writes = json.loads(again.stdout)["writes"]
    for name in ("boxworkouts", "boxnotes"):
        assert (writes[name]["created"], writes[name]["updated"]) == (0, 0)
    purged = hamsync(site, "purge", "--yes", "--config", str(config))
    assert purged.returncode == 0, purged.stdout + purged.stderr
    assert "note blocks" in purged.stdout and "workouts" in purged.stdout
    assert list(workouts.iterdir()) == [] and list(notes.iterdir()) == []


def test_a_notes_plugin_without_a_source_is_reported_for_itself(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """A notes sink must say whose activities it holds: without `source` it is reported (exit
    3) and the other sinks are written."""
    site = install_box_plugin(tmp_path / "site")
    config = write_config(extra=f'[sinks.boxnotes]\nfolder = "{tmp_path / "notes"}"\n')
    result = hamsync(site, "sync", "--config", str(config), "--today", TODAY, "--json")
    assert result.returncode == 3
    data: dict[str, Any] = json.loads(result.stdout)
    (error,) = data["errors"]
    assert error["connector"] == "boxnotes" and "names no `source`" in error["message"]
    assert data["writes"]["ics"]["created"] == len(data["sessions"])


def test_a_dry_run_through_plugin_sinks_of_every_role_writes_and_makes_nothing(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """`sync --dry-run` before any sync counts the workouts and notes it would write, writes
    none, and makes no state folder (no install id is made up and kept)."""
    site = install_box_plugin(tmp_path / "site")
    workouts, notes = tmp_path / "workouts", tmp_path / "notes"
    config = write_config(
        extra=f'[sinks.boxworkouts]\nfolder = "{workouts}"\n'
        f'[sinks.boxnotes]\nfolder = "{notes}"\nsource = "file"\n'
    )
    args = ("sync", "--dry-run", "--config", str(config), "--today", TODAY, "--json")
    result = hamsync(site, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    writes = json.loads(result.stdout)["writes"]
    assert writes["boxworkouts"]["created"] > 0 and writes["boxnotes"]["created"] > 0
    assert stored(workouts) == [] and stored(notes) == []
    assert not (tmp_path / "state").exists()
