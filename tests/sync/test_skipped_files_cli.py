"""Skipped activity files through the CLI: said once at sync, listed by ``runs --skipped``,
and one odd name never stops the others from being stored (issues 13 and 15)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from sync.cli import app

runner = CliRunner()
TODAY = "2026-11-25"


def _gpx(label: str, day: str = "2026-11-20") -> str:
    points = "".join(
        f'<trkpt lat="{46 + i * 0.0003:.5f}" lon="7"><ele>{1000 - i}</ele>'
        f"<time>{day}T08:{i // 6:02d}:{i % 6 * 10:02d}Z</time></trkpt>"
        for i in range(120)
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="t"><trk><name>t</name>'
        f"<type>{label}</type><trkseg>{points}</trkseg></trk></gpx>"
    )


def _config(tmp_path: Path, folder: Path, sports: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        'timezone = "Europe/Zurich"\n'
        f'state_dir = "{tmp_path / "state"}"\n'
        "[sources.files]\n"
        f'path = "{folder}"\n' + (f"sports = {{ {sports} }}\n" if sports else "") + "[sinks.ics]\n"
        f'path = "{tmp_path / "out.ics"}"\n',
        encoding="utf-8",
    )
    return path


def _json(*args: str) -> Any:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_skipped_files_are_said_once_and_listed(tmp_path: Path) -> None:
    folder = tmp_path / "acts"
    folder.mkdir()
    (folder / "run.gpx").write_text(_gpx("running"))
    (folder / "ride.gpx").write_text(_gpx("1"))  # Strava: a ride, skipped quietly
    (folder / "odd.gpx").write_text(_gpx("Zumba"))  # unknown: reported
    (folder / "broken.tcx").write_text("not xml")
    config = str(_config(tmp_path, folder))
    first = _json("sync", "--config", config, "--today", TODAY, "--json")
    assert first["runs_pulled"] == 1
    warned = " ".join(first["warnings"])
    assert "odd.gpx" in warned and "'Zumba'" in warned and "broken.tcx" in warned
    assert "ride.gpx" not in warned
    second = _json("sync", "--config", config, "--today", TODAY, "--json")
    assert second["warnings"] == []  # nothing changed: nothing said again
    listed = _json("runs", "--config", config, "--skipped", "--json")["skipped"]
    by_name = {Path(item["file"]).name: item for item in listed}
    assert set(by_name) == {"ride.gpx", "odd.gpx", "broken.tcx"}
    assert by_name["ride.gpx"]["quiet"] is True and by_name["odd.gpx"]["quiet"] is False
    assert all(item["source"] == "files" and item["why"] for item in listed)
    table = runner.invoke(app, ["runs", "--config", config, "--skipped"])
    assert table.exit_code == 0 and "broken.tcx" in table.stdout


def test_mapped_label_is_imported(tmp_path: Path) -> None:
    """`[sources.files] sports` maps an app's label the built-in tables do not know."""
    folder = tmp_path / "acts"
    folder.mkdir()
    (folder / "odd.gpx").write_text(_gpx("Zumba"))
    config = str(_config(tmp_path, folder, sports='"zumba" = "other"'))
    assert _json("sync", "--config", config, "--today", TODAY, "--json")["runs_pulled"] == 1
    (run,) = _json("runs", "--config", config, "--today", TODAY, "--json")["runs"]
    assert run["sport"] == "other"


def test_non_utf8_name_does_not_stop_the_sync(tmp_path: Path) -> None:
    """nonutf8-filename: a Latin-1 name no longer fails every sync; both runs are stored,
    the odd one under its name with the byte shown escaped."""
    folder = tmp_path / "acts"
    folder.mkdir()
    (folder / "good1.gpx").write_text(_gpx("running"))
    odd = Path(os.fsdecode(os.fsencode(folder) + b"/caf\xe9.gpx"))
    odd.write_text(_gpx("running", day="2026-11-21"))
    config = str(_config(tmp_path, folder))
    data = _json("sync", "--config", config, "--today", TODAY, "--json")
    assert data["runs_pulled"] == 2 and data["errors"] == []
    runs = _json("runs", "--config", config, "--today", TODAY, "--json")["runs"]
    assert sorted(r["id"] for r in runs) == ["file:caf\\xe9.gpx", "file:good1.gpx"]
    again = _json("sync", "--config", config, "--today", TODAY, "--json")
    assert again["errors"] == [] and again["runs_pulled"] == 0


def test_a_source_whose_runs_cannot_be_stored_does_not_stop_the_others(tmp_path: Path) -> None:
    """A run id the database cannot hold (a lone surrogate, as an undecodable file name once
    gave) fails its own source, rolled back and reported; the next source is stored."""
    from dataclasses import replace
    from datetime import UTC, date

    from connectors.base import PullResult
    from connectors.files import FilesSource
    from sync.engine.run import SyncReport, pull_all
    from sync.store.database import StateDatabase

    folder = tmp_path / "acts"
    folder.mkdir()
    (folder / "good.gpx").write_text(_gpx("running"))
    good = FilesSource(folder, UTC, name="files")  # type: ignore[arg-type]
    (run,) = good.pull(None, date(2026, 11, 25)).runs

    class Broken:
        name = "broken"

        def pull(self, cursor: str | None, today: date) -> PullResult:
            odd = replace(run, id="file:caf\udce9.gpx", sources=("file:caf\udce9.gpx",))
            return PullResult((odd,), None)

    state = StateDatabase.open(tmp_path / "state")
    report = SyncReport(today=date(2026, 11, 25))
    pull_all([Broken(), good], state, date(2026, 11, 25), report)
    assert [name for name, _ in report.errors] == ["broken"]
    assert [r.id for r in state.runs()] == ["file:good.gpx"]
    state.close()


def test_a_sports_mapping_to_an_unknown_kind_is_a_config_error(tmp_path: Path) -> None:
    folder = tmp_path / "acts"
    folder.mkdir()
    config = str(_config(tmp_path, folder, sports='"Zumba" = "dance"'))
    result = runner.invoke(app, ["runs", "--config", config])
    assert result.exit_code != 0
    assert "sports" in result.output and "Zumba" in result.output
