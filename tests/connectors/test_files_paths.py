"""Where files sit in the folder: linked folders and files, and names that look alike
(issue 13, faults 7 and 12). Inputs are copies of the shared real files in ``tmp_path``."""

from __future__ import annotations

import os
import shutil
import warnings
import zipfile
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from connectors.files import FilesSource

TZ = ZoneInfo("UTC")
TODAY = date(2026, 11, 30)
RUN_9K = "fitparse_fenix2_run_9k.fit"
RUN_7K = "workoutizer_fr645m_hilly_run_7k.fit"
RUN_4K = "sportslib_2067489619_vivoactivehr_run_4k.fit"


def _copy(testdata_dir: Path, name: str, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(testdata_dir / "activities" / name, target)
    return target


def test_linked_folder_out_of_the_root_is_read(tmp_path: Path, testdata_dir: Path) -> None:
    """The tester's ``symlink-dir``: ``runs/watch`` links to a folder elsewhere; its run is
    read, and no "nothing to read yet" notice is given."""
    root = tmp_path / "runs"
    root.mkdir()
    _copy(testdata_dir, RUN_4K, tmp_path / "elsewhere" / "watch" / "w.fit")
    (root / "watch").symlink_to(tmp_path / "elsewhere" / "watch")
    result = FilesSource(root, TZ).pull(None, TODAY)
    assert [r.id for r in result.runs] == ["file:watch/w.fit"]
    assert result.notices == () and result.problems == ()


def test_links_to_files_and_loops(tmp_path: Path, testdata_dir: Path) -> None:
    """Another shape: a linked file is read; a link back up (a loop) and a second link to a
    folder already read add nothing; every run is read exactly once."""
    root = tmp_path / "runs"
    _copy(testdata_dir, RUN_9K, root / "2019" / "a.fit")
    _copy(testdata_dir, RUN_7K, tmp_path / "other" / "b.fit")
    (root / "b.fit").symlink_to(tmp_path / "other" / "b.fit")
    (root / "2019" / "up").symlink_to(root)  # a loop
    (root / "same-2019").symlink_to(root / "2019")  # a second way to a folder
    result = FilesSource(root, TZ).pull(None, TODAY)
    assert sorted(r.id for r in result.runs) == ["file:2019/a.fit", "file:b.fit"]
    assert result.problems == ()


def test_broken_folder_link_keeps_its_runs_and_says_so(tmp_path: Path, testdata_dir: Path) -> None:
    """A linked folder whose target is gone (a disk not mounted) is named, and the runs it
    gave stay; when it is back, nothing is read twice."""
    root = tmp_path / "runs"
    root.mkdir()
    _copy(testdata_dir, RUN_4K, tmp_path / "disk" / "w.fit")
    (root / "watch").symlink_to(tmp_path / "disk")
    source = FilesSource(root, TZ)
    first = source.pull(None, TODAY)
    assert [r.id for r in first.runs] == ["file:watch/w.fit"]
    (tmp_path / "disk").rename(tmp_path / "unmounted")
    second = source.pull(first.cursor, TODAY)
    assert second.removed_run_ids == ()
    (problem,) = second.problems
    assert problem.where.endswith("runs/watch") and "cannot be followed" in problem.why
    (tmp_path / "unmounted").rename(tmp_path / "disk")
    third = source.pull(second.cursor, TODAY)
    assert third.removed_run_ids == () and third.problems == ()


def test_names_that_show_alike_get_their_own_ids(tmp_path: Path, testdata_dir: Path) -> None:
    """The tester's ``name-collision``: a Latin-1 ``caf\\xe9.fit`` (one run) beside a file
    literally named ``caf\\xe9.fit`` (another): two runs with two ids, none lost."""
    root = tmp_path / "runs"
    root.mkdir()
    latin = os.fsencode(root) + b"/caf\xe9.fit"
    shutil.copy(testdata_dir / "activities" / RUN_9K, latin)
    _copy(testdata_dir, RUN_7K, root / "caf\\xe9.fit")
    result = FilesSource(root, TZ).pull(None, TODAY)
    assert len(result.runs) == 2
    assert len({r.id for r in result.runs}) == 2
    assert {round(r.distance_m / 1000) for r in result.runs} == {9, 7}


def test_broken_files_whose_names_show_alike_are_both_listed(tmp_path: Path) -> None:
    """Another shape: two unreadable files with such names are two skipped entries."""
    root = tmp_path / "runs"
    root.mkdir()
    Path(os.fsdecode(os.fsencode(root) + b"/x\xe9.gpx")).write_text("not xml")
    (root / "x\\xe9.gpx").write_text("not xml either")
    result = FilesSource(root, TZ).pull(None, TODAY)
    assert result.skipped is not None
    assert len({p.where for p in result.skipped}) == 2


def test_two_zip_members_of_one_name_are_two_runs(tmp_path: Path, testdata_dir: Path) -> None:
    """Another shape: a zip holding two members of the same name (the format allows it) gives
    both runs, the second named ``run.fit (2)``; none overwrites the other."""
    root = tmp_path / "runs"
    root.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name, as it should
        with zipfile.ZipFile(root / "export.zip", "w") as archive:
            archive.write(testdata_dir / "activities" / RUN_9K, "run.fit")
            archive.write(testdata_dir / "activities" / RUN_7K, "run.fit")
    result = FilesSource(root, TZ).pull(None, TODAY)
    assert sorted(r.id for r in result.runs) == [
        "file:export.zip/run.fit",
        "file:export.zip/run.fit (2)",
    ]
    assert {round(r.distance_m / 1000) for r in result.runs} == {9, 7}
