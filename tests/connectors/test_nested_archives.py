"""Zips inside zips (issue 13, fault 6): Garmin's full data export holds the FIT files in a
zip inside the zip. Nested archives are read within the outer archive's budget, or named with
the reason; nothing is lost silently. Archives are built here from the shared real files."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from connectors import archives
from connectors.files import FilesSource

TZ = ZoneInfo("UTC")
TODAY = date(2026, 11, 30)
RUN_9K = "fitparse_fenix2_run_9k.fit"
RUN_4K = "sportslib_2067489619_vivoactivehr_run_4k.fit"
PART = "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip"


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _fit(testdata_dir: Path, name: str) -> bytes:
    return (testdata_dir / "activities" / name).read_bytes()


def test_garmin_data_export_reads_the_runs_of_its_inner_zip(
    tmp_path: Path, testdata_dir: Path
) -> None:
    """The tester's ``garmin-gdpr-nested``: both FIT runs of the inner zip are read, once."""
    inner = _zip(
        {
            "runner@example.com_111.fit": _fit(testdata_dir, RUN_9K),
            "runner@example.com_222.fit": _fit(testdata_dir, RUN_4K),
        },
        zipfile.ZIP_DEFLATED,
    )
    outer = _zip({PART: inner, "DI_CONNECT/DI-Connect-Fitness/summarizedActivities.json": b"[]"})
    (tmp_path / "garmin_export.zip").write_bytes(outer)
    source = FilesSource(tmp_path, TZ)
    result = source.pull(None, TODAY)
    assert sorted(r.id for r in result.runs) == [
        f"file:garmin_export.zip/{PART}/runner@example.com_111.fit",
        f"file:garmin_export.zip/{PART}/runner@example.com_222.fit",
    ]
    assert {round(r.distance_m / 1000) for r in result.runs} == {9, 4}
    assert result.problems == () and result.skipped == ()
    again = source.pull(result.cursor, TODAY)
    assert again.runs == () and again.removed_run_ids == ()


def test_nesting_too_deep_broken_or_empty_inner_zips_are_named(
    tmp_path: Path, testdata_dir: Path
) -> None:
    """Another layout: beside a readable inner zip, one nested too deep, one damaged and one
    without activities are each named with the reason; the readable run is kept."""
    run = _fit(testdata_dir, RUN_4K)
    deep = _zip({"c.zip": _zip({"d.zip": _zip({"deep.fit": run})})})
    outer = _zip(
        {
            "ok.zip": _zip({"run.fit": run}),
            "deep.zip": deep,
            "broken.zip": b"PK\x03\x04 not really a zip",
            "photos.zip": _zip({"a.jpg": b"\xff\xd8"}),
        }
    )
    (tmp_path / "export.zip").write_bytes(outer)
    result = FilesSource(tmp_path, TZ).pull(None, TODAY)
    assert [r.id for r in result.runs] == ["file:export.zip/ok.zip/run.fit"]
    assert result.skipped is not None
    why = {p.where.rpartition("export.zip/")[2]: p.why for p in result.skipped}
    assert set(why) == {"deep.zip/c.zip/d.zip", "broken.zip", "photos.zip"}
    assert "deeper" in why["deep.zip/c.zip/d.zip"]
    assert "not a readable zip" in why["broken.zip"]
    assert "no FIT, GPX or TCX" in why["photos.zip"]
    assert {p.where for p in result.problems} == {p.where for p in result.skipped}


def test_outer_zip_without_any_activity_is_named(tmp_path: Path) -> None:
    """A zip that holds nothing to read is not passed over in silence."""
    (tmp_path / "photos.zip").write_bytes(_zip({"a.jpg": b"\xff\xd8"}))
    result = FilesSource(tmp_path, TZ).pull(None, TODAY)
    (problem,) = result.problems
    assert problem.where.endswith("photos.zip") and "no FIT, GPX or TCX" in problem.why


def test_member_count_is_counted_across_the_nesting(
    tmp_path: Path, testdata_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The member bound holds for the members of the outer and inner zips together."""
    monkeypatch.setattr(archives, "MAX_MEMBERS", 4)
    run = _fit(testdata_dir, RUN_4K)
    inner = _zip({f"r{i}.fit": run for i in range(3)})
    (tmp_path / "export.zip").write_bytes(_zip({"a.fit": run, "inner.zip": inner}))
    result = FilesSource(tmp_path, TZ).pull(None, TODAY)
    assert [r.id for r in result.runs] == ["file:export.zip/a.fit"]
    (problem,) = result.problems
    assert problem.where.endswith("export.zip/inner.zip") and "more than 4" in problem.why


def test_ratio_is_judged_against_the_outer_archive(tmp_path: Path) -> None:
    """A zip bomb spread over two levels (each level packing well under the member ratio's
    notice) is refused by the ratio of all it unpacks to the outer archive's size."""
    gpx = b"<gpx>" + b" " * (40 * 2**20) + b"</gpx>"
    inner = _zip({"huge.gpx": gpx}, zipfile.ZIP_DEFLATED)
    (tmp_path / "bomb.zip").write_bytes(_zip({"inner.zip": inner}, zipfile.ZIP_DEFLATED))
    result = FilesSource(tmp_path, TZ).pull(None, TODAY)
    assert result.runs == ()
    (problem,) = result.problems
    assert problem.where.endswith("bomb.zip/inner.zip")
    assert f"more than {archives.MAX_RATIO} times" in problem.why
