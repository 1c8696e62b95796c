"""The benchmarks still run (on a handful of small files): no timings are checked here."""

from __future__ import annotations

from pathlib import Path

from benchmarks import descent, files, memory, plan_bench, state_bench
from benchmarks.corpus import Corpus, generate
from benchmarks.table import render


def test_benchmark_sections_run_on_small_inputs(testdata_dir: Path, tmp_path: Path) -> None:
    """Import, descent and planner benchmarks produce a table row for every comparison."""
    real = testdata_dir / "activities"
    small = Corpus(
        [real / "sportslib_2067489619_vivoactivehr_run_4k.fit"],
        [real / "gpxpy_mojstrovka_mountain_3k.gpx"],
        [],
    )
    made = generate(tmp_path, 2, exports=1)
    assert len(made.fit) == 2 and len(made.gpx) == len(made.tcx) == 1
    rows = files.rows("real", small, 1, quick=True) + files.rows("made", made, 1, quick=True)
    rows += descent.rows(small) + plan_bench.rows(quick=True)
    assert [r.ratio != "" for r in rows].count(True) == 3 + 1 + 3 + 1 + 1 + 1
    (tmp_path / "memory").mkdir()
    peaks = memory.rows(tmp_path / "memory", quick=True)
    assert [r.what.split(":")[1].split(",")[0].strip() for r in peaks] == ["TCX", "GPX"]
    table = render(rows)
    assert "garmin-fit-sdk" in table and "gpxpy" in table and "re-plan" in table


def test_state_benchmark_runs() -> None:
    """The state's open-with-checks and backup rows are produced."""
    rows = state_bench.rows(quick=True)
    assert [r.section for r in rows] == ["state", "state"]
    assert all(r.hamsync.endswith(" ms") for r in rows)


def test_calendar_benchmark_runs_on_a_small_calendar() -> None:
    """The big-calendar row is produced (on a 1 MB calendar in quick mode)."""
    from benchmarks import calendar_bench

    rows = calendar_bench.rows(quick=True)
    assert len(rows) == 1 and "daily series since 2012" in rows[0].what and rows[0].ratio


def test_page_benchmark_runs() -> None:
    """The check-in page's view and check-in rows are produced."""
    from benchmarks import page_bench

    rows = page_bench.rows(quick=True)
    assert [r.section for r in rows] == ["page", "page"]
    assert all(r.hamsync.endswith(" ms") for r in rows)
