"""The files connector on copies of real activity files and on the generated samples."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from connectors import files
from connectors.base import PullResult, SourceError
from connectors.files import FilesSource
from connectors.recording import Recording
from planner.models import Run, Sport

TZ = ZoneInfo("Europe/Zurich")
TODAY = date(2026, 11, 23)
SAMPLES = Path(__file__).resolve().parents[2] / "examples" / "activities"
HILLY = "workoutizer_fr645m_hilly_run_7k.fit"
SMALL = "sportslib_2067489619_vivoactivehr_run_4k.fit"
MULTI = "fitparse_fenix2_multisport_mountain.fit"
GPX = "gpxpy_korita-zbevnica_hike_15k.gpx"
TCX = "sportslib_1604524853_run_6k.tcx"


class Spy:
    """Records which FIT files the connector decodes; decodes through the session cache."""

    def __init__(self, decode: Callable[[Path], list[Recording]]) -> None:
        self.decode = decode
        self.paths: list[str] = []

    def __call__(self, path: Path) -> list[Recording]:
        self.paths.append(path.name)
        return self.decode(path)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch, decode_fit: Callable[[Path], list[Recording]]) -> Spy:
    reader = Spy(decode_fit)
    monkeypatch.setitem(files.READERS, ".fit", reader)
    return reader


@pytest.fixture
def folder(tmp_path: Path, testdata_dir: Path) -> Path:
    """A runner's folder with copies of a few real files, one in a subfolder."""
    src = testdata_dir / "activities"
    root = tmp_path / "activities"
    (root / "2019").mkdir(parents=True)
    shutil.copy(src / HILLY, root / HILLY)
    shutil.copy(src / SMALL, root / "2019" / SMALL.replace(".fit", ".FIT"))
    # gpxpy's test file labels its track "jkljkl", an unknown sport (not a run, see
    # test_unknown_label_is_reported_and_mappable); the copy says "Wandern" (German: hiking)
    text = (src / GPX).read_text(encoding="utf-8")
    (root / GPX).write_text(text.replace("<type>jkljkl</type>", "<type>Wandern</type>"))
    shutil.copy(src / TCX, root / TCX)
    (root / "notes.txt").write_text("not an activity")
    return root


def by_id(result: PullResult) -> dict[str, Run]:
    return {r.id: r for r in result.runs}


def test_imports_every_format_recursively(folder: Path, spy: Spy) -> None:
    """FIT (any case, in subfolders), GPX and TCX files all become runs with file ids."""
    result = FilesSource(folder, TZ).pull(None, TODAY)
    # the GPX's second track is a saved 8.6 km loop 13 km away, without times: left out
    (note,) = result.problems
    assert note.where.endswith(GPX) and "its track 2 ('03-OCT-10 #2') only" in note.why
    runs = by_id(result)
    assert set(runs) == {
        f"file:{HILLY}",
        f"file:2019/{SMALL.replace('.fit', '.FIT')}",
        f"file:{GPX}",
        f"file:{TCX}",
    }
    hilly = runs[f"file:{HILLY}"]
    assert hilly.sources == (hilly.id,)
    assert hilly.start.tzinfo is not None and hilly.start.utcoffset() == timedelta(0)
    assert hilly.start.isoformat() == "2019-09-18T14:02:35+00:00"
    assert hilly.sport is Sport.RUN
    assert hilly.distance_m == pytest.approx(6596, abs=1)
    assert hilly.moving_s == pytest.approx(3327.5, abs=1)
    assert hilly.elapsed_s == pytest.approx(3328.8, abs=1)
    assert runs[f"file:{TCX}"].distance_m == pytest.approx(6106.6, abs=1)
    assert runs[f"file:{GPX}"].name == "03-OCT-10"
    assert [r.start for r in result.runs] == sorted(r.start for r in result.runs)


