"""Issue 13's field cases (``../shared/cases``), each with its right value, plus other shapes
of the same kinds: what is not a run is refused with a reason, real runs are never lost."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from connectors import file_scan
from connectors.base import PullResult
from connectors.files import FilesSource
from planner.models import Run, Sport

TZ = ZoneInfo("UTC")
TODAY = date(2026, 11, 30)
CaseCopy = Callable[..., Path]
CASES = Path(__file__).resolve().parents[3] / "shared" / "cases"


@pytest.fixture
def case(tmp_path: Path) -> CaseCopy:
    """Copy the inputs of a case into a fresh folder (the shared cases are read-only)."""

    def copy(name: str, *files: str) -> Path:
        source = CASES / name / "runs"
        if not source.is_dir():
            pytest.skip(f"no case {name} at {CASES}")
        folder = tmp_path / name
        folder.mkdir()
        for path in sorted(source.iterdir()):
            if not files or path.name in files:
                shutil.copy(path, folder / path.name)
        return folder

    return copy


def pull(folder: Path, cursor: str | None = None, **kwargs: object) -> PullResult:
    return FilesSource(folder, TZ, **kwargs).pull(cursor, TODAY)  # type: ignore[arg-type]


def runs_by_name(result: PullResult) -> dict[str, Run]:
    return {r.id.removeprefix("file:"): r for r in result.runs}


def skipped_by_name(result: PullResult) -> dict[str, tuple[str, bool]]:
    return {Path(p.where).name: (p.why, p.quiet) for p in result.skipped or ()}


# -- kind 1: a run is a run only on evidence ----------------------------------------------


def test_fit_courses_are_not_runs(case: CaseCopy) -> None:
    """course-fit-as-run: file_id.type = course (garmin-fit-sdk) -> skipped quietly."""
    result = pull(case("course-fit-as-run"))
    assert result.runs == ()
    assert result.problems == ()  # quiet: a watch folder holds many courses
    skipped = skipped_by_name(result)
    assert set(skipped) == {"cptr001.fit", "cptr003.fit"}
    assert all("course" in why and quiet for why, quiet in skipped.values())


def test_sessionless_bike_fit_is_not_a_run(case: CaseCopy) -> None:
    """sessionless-fit-bike: no session, no sport (an Edge 1040 ride) -> not a run, reported."""
    result = pull(case("sessionless-fit-bike"))
    assert result.runs == ()
    (problem,) = result.problems
    assert problem.where.endswith("WithGearChangeData.fit")
    assert "nothing says it is a run" in problem.why


def test_strava_numeric_types_ride_and_swim_are_not_runs(case: CaseCopy) -> None:
    """strava-gpx-numeric-type: <type>1</type> is a ride, 16 a swim (sports-lib StravaGPXTypes)."""
    result = pull(case("strava-gpx-numeric-type"))
    assert result.runs == ()
    skipped = skipped_by_name(result)
    assert skipped["ride_7555261629_type1_every8th.gpx"][1] is True
    assert skipped["swim_4623204522-1_type16.gpx"][1] is True


@pytest.mark.parametrize(
    ("label", "sport"),
    [
        ("4", Sport.HIKE),  # Strava: Hike
        ("10", Sport.OTHER),  # Strava: Walk
        ("9", Sport.RUN),  # Strava: Run
        ("trail_running", Sport.TRAIL_RUN),  # Garmin Connect
        ("TrailRun", Sport.TRAIL_RUN),  # Strava API sport type
        ("Berglauf", Sport.TRAIL_RUN),  # German
        ("Randonnée", Sport.HIKE),  # French
        ("Escursionismo", Sport.HIKE),  # Italian
        ("Senderismo", Sport.HIKE),  # Spanish
        ("Schneeschuhwandern", Sport.OTHER),  # German: snowshoeing
        ("mountaineering", Sport.OTHER),
        ("Laufen", Sport.RUN),
        ("Course à pied", Sport.RUN),
        ("Corsa", Sport.RUN),
    ],
)
def test_labels_of_the_common_apps_and_languages(tmp_path: Path, label: str, sport: Sport) -> None:
    """Hikes stay hikes, walks and snowshoe outings are `other`, runs are runs, in any language."""
    (tmp_path / "a.gpx").write_text(_gpx(label), encoding="utf-8")
    (run,) = pull(tmp_path).runs
    assert run.sport is sport


@pytest.mark.parametrize("label", ["Radfahren", "cyclisme", "Nuoto", "17", "Skitour", "kayaking"])
def test_rides_swims_skis_and_paddles_are_not_stored(tmp_path: Path, label: str) -> None:
    (tmp_path / "a.gpx").write_text(_gpx(label), encoding="utf-8")
    result = pull(tmp_path)
    assert result.runs == () and result.problems == ()
    assert skipped_by_name(result)["a.gpx"][1] is True


def test_unknown_label_is_reported_once_and_mappable(tmp_path: Path) -> None:
    """An unknown label is not a run: reported once by file and label; `sports` maps it."""
    (tmp_path / "a.gpx").write_text(_gpx("jkljkl"), encoding="utf-8")
    first = pull(tmp_path)
    assert first.runs == ()
    (problem,) = first.problems
    assert "a.gpx" in problem.where and "'jkljkl'" in problem.why and "sports" in problem.why
    assert pull(tmp_path, first.cursor).problems == ()  # said once
    mapped = pull(tmp_path, sports={"JKLJKL": "hike"})
    assert [r.sport for r in mapped.runs] == [Sport.HIKE]


def test_tcx_course_is_not_a_run(tmp_path: Path) -> None:
    """A TCX with Courses and no Activities is a planned route: skipped quietly."""
    ns = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
    (tmp_path / "route.tcx").write_text(
        f'<TrainingCenterDatabase xmlns="{ns}"><Courses><Course><Name>Loop</Name><Track>'
        "<Trackpoint><Time>2026-11-20T08:00:00Z</Time></Trackpoint></Track></Course></Courses>"
        "</TrainingCenterDatabase>"
    )
    result = pull(tmp_path)
    assert result.runs == () and result.problems == ()
    assert "course" in skipped_by_name(result)["route.tcx"][0]


# -- kind 2: exports as they come ---------------------------------------------------------


def test_strava_gz_export_files_are_read(case: CaseCopy) -> None:
    """strava-gz-export: the .fit.gz and .gpx.gz read as their gunzipped selves."""
    runs = runs_by_name(pull(case("strava-gz-export")))
    fit, gpx = runs["6916728382.fit.gz"], runs["2067489619.gpx.gz"]
    assert fit.start.isoformat() == "2020-02-15T10:16:30+00:00"
    assert fit.distance_m == pytest.approx(21524.3, abs=0.1)
    assert fit.moving_s == pytest.approx(9699, abs=1)
    assert (fit.ascent_m, fit.descent_m, fit.descent_from) == (539, 527, "device")
    assert gpx.start.isoformat() == "2017-10-08T14:54:11+00:00"
    assert gpx.distance_m == pytest.approx(4395, abs=10)


def test_garmin_export_original_zip_is_read(case: CaseCopy) -> None:
    """garmin-export-zip: the FIT inside the zip is the run (device totals, garmin-fit-sdk)."""
    (run,) = pull(case("garmin-export-zip")).runs
    assert run.id == "file:6916728382.zip/6916728382_ACTIVITY.fit"
    assert run.distance_m == pytest.approx(21524.3, abs=0.1)
    assert run.moving_s == pytest.approx(9699, abs=1)
    assert (run.ascent_m, run.descent_m) == (539, 527)


STRAVA_CSV_HEAD = "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Filename\n"


def _strava_export(root: Path, activities: Path) -> dict[str, str]:
    """A Strava bulk export made from real files: some gzipped, some plain, rides and swims."""
    files = root / "activities"
    files.mkdir(parents=True)
    rows = {
        "101.fit.gz": ("Run", "workoutizer_fr645m_hilly_run_7k.fit", True),
        "102.gpx.gz": ("Run", "heartandsole_fr35_garminconnect_run_9k.gpx", True),
        "103.tcx": ("Run", "sportslib_1604524853_run_6k.tcx", False),
        "104.fit": ("Trail Run", "sportslib_6910052863_suunto_trail_uphill_8k.fit", False),
        "105.fit.gz": ("Ride", "tormoder_fr920xt_run_17k.fit", True),  # a file Strava calls a ride
        "106.gpx.gz": ("Swim", "sportslib_6782987395_fr945_run_14k.gpx", True),
        "107.fit.gz": ("Hike", "workoutizer_fr645m_hike_20k.fit", True),
    }
    lines = [STRAVA_CSV_HEAD]
    for n, (name, (sport, source, packed)) in enumerate(rows.items()):
        data = (activities / source).read_bytes()
        (files / name).write_bytes(gzip.compress(data) if packed else data)
        lines.append(f'{n},"Nov 1, 2020",Outing {n},{sport},3600,activities/{name}\n')
    (root / "activities.csv").write_text("".join(lines), encoding="utf-8")
    (root / "profile.csv").write_text("not,an,activity\n")
    return {name: sport for name, (sport, _s, _p) in rows.items()}


def test_strava_bulk_export_folder_imports_every_run_once(
    tmp_path: Path, testdata_dir: Path
) -> None:
    """activities.csv is the authoritative sport: runs, trail runs and hikes in, rides and
    swims out, each run exactly once; a second pull reads nothing."""
    root = tmp_path / "export_1234"
    _strava_export(root, testdata_dir / "activities")
    result = pull(root)
    runs = runs_by_name(result)
    assert sorted(runs) == [
        "activities/101.fit.gz",
        "activities/102.gpx.gz",
        "activities/103.tcx",
        "activities/104.fit",
        "activities/107.fit.gz",
    ]
    assert runs["activities/104.fit"].sport is Sport.TRAIL_RUN
    assert runs["activities/107.fit.gz"].sport is Sport.HIKE
    assert result.problems == ()
    assert {Path(p.where).name for p in result.skipped or ()} == {"105.fit.gz", "106.gpx.gz"}
    again = pull(root, result.cursor)
    assert again.runs == () and again.removed_run_ids == () and again.problems == ()


def test_strava_bulk_export_zip_imports_every_run_once(
    tmp_path: Path, testdata_dir: Path
) -> None:
    """The same export still zipped: the same runs, ids under the zip's name."""
    unpacked = tmp_path / "unpacked"
    _strava_export(unpacked, testdata_dir / "activities")
    root = tmp_path / "folder"
    root.mkdir()
    with zipfile.ZipFile(root / "export_1234.zip", "w") as archive:
        for path in sorted(unpacked.rglob("*")):
            archive.write(path, path.relative_to(unpacked).as_posix())
    result = pull(root)
    assert sorted(runs_by_name(result)) == [
        f"export_1234.zip/activities/{n}"
        for n in ("101.fit.gz", "102.gpx.gz", "103.tcx", "104.fit", "107.fit.gz")
    ]
    assert result.problems == ()


