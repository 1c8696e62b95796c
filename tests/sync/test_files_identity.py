"""The files source across upgrades, moves and relabels (issue 13, faults 1, 9 and 15).

A state made by an older hamsync is built here through the store, as that version left it
(its cursor carries no reader version); moves, unpacking and relabels are done on copies of
real files in ``tmp_path``. Every sync goes through the CLI, as a runner's would.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from planner.models import CheckIn, Feeling, PlannerState, Run, Sport
from sync.cli import app
from sync.store.database import StateDatabase

runner = CliRunner()
TODAY = "2026-11-30"
CASES = Path(__file__).resolve().parents[3] / "shared" / "cases"
RIDE = "ride_7555261629_type1_every8th.gpx"
COURSE = "cptr003.fit"
RUN = "fitparse_fenix2_run_9k.fit"


def _config(tmp_path: Path, folder: Path, sports: str = "") -> str:
    path = tmp_path / "config.toml"
    path.write_text(
        'timezone = "UTC"\n'
        f'state_dir = "{tmp_path / "state"}"\n'
        "[sources.files]\n"
        f'path = "{folder}"\n' + (f"sports = {{ {sports} }}\n" if sports else "") + "[sinks.ics]\n"
        f'path = "{tmp_path / "out.ics"}"\n',
        encoding="utf-8",
    )
    return str(path)


def _sync(config: str, code: int = 0) -> Any:
    result = runner.invoke(app, ["sync", "--config", config, "--today", TODAY, "--json"])
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)


def _runs(config: str) -> dict[str, Any]:
    args = ["runs", "--config", config, "--today", TODAY, "--days", "20000", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return {r["id"]: r for r in json.loads(result.stdout)["runs"]}


def _skipped(config: str) -> dict[str, Any]:
    result = runner.invoke(app, ["runs", "--config", config, "--skipped", "--json"])
    assert result.exit_code == 0, result.output
    return {Path(item["file"]).name: item for item in json.loads(result.stdout)["skipped"]}


def _shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"no shared input at {path}")
    return path


def _old_run(name: str, start: datetime, distance: float, descent: float) -> Run:
    """A run as hamsync stored it before issue 13 (every file a run, id ``file:<name>``)."""
    return Run(
        id=f"file:{name}",
        sources=(f"file:{name}",),
        start=start,
        sport=Sport.RUN,
        distance_m=distance,
        moving_s=distance / 3.0,
        elapsed_s=distance / 3.0,
        ascent_m=descent,
        descent_m=descent,
        descent_from="computed",
    )


def _old_state(tmp_path: Path, folder: Path, runs: list[Run]) -> None:
    """The state an older version leaves: its runs, a cursor without a reader version, and the
    runner's own marks (a check-in, a session done)."""
    state = StateDatabase.open(tmp_path / "state")
    files = {}
    for path in sorted(folder.iterdir()):
        st = path.stat()
        files[path.name] = f"{st.st_mtime_ns}:{st.st_size}"
    cursor = json.dumps({"v": 1, "files": files})
    with state.transaction():
        state.save_pull("files", runs, cursor)
        state.add_checkin(CheckIn(date(2026, 11, 28), Feeling.SENSITIVE, "after the ridge"))
        state.save_planner_state(PlannerState(done_session_ids=frozenset({"2026-W48-1"})))
    state.close()


def _upgrade_folder(tmp_path: Path, testdata_dir: Path) -> Path:
    folder = tmp_path / "runs"
    folder.mkdir()
    shutil.copy(_shared(CASES / "strava-gpx-numeric-type" / "runs" / RIDE), folder / RIDE)
    shutil.copy(_shared(CASES / "course-fit-as-run" / "runs" / COURSE), folder / COURSE)
    return folder


def test_upgrade_reads_every_file_again_and_removes_what_is_no_run(
    tmp_path: Path, testdata_dir: Path
) -> None:
    """The tester's upgrade: a ride and a course stored as runs by the old version leave the
    store on the first sync, each with a line saying why; the real run, the check-in and the
    done mark stay; the second sync says nothing more."""
    folder = _upgrade_folder(tmp_path, testdata_dir)
    shutil.copy(testdata_dir / "activities" / RUN, folder / RUN)
    _old_state(
        tmp_path,
        folder,
        [
            _old_run(RIDE, datetime(2022, 7, 30, 7, 0, tzinfo=UTC), 69080.0, 579.8),
            _old_run(COURSE, datetime(2012, 3, 1, 9, 0, tzinfo=UTC), 48304.0, 950.0),
            _old_run(RUN, datetime(2015, 8, 15, 14, 45, 8, tzinfo=UTC), 9008.2, 61.0),
        ],
    )
    config = _config(tmp_path, folder)
    first = _sync(config)
    assert set(_runs(config)) == {f"file:{RUN}"}
    notices = [w for w in first["warnings"] if "its stored run is removed" in w]
    assert len(notices) == 2
    assert any(RIDE in w and "this version's rules" in w and "not a run" in w for w in notices)
    assert any(COURSE in w and "course" in w for w in notices)
    assert first["refused"] == []
    skipped = _skipped(config)
    assert set(skipped) == {RIDE, COURSE}
    second = _sync(config)
    assert not any("removed" in w for w in second["warnings"])
    assert set(_runs(config)) == {f"file:{RUN}"}
    state = StateDatabase.open(tmp_path / "state")
    try:
        assert [c.day for c in state.checkins()] == [date(2026, 11, 28)]
        assert "2026-W48-1" in state.planner_state(1).done_session_ids
    finally:
        state.close()