def test_device_total_wins(folder: Path, spy: Spy) -> None:
    """FIT session totals are used when present; GPX/TCX use the measured terrain."""
    runs = by_id(FilesSource(folder, TZ).pull(None, TODAY))
    hilly = runs[f"file:{HILLY}"]
    assert (hilly.ascent_m, hilly.descent_m, hilly.descent_from) == (217, 212, "device")
    assert hilly.terrain is not None
    assert hilly.terrain.descent_m == pytest.approx(212, rel=0.05)
    tcx = runs[f"file:{TCX}"]
    assert tcx.descent_from == "computed"
    assert tcx.terrain is not None and tcx.descent_m == tcx.terrain.descent_m
    # no device total in this phone-recorded TCX; sports-lib's own measure says 440 m (its spec
    # "should parse running TCX file (1)"): GPS altitude, so only a band
    assert tcx.descent_m == pytest.approx(440, rel=0.2)


def test_no_altitude_means_no_descent(tmp_path: Path) -> None:
    """A TCX without altitudes gives a run whose descent comes from nowhere."""
    write_tcx(tmp_path / "flat.tcx", "2026-11-20T07:00:00Z", altitude=False)
    (run,) = FilesSource(tmp_path, TZ).pull(None, TODAY).runs
    assert (run.descent_m, run.descent_from, run.terrain) == (None, "none", None)


def test_multisport_keeps_running_sessions_only(
    tmp_path: Path, testdata_dir: Path, spy: Spy
) -> None:
    """A multi-sport FIT gives one run per running leg; cycling and transitions are left out."""
    shutil.copy(testdata_dir / "activities" / MULTI, tmp_path / MULTI)
    result = FilesSource(tmp_path, TZ).pull(None, TODAY)
    assert [r.id for r in result.runs] == [f"file:{MULTI}#1", f"file:{MULTI}#2"]
    assert [r.sport for r in result.runs] == [Sport.RUN, Sport.RUN]
    assert [r.descent_m for r in result.runs] == [0, 802]
    assert [r.sources for r in result.runs] == [(f"file:{MULTI}#1",), (f"file:{MULTI}#2",)]
    (tmp_path / MULTI).unlink()
    gone = FilesSource(tmp_path, TZ).pull(result.cursor, TODAY)
    assert sorted(gone.removed_run_ids) == [f"file:{MULTI}#1", f"file:{MULTI}#2"]


def test_second_pull_decodes_nothing(folder: Path, spy: Spy) -> None:
    """With the cursor of the last pull, unchanged files are neither decoded nor returned."""
    source = FilesSource(folder, TZ)
    first = source.pull(None, TODAY)
    spy.paths.clear()
    second = source.pull(first.cursor, TODAY)
    assert spy.paths == []
    assert second.runs == () and second.removed_run_ids == () and second.problems == ()
    assert second.cursor == first.cursor


def test_touched_or_changed_file_is_read_again(folder: Path, spy: Spy) -> None:
    """A file with a new modification time or size is decoded again, and only that one."""
    source = FilesSource(folder, TZ)
    cursor = source.pull(None, TODAY).cursor
    spy.paths.clear()
    path = folder / HILLY
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    touched = source.pull(cursor, TODAY)
    assert spy.paths == [HILLY]
    assert [r.id for r in touched.runs] == [f"file:{HILLY}"]
    gpx = folder / GPX
    gpx.write_text(gpx.read_text().replace("03-OCT-10", "Renamed outing"))
    changed = source.pull(touched.cursor, TODAY)
    assert [(r.id, r.name) for r in changed.runs] == [(f"file:{GPX}", "Renamed outing")]


def test_deleted_file_is_reported_removed(folder: Path, spy: Spy) -> None:
    """A file that disappeared is listed in removed_run_ids, once."""
    source = FilesSource(folder, TZ)
    cursor = source.pull(None, TODAY).cursor
    (folder / TCX).unlink()
    result = source.pull(cursor, TODAY)
    assert result.removed_run_ids == (f"file:{TCX}",)
    assert source.pull(result.cursor, TODAY).removed_run_ids == ()