def test_refused_archives_are_named_with_the_reason(tmp_path: Path, testdata_dir: Path) -> None:
    """A zip bomb (ratio), a damaged zip and a member name in Latin-1: each named; the rest in."""
    run = (testdata_dir / "activities" / "sportslib_1604524853_run_6k.tcx").read_bytes()
    with zipfile.ZipFile(tmp_path / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.gpx", b"<gpx>" + b" " * (200 * 2**20) + b"</gpx>")
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    latin = zipfile.ZipInfo("caf\xe9/run.tcx")  # cp437 name: the UTF-8 flag is not set
    with zipfile.ZipFile(tmp_path / "old.zip", "w") as archive:
        archive.writestr(latin, run)
    (tmp_path / "bomb.gpx.gz").write_bytes(gzip.compress(b" " * (300 * 2**20)))
    result = pull(tmp_path)
    why = {Path(p.where).name if "zip/" not in p.where else p.where.split("/")[-1]: p.why
           for p in result.problems}  # fmt: skip
    assert "times its packed size" in why["a.gpx"]
    assert "zip" in why["broken.zip"]
    assert "times its packed size" in why["bomb.gpx.gz"]
    assert [r.id for r in result.runs] == ["file:old.zip/caf\xe9/run.tcx"]


# -- kind 3 and 4 of issue 13: tolerant XML, GPX structure -----------------------------------


def test_leading_whitespace_before_the_xml_declaration(case: CaseCopy) -> None:
    """xml-leading-whitespace: Strava's TCX and GPX with blanks first are read."""
    runs = runs_by_name(pull(case("xml-leading-whitespace")))
    tcx = runs["6281425038.tcx"]
    assert tcx.start.isoformat() == "2016-09-12T11:19:55+00:00"
    assert tcx.distance_m == pytest.approx(4156.7, abs=0.1)
    assert tcx.moving_s == pytest.approx(1545, abs=1)
    assert tcx.elapsed_s == pytest.approx(2163, abs=1)
    assert runs["2067489619_leading_spaces.gpx"].distance_m == pytest.approx(4395, abs=10)


def test_bom_and_newlines_before_the_declaration_and_entities_still_refused(
    tmp_path: Path,
) -> None:
    (tmp_path / "bom.gpx").write_bytes(b"\xef\xbb\xbf\r\n  " + _gpx("running").encode())
    bomb = '<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaa">]><gpx>&a;</gpx>'
    (tmp_path / "entity.gpx").write_text("   " + bomb)
    result = pull(tmp_path)
    assert [r.id for r in result.runs] == ["file:bom.gpx"]
    (problem,) = result.problems
    assert problem.where.endswith("entity.gpx") and "entities" in problem.why


def test_opentracks_pause_markers_are_segment_breaks(case: CaseCopy) -> None:
    """opentracks-legacy-pause-markers: lat=100/200 markers break the track; 4.3 km, not 34,373.

    The right value, 4302.8 m, is the same points without the markers; as a break the pause
    also drops the one step across it (35 m), hence 1 %.
    """
    folder = case("opentracks-legacy-pause-markers")
    runs = runs_by_name(pull(folder, sports={"the category": "run"}))
    assert runs["opentracks_legacy_run_with_one_pause.gpx"].distance_m == pytest.approx(
        4302.8, rel=0.01
    )
    # two steps of 0.001° of longitude at 3° N (111 m each); none across the pause
    assert runs["legacy_gpx_pause_resume.gpx"].distance_m == pytest.approx(222, abs=1)
    for run in runs.values():
        assert run.moving_s <= run.elapsed_s


def test_gaps_between_tracks_are_not_distance_and_points_are_time_ordered(tmp_path: Path) -> None:
    """Two tracks 50 km apart: their gap adds nothing; shuffled points are ordered first."""
    first = [(46.0 + i * 0.0001, 7.0, f"2026-11-20T08:{i:02d}:00Z") for i in range(20)]
    second = [(46.5 + i * 0.0001, 7.0, f"2026-11-20T09:{i:02d}:00Z") for i in range(20)]
    shuffled = first[::2] + first[1::2]
    body = "".join(
        "<trk><type>running</type><trkseg>"
        + "".join(
            f'<trkpt lat="{lat}" lon="{lon}"><ele>500</ele><time>{t}</time></trkpt>'
            for lat, lon, t in points
        )
        + "</trkseg></trk>"
        for points in (shuffled, second)
    )
    (tmp_path / "two.gpx").write_text(f'<gpx version="1.1" creator="t">{body}</gpx>')
    (run,) = pull(tmp_path).runs
    assert run.distance_m == pytest.approx(2 * 19 * 11.1, rel=0.02)
    assert run.moving_s <= run.elapsed_s


def test_few_timestamps_are_refused_with_the_reason(case: CaseCopy) -> None:
    """gpx-partial-timestamps: 5 of 296 points timed -> refused, not a 57 s run of 13.7 km."""
    result = pull(case("gpx-partial-timestamps"))
    assert result.runs == ()
    (problem,) = result.problems
    assert "5 of 296 points carry a time" in problem.why


# -- kind 5: plausibility of computed figures ------------------------------------------------


def test_implausible_computed_figures_are_skipped(tmp_path: Path) -> None:
    """Speeds no runner reaches and more descent than distance: skipped with the reason."""
    fast = [(46.0 + i * 0.01, 7.0, 500.0, f"2026-11-20T08:00:{i:02d}Z") for i in range(30)]
    cliff = [
        (46.0 + i * 0.00001, 7.0, 3000.0 - 20.0 * i, f"2026-11-20T08:{i:02d}:00Z")
        for i in range(40)
    ]
    for name, points in (("fast.gpx", fast), ("cliff.gpx", cliff)):
        pts = "".join(
            f'<trkpt lat="{a}" lon="{o}"><ele>{e}</ele><time>{t}</time></trkpt>'
            for a, o, e, t in points
        )
        (tmp_path / name).write_text(f"<gpx><trk><trkseg>{pts}</trkseg></trk></gpx>")
    why = {Path(p.where).name: p.why for p in pull(tmp_path).problems}
    assert "faster than any runner" in why["fast.gpx"]
    assert "more than the distance allows" in why["cliff.gpx"]  # 780 m down in 43 m


# -- issue 15, kind 4: one odd name or folder never stops or erases the others -------------


def test_non_utf8_file_name_is_read_and_shown_escaped(tmp_path: Path) -> None:
    """nonutf8-filename: a Latin-1 name (an old FAT copy) is read like the others."""
    good = _gpx("running")
    (tmp_path / "good1.gpx").write_text(good)
    os.close(os.open(os.fsencode(tmp_path) + b"/caf\xe9.gpx", os.O_CREAT | os.O_WRONLY, 0o644))
    Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.gpx")).write_text(good)
    result = pull(tmp_path)
    assert sorted(r.id for r in result.runs) == ["file:caf\\xe9.gpx", "file:good1.gpx"]
    for run in result.runs:
        run.id.encode("utf-8")  # storable as text
    again = pull(tmp_path, result.cursor)
    assert again.runs == () and again.removed_run_ids == ()


def test_unreadable_subfolder_keeps_its_runs_and_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """unreadable-subfolder-drops-runs: the error is injected (CI runs as root, where chmod
    does not bite); the runs of the folder stay, the folder is named on every pull."""
    (tmp_path / "2026-11").mkdir()
    (tmp_path / "a.gpx").write_text(_gpx("running"))
    (tmp_path / "2026-11" / "b.gpx").write_text(_gpx("running"))
    (tmp_path / "2026-11" / "c.tcx").write_text(_gpx("running"))
    first = pull(tmp_path)
    assert len(first.runs) == 2  # c.tcx is not a TCX
    real = file_scan.list_folder

    def failing(path: str) -> list[os.DirEntry[str]]:
        if path.endswith("2026-11"):
            raise PermissionError(13, "Permission denied", path)
        return real(path)

    monkeypatch.setattr(file_scan, "list_folder", failing)
    blocked = pull(tmp_path, first.cursor)
    assert blocked.removed_run_ids == ()
    (problem,) = blocked.problems
    assert problem.where.endswith("2026-11") and "Permission denied" in problem.why
    assert pull(tmp_path, blocked.cursor).removed_run_ids == ()
    monkeypatch.setattr(file_scan, "list_folder", real)
    back = pull(tmp_path, blocked.cursor)
    assert back.problems == () and back.removed_run_ids == () and back.runs == ()


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root and setpriv to drop the capability that overrides permissions",
)
def test_unreadable_subfolder_with_real_permissions(tmp_path: Path) -> None:
    """The same with a real chmod 000, read by a process without CAP_DAC_OVERRIDE."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.gpx").write_text(_gpx("running"))
    first = pull(tmp_path)
    (tmp_path / "sub").chmod(0)
    try:
        script = (
            "import sys; from datetime import date; from pathlib import Path;"
            "from zoneinfo import ZoneInfo; from connectors.files import FilesSource;"
            "r = FilesSource(Path(sys.argv[1]), ZoneInfo('UTC'))"
            ".pull(sys.argv[2], date(2026, 11, 30));"
            "print(len(r.removed_run_ids), r.problems[0].why if r.problems else '')"
        )
        out = subprocess.run(
            ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
             "--bounding-set=-dac_override,-dac_read_search",
             sys.executable, "-c", script, str(tmp_path), first.cursor or ""],
            capture_output=True, text=True, check=True,
            cwd=Path(__file__).resolve().parents[2],
        )  # fmt: skip
    finally:
        (tmp_path / "sub").chmod(0o755)
    removed, why = out.stdout.strip().split(" ", 1)
    assert removed == "0" and "cannot read the folder" in why


def _gpx(label: str) -> str:
    points = "".join(
        f'<trkpt lat="{46 + i * 0.0003:.5f}" lon="7"><ele>{1000 - i}</ele>'
        f"<time>2026-11-20T08:{i // 6:02d}:{i % 6 * 10:02d}Z</time></trkpt>"
        for i in range(120)
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>t</name>'
        f"<type>{label}</type><trkseg>{points}</trkseg></trk></gpx>"
    )


def test_file_the_system_refuses_is_tried_again_and_keeps_its_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read refused by the system (injected: CI runs as root) is reported on every pull and
    read once allowed, though fixing permissions changes neither size nor mtime."""
    from connectors import files
    from connectors.recording import CannotRead

    (tmp_path / "a.gpx").write_text(_gpx("running"))
    first = pull(tmp_path)
    (tmp_path / "a.gpx").write_text(_gpx("running").replace("<name>t</name>", "<name>u</name>"))
    real = files.check_before_decoding

    def refuse(path: Path) -> None:
        raise CannotRead("cannot read the file (Permission denied)")

    monkeypatch.setattr(files, "check_before_decoding", refuse)
    refused = pull(tmp_path, first.cursor)
    again = pull(tmp_path, refused.cursor)
    for result in (refused, again):
        assert result.removed_run_ids == () and "Permission denied" in result.problems[0].why
    monkeypatch.setattr(files, "check_before_decoding", real)
    allowed = pull(tmp_path, again.cursor)
    assert [r.name for r in allowed.runs] == ["u"] and allowed.problems == ()


