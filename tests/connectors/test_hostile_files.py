"""Corrupt and hostile activity files: a clear per-file problem, the rest imported, bounded."""

from __future__ import annotations

import struct
import tempfile
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.base import PullResult
from connectors.files import FilesSource

REPO = Path(__file__).resolve().parents[2]
GOOD_FIT = REPO / "examples" / "activities" / "2026-W47" / "2026-W47-thu-easy.fit"
GOOD_GPX = REPO / "examples" / "activities" / "2026-W46" / "2026-W46-thu-easy.gpx"
TODAY = date(2026, 11, 25)
TZ = ZoneInfo("Europe/Zurich")

BOMB = """<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
<!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>
<gpx version="1.1" creator="x"><trk><name>&i;</name><trkseg>
<trkpt lat="46" lon="7"><ele>1000</ele><time>2026-11-20T08:00:00Z</time></trkpt>
</trkseg></trk></gpx>
"""


def gpx(
    start: datetime | None,
    elevations: list[float],
    seconds_apart: float = 10.0,
) -> str:
    """A GPX track going north, with the given elevations (and times when ``start`` is set)."""
    points = []
    for i, ele in enumerate(elevations):
        when = ""
        if start is not None:
            moment = start + timedelta(seconds=seconds_apart * i)
            when = f"<time>{moment:%Y-%m-%dT%H:%M:%SZ}</time>"
        points.append(f'<trkpt lat="{46 + i * 0.0003:.5f}" lon="7"><ele>{ele}</ele>{when}</trkpt>')
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
        + "".join(points)
        + "</trkseg></trk></gpx>"
    )


def tcx_negative_duration() -> str:
    ns = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
    return (
        f'<?xml version="1.0"?><TrainingCenterDatabase xmlns="{ns}"><Activities>'
        '<Activity Sport="Running"><Id>2026-11-20T08:00:00Z</Id>'
        '<Lap StartTime="2026-11-20T08:00:00Z"><TotalTimeSeconds>-3600</TotalTimeSeconds>'
        "<DistanceMeters>5000</DistanceMeters></Lap></Activity></Activities>"
        "</TrainingCenterDatabase>"
    )


def pull(folder: Path) -> PullResult:
    return FilesSource(folder, TZ).pull(None, TODAY)


def problems_by_file(result: PullResult) -> dict[str, str]:
    return {Path(p.where).name: p.why for p in result.problems}


def write_hostile_folder(folder: Path) -> None:
    good = GOOD_FIT.read_bytes()
    (folder / "good.fit").write_bytes(good)
    (folder / "truncated.fit").write_bytes(good[: len(good) // 2])
    huge_header = bytearray(good)
    struct.pack_into("<I", huge_header, 4, 0xFFFF_FFF0)  # data size: 4 GB of records
    (folder / "huge-header.fit").write_bytes(bytes(huge_header))
    with (folder / "enormous.fit").open("wb") as handle:  # sparse: costs no disk
        handle.write(good[:14])
        handle.truncate(40 * 2**20)
    (folder / "bomb.gpx").write_text(BOMB)
    start = datetime(2026, 11, 20, 8, tzinfo=UTC)
    (folder / "no-times.gpx").write_text(gpx(None, [1000, 990, 980]))
    (folder / "year-1970.gpx").write_text(gpx(datetime(1970, 1, 1, tzinfo=UTC), [1000, 990]))
    (folder / "year-2100.gpx").write_text(gpx(datetime(2100, 1, 1, tzinfo=UTC), [1000, 990]))
    (folder / "negative.tcx").write_text(tcx_negative_duration())
    descent = [1500 - 2 * i for i in range(300)]
    spiky = list(descent)
    spiky[100:103] = [11000.0, 11000.0, 11000.0]  # three points 10 km up
    (folder / "spike.gpx").write_text(gpx(start, spiky))
    (folder / "clean.gpx").write_text(gpx(start - timedelta(days=1), descent))


def test_each_hostile_file_is_named_and_the_rest_is_imported(tmp_path: Path) -> None:
    """Every bad file gives a problem naming it and why; the good files still become runs."""
    write_hostile_folder(tmp_path)
    result = pull(tmp_path)
    why = problems_by_file(result)
    assert "truncated" in why["truncated.fit"] or "damaged" in why["truncated.fit"]
    assert "header announces" in why["huge-header.fit"]
    assert "40 MB" in why["enormous.fit"]
    assert "entities" in why["bomb.gpx"]
    assert "no timestamps" in why["no-times.gpx"]
    assert "before 2000" in why["year-1970.gpx"]
    assert "in the future" in why["year-2100.gpx"]
    assert "negative" in why["negative.tcx"] and "time" in why["negative.tcx"]
    for problem in result.problems:
        assert problem.where.startswith(str(tmp_path))
    imported = {run.id for run in result.runs}
    assert imported == {"file:good.fit", "file:spike.gpx", "file:clean.gpx"}


def test_an_altitude_spike_of_ten_kilometres_adds_no_descent(tmp_path: Path) -> None:
    """A glitch to 11,000 m is dropped: the run's climb and descent match the clean track."""
    write_hostile_folder(tmp_path)
    runs = {run.id: run for run in pull(tmp_path).runs}
    spike, clean = runs["file:spike.gpx"], runs["file:clean.gpx"]
    assert spike.descent_m == clean.descent_m
    assert spike.ascent_m == clean.ascent_m


def test_hostile_files_keep_memory_bounded(tmp_path: Path) -> None:
    """Reading the whole hostile folder peaks far below what the bombs would need."""
    write_hostile_folder(tmp_path)
    tracemalloc.start()
    try:
        pull(tmp_path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20


def _mutations() -> st.SearchStrategy[tuple[str, bytes]]:
    samples = [(".fit", GOOD_FIT.read_bytes()), (".gpx", GOOD_GPX.read_bytes())]

    @st.composite
    def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
        suffix, data = draw(st.sampled_from(samples))
        body = bytearray(data[: draw(st.integers(0, len(data)))])
        for _ in range(draw(st.integers(0, 8))):
            if body:
                body[draw(st.integers(0, len(body) - 1))] = draw(st.integers(0, 255))
        return suffix, bytes(body)

    raw = st.tuples(st.sampled_from([".fit", ".gpx", ".tcx"]), st.binary(max_size=2048))
    return st.one_of(mutated(), raw)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_fuzzed_files_never_crash_the_import(case: tuple[str, bytes]) -> None:
    """Truncated, bit-flipped or random files give at most a clean problem naming the file."""
    suffix, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzzed{suffix}"
        path.write_bytes(data)
        result = pull(Path(folder))
    for problem in result.problems:
        assert problem.where == str(path) and problem.why
    for run in result.runs:
        assert run.distance_m >= 0 and run.elapsed_s >= 0