def test_corrupt_files_are_problems_not_failures(folder: Path, testdata_dir: Path) -> None:
    """A truncated FIT, a garbage GPX and a non-XML TCX each give a Problem; the rest imports."""
    data = (testdata_dir / "activities" / SMALL).read_bytes()
    (folder / "truncated.fit").write_bytes(data[: len(data) // 2])
    (folder / "garbage.gpx").write_bytes(b"\x00\x01 this is not xml at all <<<")
    (folder / "broken.tcx").write_text("Activity,Sport\n1,Running\n")
    (folder / "empty.fit").write_bytes(b"")
    result = FilesSource(folder, TZ).pull(None, TODAY)
    named = {Path(p.where).name: p.why for p in result.problems}
    assert set(named) == {"truncated.fit", "garbage.gpx", "broken.tcx", "empty.fit", GPX}
    assert "truncated" in named["truncated.fit"]
    assert "GPX" in named["garbage.gpx"] and "TCX" in named["broken.tcx"]
    assert len(result.runs) == 4
    # said once: unchanged, a problem file is neither read nor reported again, but listed
    again = FilesSource(folder, TZ).pull(result.cursor, TODAY)
    assert again.problems == () and again.runs == ()
    assert again.skipped is not None
    assert {Path(p.where).name: p.why for p in again.skipped} == named
    # changed, it is read again (and reported again if still bad)
    (folder / "garbage.gpx").write_bytes(b"<gpx>still not a track</gpx>")
    third = FilesSource(folder, TZ).pull(again.cursor, TODAY)
    assert [Path(p.where).name for p in third.problems] == ["garbage.gpx"]


def write_tcx(path: Path, start: str, altitude: bool = True, seconds: str = "1800") -> None:
    alt = "<AltitudeMeters>500</AltitudeMeters>" if altitude else ""
    point = "<Trackpoint><Time>{}</Time>" + alt + "<DistanceMeters>{}</DistanceMeters></Trackpoint>"
    end = start  # the last trackpoint when the lap ends (trackpoints all at one time: no run)
    if start and float(seconds) > 0:
        end = (datetime.fromisoformat(start) + timedelta(seconds=float(seconds))).isoformat()
    points = "".join(point.format(t, d) for t, d in ((start, 0), (end, 5000)) if t)
    ns = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
    path.write_text(
        f'<TrainingCenterDatabase xmlns="{ns}"><Activities><Activity Sport="Running">'
        f"<Id>{start}</Id><Lap><TotalTimeSeconds>{seconds}</TotalTimeSeconds>"
        f"<DistanceMeters>5000</DistanceMeters><Track>{points}</Track></Lap>"
        "</Activity></Activities></TrainingCenterDatabase>"
    )


@pytest.mark.parametrize(
    ("start", "seconds", "why"),
    [
        ("", "1800", "no timestamps"),
        ("1999-12-31T10:00:00Z", "1800", "before 2000"),
        ("2026-11-26T10:00:00Z", "1800", "in the future"),
        ("2026-11-20T10:00:00Z", "-60", "negative"),
    ],
)
def test_absurd_activity_is_rejected(tmp_path: Path, start: str, seconds: str, why: str) -> None:
    """Files without timestamps, dated before 2000 or after tomorrow, or with negative times."""
    write_tcx(tmp_path / "odd.tcx", start, seconds=seconds)
    write_tcx(tmp_path / "fine.tcx", "2026-11-20T07:00:00Z")
    result = FilesSource(tmp_path, TZ).pull(None, TODAY)
    assert [r.id for r in result.runs] == ["file:fine.tcx"]
    (problem,) = result.problems
    assert problem.where.endswith("odd.tcx") and why in problem.why


def test_tomorrow_is_still_accepted(tmp_path: Path) -> None:
    """An activity dated tomorrow (a clock or time-zone slip) is not rejected."""
    write_tcx(tmp_path / "early.tcx", "2026-11-24T06:00:00Z")
    assert len(FilesSource(tmp_path, TZ).pull(None, TODAY).runs) == 1


def test_generated_samples_import_cleanly() -> None:
    """Every file of examples/activities imports, with the weeks the samples promise."""
    result = FilesSource(SAMPLES, TZ).pull(None, TODAY)
    assert result.problems == ()
    runs = result.runs
    assert len(runs) >= 12
    assert {Path(r.id.removeprefix("file:")).suffix for r in runs} == {".fit", ".gpx", ".tcx"}
    local = [(r, r.start.astimezone(TZ)) for r in runs]
    assert all(date(2026, 10, 26) <= d.date() <= date(2026, 11, 22) for _, d in local)
    assert [r.sport for r in runs].count(Sport.HIKE) == 1
    longs = [r for r, d in local if d.weekday() == 5]
    assert len(longs) == 4
    assert all(r.sport is Sport.TRAIL_RUN and 90 * 60 <= r.moving_s <= 150 * 60 for r in longs)
    assert max(r.descent_m or 0 for r in longs) >= 1000
    assert all(
        500 <= (r.descent_m or 0) <= 900 for r in sorted(longs, key=lambda r: r.descent_m or 0)[:3]
    )
    hills = [r for r, d in local if d.weekday() == 1]
    assert len(hills) == 4
    assert all(
        ((r.ascent_m or 0) + (r.descent_m or 0)) / (r.distance_m / 1000) >= 50 for r in hills
    )
    fits = [r for r in runs if r.id.endswith(".fit")]
    assert all(r.descent_from == "device" for r in fits)
    for r in fits:  # the device totals and our measurement of the noisy stream agree
        assert r.terrain is not None and r.descent_m is not None
        if r.descent_m < 100:
            continue
        assert r.terrain.descent_m == pytest.approx(r.descent_m, rel=0.08)


def test_relative_to_today_shifts_by_whole_weeks() -> None:
    """The demo mode moves the newest run into the last 7 days, keeping every weekday."""
    today = date(2027, 3, 3)
    plain = FilesSource(SAMPLES, TZ).pull(None, today)
    source = FilesSource(SAMPLES, TZ, relative_to_today=True)
    shifted = source.pull(None, today)
    assert len(shifted.runs) == len(plain.runs)
    newest = max(r.start for r in shifted.runs).astimezone(TZ).date()
    assert today - timedelta(days=7) <= newest < today
    for before, after in zip(plain.runs, shifted.runs, strict=True):
        assert before.id == after.id
        gap = after.start.astimezone(TZ).date() - before.start.astimezone(TZ).date()
        assert gap.days % 7 == 0 and gap.days > 0
        assert after.start.astimezone(TZ).time() == before.start.astimezone(TZ).time()
        assert after.start.tzinfo is not None and after.start.utcoffset() == timedelta(0)
    assert source.pull(shifted.cursor, today).runs == ()
    later = source.pull(shifted.cursor, today + timedelta(days=7))
    assert len(later.runs) == len(plain.runs)  # a new shift re-reads every file
    assert later.runs[0].start - shifted.runs[0].start in (timedelta(weeks=1),)


def test_missing_folder_is_an_error_naming_the_resolved_path(tmp_path: Path) -> None:
    """A folder that does not exist and never gave a run is a wrong path: say which."""
    with pytest.raises(SourceError, match=f"activity folder {tmp_path / 'nowhere'} does not"):
        FilesSource(tmp_path / "nowhere", TZ).pull(None, TODAY)
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(SourceError, match="is not a folder") as caught:
        FilesSource(tmp_path / "file.txt", TZ).pull(None, TODAY)
    assert "[sources.files] path" in caught.value.fix


def test_an_empty_folder_says_so(tmp_path: Path) -> None:
    result = FilesSource(tmp_path, TZ).pull(None, TODAY)
    assert result.runs == () and result.problems == ()
    assert result.notices == (f"no FIT, GPX or TCX files in {tmp_path}: nothing to read yet",)


def test_unreadable_cursor_means_a_full_read(tmp_path: Path) -> None:
    """A cursor that is not ours (or damaged) is ignored: every file is read again."""
    write_tcx(tmp_path / "a.tcx", "2026-11-20T07:00:00Z")
    for cursor in ("not json", '{"v": 1, "files": [1, 2]}', '{"v": 99}', "[]"):
        assert len(FilesSource(tmp_path, TZ).pull(cursor, TODAY).runs) == 1


def test_demo_shift_reports_each_problem_once(tmp_path: Path) -> None:
    """In the demo mode a bad file is reported once, even when the shift re-reads everything."""
    write_tcx(tmp_path / "a.tcx", "2026-11-20T07:00:00Z")
    (tmp_path / "bad.gpx").write_text("nope")
    source = FilesSource(tmp_path, TZ, relative_to_today=True)
    first = source.pull(None, date(2027, 1, 10))
    assert [Path(p.where).name for p in first.problems] == ["bad.gpx"]
    later = source.pull(first.cursor, date(2027, 1, 20))
    assert later.problems == ()
    assert [Path(p.where).name for p in later.skipped or ()] == ["bad.gpx"]
    assert [r.id for r in later.runs] == ["file:a.tcx"]