def test_archive_bounds_on_members_and_unpacked_size(
    tmp_path: Path, testdata_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Too many members, or more unpacked than the bound: the zip is refused, named, with why
    (the bounds lowered here; the defaults are 20,000 members and 2 GB)."""
    from connectors import archives

    run = (testdata_dir / "activities" / "sportslib_1604524853_run_6k.tcx").read_bytes()
    with zipfile.ZipFile(tmp_path / "many.zip", "w") as archive:
        for n in range(3):
            archive.writestr(f"{n}.tcx", run)
    monkeypatch.setattr(archives, "MAX_MEMBERS", 2)
    (problem,) = pull(tmp_path).problems
    assert problem.where.endswith("many.zip") and "3 members" in problem.why
    monkeypatch.setattr(archives, "MAX_MEMBERS", 20_000)
    monkeypatch.setattr(archives, "MAX_UNPACKED_BYTES", 2 * len(run))
    (problem,) = pull(tmp_path).problems
    assert "unpacks to" in problem.why


@pytest.mark.parametrize(("timed", "kept"), [(30, False), (90, True)])
def test_share_of_timed_points_decides(tmp_path: Path, timed: int, kept: bool) -> None:
    """Under half the points timed: refused with the count; a few gaps: the run is read,
    its duration from the timed points and its distance from all of them."""
    points = "".join(
        f'<trkpt lat="{46 + i * 0.0003:.5f}" lon="7"><ele>500</ele>'
        + (f"<time>2026-11-20T08:{i // 6:02d}:{i % 6 * 10:02d}Z</time>" if i < timed else "")
        + "</trkpt>"
        for i in range(100)
    )
    (tmp_path / "a.gpx").write_text(f"<gpx><trk><trkseg>{points}</trkseg></trk></gpx>")
    result = pull(tmp_path)
    if kept:
        (run,) = result.runs
        assert run.elapsed_s == (timed - 1) * 10 and run.distance_m == pytest.approx(3300, rel=0.01)
    else:
        (problem,) = result.problems
        assert f"only {timed} of 100 points carry a time" in problem.why
