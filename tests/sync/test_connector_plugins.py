"""Connectors as plugins: a package outside hamsync adds a source through the entry points.

The plugin here is a real installed distribution as importlib.metadata sees one: a package
and a ``*.dist-info`` folder (``METADATA``, ``entry_points.txt``) in a folder on the path of
a ``hamsync sync`` subprocess, exactly how pip lays out a third-party connector.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest

from connectors.plugin import GROUP
from sync.config.model import ConfigError, load_config

HAMSYNC = str(Path(sys.executable).with_name("hamsync"))
TODAY = "2026-11-25"
WriteConfig = Callable[..., Path]

PLUGIN = '''
"""A third-party connector: one long trail with a heavy descent, yesterday."""
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from connectors.base import PullResult, SourceError
from connectors.plugin import PluginContext
from planner.models import Run, Sport


class TrailSource:
    def __init__(self, name: str, descent_m: float, context: PluginContext) -> None:
        self.name = name
        self.descent_m = descent_m
        self.context = context

    def pull(self, cursor, today):
        start = datetime.combine(today - timedelta(days=1), datetime.min.time()).replace(
            hour=8, tzinfo=self.context.tz
        )
        run = Run(
            id="trailplug:1", sources=("trailplug:1",), start=start, sport=Sport.TRAIL_RUN,
            name="Plugin mountain trail", distance_m=28000.0, moving_s=4 * 3600.0,
            elapsed_s=4.5 * 3600.0, ascent_m=self.descent_m, descent_m=self.descent_m,
            descent_from="summary", platform_trail=True,
        )
        return PullResult(runs=(run,), cursor="1")


def make_source(section: Mapping[str, Any], context: PluginContext) -> TrailSource:
    if context.get_secret("token") != "s3cret-token":
        raise SourceError("no token", fix="set HAMSYNC_TRAILPLUG_TOKEN")
    return TrailSource(context.name, float(section["descent_m"]), context)


def broken(section: Mapping[str, Any], context: PluginContext) -> TrailSource:
    raise RuntimeError("the plugin's own bug")
'''


def install_plugin(site: Path, entry_points_txt: str) -> Path:
    """Lay out the plugin as an installed distribution in ``site`` and return ``site``."""
    package = site / "hamsync_trailplug"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(PLUGIN, encoding="utf-8")
    info = site / "hamsync_trailplug-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: hamsync-trailplug\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[{GROUP}]\n{dedent(entry_points_txt)}", encoding="utf-8"
    )
    return site


def sync(config: Path, site: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``hamsync sync --json`` in a fresh process that sees the plugin (and no real keyring)."""
    return hamsync(site, "sync", "--config", str(config), "--today", TODAY, "--json", **env)


def hamsync(site: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": str(site),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        **env,
    }
    return subprocess.run(
        [HAMSYNC, *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=120,
    )


def report(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_builtin_sources_register_as_connectors() -> None:
    """files, strava and garmin are found through the same entry-point group as any plugin."""
    found = {ep.name: ep.value for ep in entry_points(group=GROUP)}
    assert found["files"] == "connectors.builtin:files"
    assert found["strava"] == "connectors.builtin:strava"
    assert found["garmin"] == "connectors.builtin:garmin"


def test_third_party_connector_runs_are_planned(write_config: WriteConfig, tmp_path: Path) -> None:
    """An installed plugin's [sources.trailplug] is pulled and its heavy descent shapes the plan."""
    site = install_plugin(tmp_path / "site", "trailplug = hamsync_trailplug:make_source\n")
    empty = tmp_path / "no-files"
    empty.mkdir()
    config = write_config(activities=empty, extra="[sources.trailplug]\ndescent_m = 1800\n")

    result = sync(config, site, HAMSYNC_TRAILPLUG_TOKEN="s3cret-token")

    assert result.returncode == 0, result.stderr
    data = report(result)
    assert data["errors"] == [] and data["runs_pulled"] == 1
    reasons = " ".join(r["text"] for s in data["sessions"] for r in s["reasons"])
    assert "week of Mon 2026-11-23: 2 runs (done and still planned)" in reasons
    assert "s3cret-token" not in result.stdout + result.stderr
    listed = hamsync(site, "runs", "--config", str(config), "--today", TODAY, "--json")
    (run,) = json.loads(listed.stdout)["runs"]
    assert run["sources"] == ["trailplug:1"] and run["long"] and run["heavy_descent"]


def test_plugin_without_its_secret_fails_alone(write_config: WriteConfig, tmp_path: Path) -> None:
    """The secret getter is bound to the plugin's section: no HAMSYNC_TRAILPLUG_TOKEN, no runs."""
    site = install_plugin(tmp_path / "site", "trailplug = hamsync_trailplug:make_source\n")
    config = write_config(extra="[sources.trailplug]\ndescent_m = 1800\n")

    result = sync(config, site, HAMSYNC_FILES_TOKEN="s3cret-token")

    assert result.returncode == 3, result.stderr
    data = report(result)
    assert data["errors"] == [
        {"connector": "trailplug", "message": "no token (set HAMSYNC_TRAILPLUG_TOKEN)"}
    ]
    assert data["runs_pulled"] >= 10  # the files source synced


@pytest.mark.parametrize(
    ("registered", "why"),
    [
        ("trailplug = hamsync_trailplug:broken\n", "failed to start: RuntimeError"),
        ("trailplug = hamsync_trailplug.missing:make_source\n", "failed to load"),
    ],
)
def test_broken_plugin_is_reported_and_files_still_sync(
    write_config: WriteConfig, tmp_path: Path, registered: str, why: str
) -> None:
    """A plugin that cannot load or raises on construction costs its source only: exit 3."""
    site = install_plugin(tmp_path / "site", registered)
    config = write_config(extra="[sources.trailplug]\ndescent_m = 1800\n")

    result = sync(config, site)

    assert result.returncode == 3, result.stderr
    data = report(result)
    assert [e["connector"] for e in data["errors"]] == ["trailplug"]
    assert why in data["errors"][0]["message"]
    assert data["runs_pulled"] >= 10
    assert data["writes"]["ics"]["created"] == len(data["sessions"]) > 0


def test_disabled_plugin_is_not_loaded(write_config: WriteConfig, tmp_path: Path) -> None:
    """enabled = false keeps a plugin's section without importing it (a broken one too)."""
    site = install_plugin(tmp_path / "site", "trailplug = hamsync_trailplug.missing:make_source\n")
    config = write_config(extra="[sources.trailplug]\nenabled = false\n")

    result = sync(config, site)

    assert result.returncode == 0, result.stderr
    assert report(result)["errors"] == []


def test_unknown_source_section_is_a_config_error(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """[sources.<name>] with no installed connector of that name stops the sync with exit 2."""
    config = write_config(extra="[sources.coros]\nfolder = 'x'\n")

    result = sync(config, tmp_path / "nothing-installed")

    assert result.returncode == 2
    error = json.loads(result.stderr)["error"]  # under --json, the error is JSON too
    assert '[sources.coros]: no connector named "coros" is installed' in error["message"]
    with pytest.raises(
        ConfigError, match=r'sources: \[sources.coros\]: no connector named "coros"'
    ):
        load_config(config)