def test_upgrade_that_empties_the_store_is_not_refused(tmp_path: Path, testdata_dir: Path) -> None:
    """When every run of the old version is a file that the new rules read as no run, the
    source gives nothing and removes all: that is the rules, not a missing disk (exit 0)."""
    folder = _upgrade_folder(tmp_path, testdata_dir)
    _old_state(
        tmp_path,
        folder,
        [
            _old_run(RIDE, datetime(2022, 7, 30, 7, 0, tzinfo=UTC), 69080.0, 579.8),
            _old_run(COURSE, datetime(2012, 3, 1, 9, 0, tzinfo=UTC), 48304.0, 950.0),
        ],
    )
    config = _config(tmp_path, folder)
    report = _sync(config)
    assert report["refused"] == []
    assert _runs(config) == {}


def test_upgrade_corrects_a_hike_stored_as_a_run(tmp_path: Path) -> None:
    """Another shape: a GPX labelled 'Wandern' that the old rules stored as a run is a hike
    once read again; its id (and so anything tied to it) stays."""
    folder = tmp_path / "runs"
    folder.mkdir()
    (folder / "tour.gpx").write_text(_gpx("Wandern", "2026-11-20"), encoding="utf-8")
    start = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    _old_state(tmp_path, folder, [_old_run("tour.gpx", start, 1300.0, 119.0)])
    config = _config(tmp_path, folder)
    _sync(config)
    runs = _runs(config)
    assert list(runs) == ["file:tour.gpx"]
    assert runs["file:tour.gpx"]["sport"] == "hike"


def _gpx(label: str, day: str, lat0: float = 46.0) -> str:
    points = "".join(
        f'<trkpt lat="{lat0 + i * 0.0001:.5f}" lon="7"><ele>{1000 - i}</ele>'
        f"<time>{day}T08:{i // 6:02d}:{i % 6 * 10:02d}Z</time></trkpt>"
        for i in range(120)
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="t"><trk><name>t</name>'
        f"<type>{label}</type><trkseg>{points}</trkseg></trk></gpx>"
    )


def test_unpacking_a_zip_and_deleting_it_is_not_a_removal(
    tmp_path: Path, testdata_dir: Path
) -> None:
    """The tester's fault 9: a zip of the real FIT runs is read; the runner unpacks it into
    ``export/`` and deletes it, and adds a new run. The sync goes through (no exit 6), the
    runs are stored once each, and the new run is stored."""
    folder = tmp_path / "runs"
    folder.mkdir()
    fits = sorted((testdata_dir / "activities").glob("*.fit"))[:8]
    with zipfile.ZipFile(folder / "export.zip", "w") as archive:
        for path in fits:
            archive.write(path, path.name)
    config = _config(tmp_path, folder)
    _sync(config)
    before = _runs(config)
    assert len(before) >= 6
    (folder / "export").mkdir()
    with zipfile.ZipFile(folder / "export.zip") as archive:
        archive.extractall(folder / "export")
    (folder / "export.zip").unlink()
    (folder / "new.gpx").write_text(_gpx("running", "2026-11-27"), encoding="utf-8")
    report = _sync(config)
    assert report["refused"] == []
    after = _runs(config)
    assert len(after) == len(before) + 1
    assert sorted(r["start"] for r in after.values() if r["id"] != "file:new.gpx") == sorted(
        r["start"] for r in before.values()
    )
    assert all(i.startswith("file:export/") for i in after if i != "file:new.gpx")
    assert _sync(config)["refused"] == []


def test_moving_files_into_year_folders_keeps_them_once(tmp_path: Path, testdata_dir: Path) -> None:
    """Another shape: loose files moved into ``2019/`` (as a runner tidies up), while a
    Strava copy of one of them is stored too: every run stays, none twice."""
    folder = tmp_path / "runs"
    folder.mkdir()
    for day in range(1, 8):
        (folder / f"r{day}.gpx").write_text(
            _gpx("running", f"2026-11-{day + 10:02d}"), encoding="utf-8"
        )
    config = _config(tmp_path, folder)
    _sync(config)
    assert len(_runs(config)) == 7
    (folder / "2019").mkdir()
    for path in sorted(folder.glob("*.gpx")):
        path.rename(folder / "2019" / path.name)
    report = _sync(config)
    assert report["refused"] == []
    assert sorted(_runs(config)) == [f"file:2019/r{day}.gpx" for day in range(1, 8)]


def test_a_deleted_folder_is_still_refused(tmp_path: Path) -> None:
    """The valve still guards what it is for: every file gone at once (a disk not mounted)."""
    folder = tmp_path / "runs"
    folder.mkdir()
    for day in range(1, 8):
        (folder / f"r{day}.gpx").write_text(
            _gpx("running", f"2026-11-{day + 10:02d}"), encoding="utf-8"
        )
    config = _config(tmp_path, folder)
    _sync(config)
    shutil.rmtree(folder)
    folder.mkdir()
    report = _sync(config, code=6)
    assert "is the folder or disk missing?" in report["refused"][0]["message"]
    assert len(_runs(config)) == 7


@pytest.mark.parametrize("label", ["cycling", "Zumba"])
def test_relabelling_the_only_file(tmp_path: Path, label: str) -> None:
    """The tester's fault 15: the only GPX relabelled as a ride or an unknown sport. Not a
    missing folder: the sync goes through, says the run is removed and why, warns about the
    unknown label, and ``runs --skipped`` lists the file."""
    folder = tmp_path / "runs"
    folder.mkdir()
    gpx = folder / "a.gpx"
    gpx.write_text(_gpx("running", "2026-11-27"), encoding="utf-8")
    config = _config(tmp_path, folder)
    _sync(config)
    assert list(_runs(config)) == ["file:a.gpx"]
    gpx.write_text(_gpx(label, "2026-11-27"), encoding="utf-8")
    report = _sync(config)
    assert report["refused"] == []
    assert _runs(config) == {}
    warned = " | ".join(report["warnings"])
    assert "a.gpx: changed, it is not a run" in warned and "its stored run is removed" in warned
    if label == "Zumba":
        assert "unknown sport 'Zumba'" in warned
    assert set(_skipped(config)) == {"a.gpx"}


def test_a_run_also_seen_on_strava_stays_one_run_when_its_file_moves(tmp_path: Path) -> None:
    """Dedup across sources stays right through a move: the run Strava also holds is one run
    before and after, with the Strava id and the file's new place as its sources."""
    folder = tmp_path / "runs"
    folder.mkdir()
    (folder / "a.gpx").write_text(_gpx("running", "2026-11-27"), encoding="utf-8")
    config = _config(tmp_path, folder)
    _sync(config)
    (stored,) = _stored_runs(tmp_path)
    strava = Run(
        id="strava:77",
        sources=("strava:77",),
        start=stored.start,
        sport=Sport.RUN,
        distance_m=stored.distance_m * 1.02,
        moving_s=stored.moving_s,
        elapsed_s=stored.elapsed_s,
        ascent_m=None,
        descent_m=None,
        descent_from="summary",
    )
    state = StateDatabase.open(tmp_path / "state")
    with state.transaction():
        state.store_run(strava)
    state.close()
    (folder / "2026").mkdir()
    (folder / "a.gpx").rename(folder / "2026" / "a.gpx")
    assert _sync(config)["refused"] == []
    (after,) = _stored_runs(tmp_path)
    assert set(after.sources) == {"strava:77", "file:2026/a.gpx"}
    assert after.descent_from == "computed"  # the file's measured descent, the richer record


def _stored_runs(tmp_path: Path) -> list[Run]:
    state = StateDatabase.open(tmp_path / "state")
    try:
        return state.runs()
    finally:
        state.close()


def test_a_new_sports_mapping_reads_the_files_again(tmp_path: Path) -> None:
    """Another shape of new rules: the runner maps the label they were warned about, and the
    next sync stores the file (unchanged since) as a run; taking the mapping out again
    removes it, with a line saying why."""
    folder = tmp_path / "runs"
    folder.mkdir()
    (folder / "z.gpx").write_text(_gpx("Zumba", "2026-11-27"), encoding="utf-8")
    (folder / "r.gpx").write_text(_gpx("running", "2026-11-25"), encoding="utf-8")
    config = _config(tmp_path, folder)
    first = _sync(config)
    assert any("unknown sport 'Zumba'" in w for w in first["warnings"])
    mapped = _config(tmp_path, folder, sports='"zumba" = "other"')
    second = _sync(mapped)
    assert not any("Zumba" in w for w in second["warnings"])
    runs = _runs(mapped)
    assert runs["file:z.gpx"]["sport"] == "other" and "file:r.gpx" in runs
    assert _skipped(mapped) == {}
    unmapped = _config(tmp_path, folder)
    third = _sync(unmapped)
    assert third["refused"] == []
    assert any(
        "z.gpx: read again with the new [sources.files] sports" in w for w in third["warnings"]
    )
    assert list(_runs(unmapped)) == ["file:r.gpx"]
