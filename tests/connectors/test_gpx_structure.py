"""Issue 13, what still broke after the first round (GPX/TCX structure and plausibility).

Each test builds its input in ``tmp_path`` from the shared real files (``../shared``) or
synthesises it: several tracks of different types, untimed tracks, altitude jumps across
breaks, timestamp jitter, zero-duration files, TCX with few timed trackpoints, rides that
carry no type. The right values come from the real file read alone.
"""

from __future__ import annotations

import re
import struct
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from connectors.base import PullResult
from connectors.files import FilesSource
from connectors.fit_crc import crc16
from connectors.gpx_order import ordered, path_length
from connectors.run_speed import fastest_ms
from connectors.segment_terrain import measure_segments
from planner.merge import merge
from planner.models import Run, Sport
from planner.terrain import measure

TZ = ZoneInfo("UTC")
TODAY = date(2026, 11, 30)
RUN_9K = "heartandsole_fr35_garminconnect_run_9k.gpx"
"""Garmin Connect GPX of a 9 km run: read alone, 8,984.5 m, 2,882 s, descent 165.7 m."""
CASES = Path(__file__).resolve().parents[3] / "shared" / "cases"
RIDE = CASES / "strava-gpx-numeric-type" / "runs" / "ride_7555261629_type1_every8th.gpx"
"""Strava GPX of a 69 km ride, ``<type>1</type>`` (Strava's code for a ride)."""
TIME = re.compile(r"<time>([^<]+)</time>")


def pull(folder: Path, **kwargs: object) -> PullResult:
    return FilesSource(folder, TZ, **kwargs).pull(None, TODAY)  # type: ignore[arg-type]


def skipped(result: PullResult) -> dict[str, str]:
    return {Path(p.where).name: p.why for p in result.skipped or ()}


def only_run(result: PullResult) -> Run:
    (run,) = result.runs
    return run


@pytest.fixture
def run9k(testdata_dir: Path) -> str:
    return (testdata_dir / "activities" / RUN_9K).read_text(encoding="utf-8")


@pytest.fixture
def alone(run9k: str, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The 9 km run read from its own file: the right value of every variant below."""
    folder = tmp_path_factory.mktemp("alone")
    (folder / RUN_9K).write_text(run9k)
    run = only_run(pull(folder))
    assert run.distance_m == pytest.approx(8984.5, abs=0.1)
    assert run.descent_m == pytest.approx(165.7, abs=0.1)
    return run


def shifted(text: str, delta: timedelta, ele: float = 0.0, lat: float = 0.0) -> str:
    """``text`` with every time moved by ``delta``, altitudes and latitudes by ``ele``/``lat``."""

    def later(m: re.Match[str]) -> str:
        t = datetime.fromisoformat(m.group(1).replace("Z", "+00:00")) + delta
        return f"<time>{t:%Y-%m-%dT%H:%M:%SZ}</time>"

    text = TIME.sub(later, text)
    text = re.sub(
        r"<ele>([^<]+)</ele>", lambda m: f"<ele>{float(m.group(1)) + ele:.1f}</ele>", text
    )
    return re.sub(r'lat="([-0-9.]+)"', lambda m: f'lat="{float(m.group(1)) + lat:.7f}"', text)


def track_of(gpx: str) -> str:
    found = re.search(r"<trk>.*</trk>", gpx, re.S)
    assert found is not None
    return found.group(0)


def with_tracks(gpx: str, *tracks: str) -> str:
    """``gpx``'s header, then ``tracks`` instead of its own."""
    return gpx[: gpx.index("<trk>")] + "".join(tracks) + "</gpx>\n"


# -- several tracks of different types: one activity per type -------------------------------


def _ride_track(at: datetime) -> str:
    """The case's 69 km ride as a ``cycling`` track starting at ``at``."""
    ride = track_of(RIDE.read_text(encoding="utf-8")).replace(
        "<type>1</type>", "<type>cycling</type>"
    )
    first = TIME.search(ride)
    assert first is not None
    return shifted(ride, at - datetime.fromisoformat(first.group(1).replace("Z", "+00:00")))


@pytest.mark.parametrize("ride_first", [False, True])
def test_run_and_ride_tracks_in_one_gpx_are_two_activities(
    tmp_path: Path, run9k: str, alone: Run, ride_first: bool
) -> None:
    """gpx-run_then_ride / ride_then_run: a 9 km run track and a 69 km ride track the same
    evening were one 78 km heavy run, or the run was dropped; now the run is the run alone."""
    if not RIDE.is_file():
        pytest.skip("no strava-gpx-numeric-type case")
    run, ride = track_of(run9k), _ride_track(datetime(2020, 1, 11, 21, 0, tzinfo=UTC))
    (tmp_path / "mixed.gpx").write_text(
        with_tracks(run9k, *((ride, run) if ride_first else (run, ride)))
    )
    result = pull(tmp_path)
    got = only_run(result)
    assert (got.distance_m, got.moving_s, got.elapsed_s) == (
        alone.distance_m, alone.moving_s, alone.elapsed_s,
    )  # fmt: skip
    assert got.descent_m == alone.descent_m and got.start == alone.start
    assert result.problems == ()  # the ride is left out quietly, as a ride file is


def test_run_and_hike_tracks_give_two_runs_and_untyped_tracks_follow_the_file(
    tmp_path: Path, run9k: str
) -> None:
    """Another shape: a run track and a hike track 3 h later are two activities of their own
    sports; in a file of one type, an untyped track takes that type."""
    run = track_of(run9k)
    hike = shifted(run, timedelta(hours=3)).replace("<type>running</type>", "<type>hiking</type>")
    assert "<type>hiking</type>" in hike
    (tmp_path / "two.gpx").write_text(with_tracks(run9k, run, hike))
    untyped = shifted(run, timedelta(hours=3)).replace("<type>running</type>", "")
    (tmp_path / "one.gpx").write_text(with_tracks(run9k, run.replace("running", "hiking"), untyped))
    spelt = shifted(run, timedelta(hours=3)).replace("<type>running</type>", "<type>Running</type>")
    (tmp_path / "case.gpx").write_text(with_tracks(run9k, run, spelt))
    runs = {r.id: r for r in pull(tmp_path).runs}
    assert runs["file:two.gpx#1"].sport is Sport.RUN
    assert runs["file:two.gpx#2"].sport is Sport.HIKE
    assert runs["file:two.gpx#2"].start - runs["file:two.gpx#1"].start == timedelta(hours=3)
    both = runs["file:one.gpx"]
    assert both.sport is Sport.HIKE
    assert both.distance_m == pytest.approx(2 * runs["file:two.gpx#1"].distance_m)
    assert runs["file:case.gpx"].distance_m == both.distance_m  # "Running" is "running"


# -- a ride without a type: speeds no runner reaches -------------------------------------------


def test_ride_without_a_type_is_refused_for_its_speed(tmp_path: Path) -> None:
    """The case's ride with ``<type>1</type>`` removed: 69 km at 24.6 km/h is no run."""
    if not RIDE.is_file():
        pytest.skip("no strava-gpx-numeric-type case")
    (tmp_path / "ride.gpx").write_text(
        RIDE.read_text(encoding="utf-8").replace("<type>1</type>", "")
    )
    result = pull(tmp_path)
    assert result.runs == ()
    assert "faster than any runner" in skipped(result)["ride.gpx"]


def _straight_gpx(km: float, hours: float) -> str:
    """A straight line north of ``km`` km covered in ``hours``, a point every 10 s."""
    n = round(hours * 360)
    step = km / 111.195 / n  # degrees of latitude per point
    t0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    pts = "".join(
        f'<trkpt lat="{45 + i * step:.7f}" lon="7"><ele>500</ele>'
        f"<time>{t0 + timedelta(seconds=10 * i):%Y-%m-%dT%H:%M:%SZ}</time></trkpt>"
        for i in range(n + 1)
    )
    return f'<gpx version="1.1" creator="t"><trk><trkseg>{pts}</trkseg></trk></gpx>'


@pytest.mark.parametrize(
    ("km", "hours", "kept"),
    [
        (21.0975, 57.5 / 60, True),  # the half marathon record pace (Kejelcha 2024, 57:30)
        (42.195, 2 + 35 / 3600, True),  # the marathon record pace (Kiptum 2023, 2:00:35)
        (10.0, 10 / 26.0, True),  # 26 km/h over 10 km: the 10,000 m record is 22.9 km/h
        (42.195, 42.195 / 25.0, False),  # 25 km/h over a marathon: a bike
        (30.0, 30 / 27.0, False),  # 27 km/h over 30 km
    ],
)
def test_speed_limit_follows_the_records_by_distance(
    tmp_path: Path, km: float, hours: float, kept: bool
) -> None:
    """Another shape: record pace passes at every distance, with a margin for GPS error;
    what is clearly faster than the record for its distance is refused."""
    (tmp_path / "a.gpx").write_text(_straight_gpx(km, hours))
    result = pull(tmp_path)
    assert bool(result.runs) is kept, skipped(result)
    assert fastest_ms(42_195) * 3.6 == pytest.approx(24.1, abs=0.1)


def test_no_real_file_is_too_fast(testdata_dir: Path, tmp_path: Path) -> None:
    """Every real run, hike and race in the shared test data still reads."""
    for path in sorted((testdata_dir / "activities").iterdir()):
        if path.suffix.lower() in (".fit", ".gpx", ".tcx"):
            (tmp_path / path.name).write_bytes(path.read_bytes())
    result = pull(tmp_path)
    assert len(result.runs) >= 20
    assert [w for w, why in skipped(result).items() if "faster" in why] == []


# -- an untimed track in a timed file is not part of the activity ------------------------------


def _untimed_track(run9k: str) -> str:
    """The run's own points 0.3 degrees south, without times (a planned route)."""
    route = shifted(track_of(run9k), timedelta(0), lat=-0.3)
    route = TIME.sub("", route).replace("<type>running</type>", "")
    return route.replace("<trk>", "<trk><name>planned route</name>", 1)


def test_untimed_track_adds_neither_distance_nor_descent(
    tmp_path: Path, run9k: str, alone: Run
) -> None:
    """gpx-untimed-trk: 13,559.5 m and 1,292 m of descent before; now the run alone, and the
    route is named in a note."""
    run = track_of(run9k)
    (tmp_path / "plus_route.gpx").write_text(with_tracks(run9k, run, _untimed_track(run9k)))
    result = pull(tmp_path)
    got = only_run(result)
    assert (got.distance_m, got.descent_m, got.elapsed_s) == (
        alone.distance_m, alone.descent_m, alone.elapsed_s,
    )  # fmt: skip
    (note,) = result.problems
    assert "its track 2 ('planned route') only" in note.why and "without a time" in note.why


def test_untimed_segment_is_left_out_and_a_mostly_untimed_file_refused(
    tmp_path: Path, run9k: str, alone: Run
) -> None:
    """Another shape: an untimed ``<trkseg>`` inside the run's own track is left out; when the
    untimed points are most of the file, which part is the activity is unclear: refused."""
    seg = re.search(r"<trkseg>.*</trkseg>", run9k, re.S)
    assert seg is not None
    untimed = TIME.sub("", seg.group(0))
    (tmp_path / "seg.gpx").write_text(run9k.replace(seg.group(0), seg.group(0) + untimed))
    (tmp_path / "most.gpx").write_text(run9k.replace(seg.group(0), seg.group(0) + 2 * untimed))
    result = pull(tmp_path)
    assert only_run(result).distance_m == alone.distance_m
    assert "only 2883 of 8649 points carry a time" in skipped(result)["most.gpx"]


# -- a break is not movement: climb and descent within each segment ---------------------------


def test_cable_car_between_two_segments_is_no_descent(
    tmp_path: Path, run9k: str, alone: Run
) -> None:
    """gpx-cablecar: the run split in two segments, the second 20 min later and 800 m lower:
    965.7 m of descent before; the runner's own 165.7 m now."""
    pts = re.findall(r"<trkpt.*?</trkpt>", run9k, re.S)
    half = len(pts) // 2
    later = shifted("".join(pts[half:]), timedelta(minutes=20), ele=-800)
    seg = re.search(r"<trkseg>.*</trkseg>", run9k, re.S)
    assert seg is not None
    body = f"<trkseg>{''.join(pts[:half])}</trkseg><trkseg>{later}</trkseg>"
    (tmp_path / "cablecar.gpx").write_text(run9k.replace(seg.group(0), body))
    got = only_run(pull(tmp_path))
    assert got.descent_m == pytest.approx(alone.descent_m, abs=3)
    assert got.distance_m == pytest.approx(alone.distance_m, abs=10)  # one step fewer
    assert got.elapsed_s == alone.elapsed_s + 1200


def test_two_tracks_in_two_valleys_count_each_descent_once(
    tmp_path: Path, run9k: str, alone: Run
) -> None:
    """gpx-ele-gap-two_trk: the run again 3 h later, 0.5 degrees north and 1000 m lower:
    1,331.9 m before (2 x 165.7 + the drive down); now 2 x 165.7."""
    run = track_of(run9k)
    twice = with_tracks(run9k, run, shifted(run, timedelta(hours=3), ele=-1000, lat=0.5))
    (tmp_path / "two.gpx").write_text(twice)
    got = only_run(pull(tmp_path))
    assert got.descent_m == pytest.approx(2 * alone.descent_m, abs=0.2)
    # half a degree north a degree of longitude is shorter: 0.5 % less for the second run
    assert got.distance_m == pytest.approx(2 * alone.distance_m, rel=0.005)
    assert got.terrain is not None and got.terrain.descent_m == got.descent_m


def test_pause_marker_break_with_an_altitude_jump_is_no_descent(tmp_path: Path) -> None:
    """Another shape: an OpenTracks pause marker (lat=100) between two flat stretches 300 m
    apart in altitude (a lift): no descent at all."""
    t0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)

    def point(i: int, ele: float) -> str:
        t = t0 + timedelta(seconds=10 * i)
        return (
            f'<trkpt lat="{46 + i * 0.0003:.5f}" lon="7"><ele>{ele}</ele>'
            f"<time>{t:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>"
        )

    pts = "".join(point(i, 2000.0) for i in range(100))
    pts += '<trkpt lat="100" lon="0"><time>2026-11-20T08:17:00Z</time></trkpt>'
    pts += "".join(point(i, 1700.0) for i in range(120, 220))
    (tmp_path / "lift.gpx").write_text(
        f'<gpx creator="OpenTracks"><trk><type>running</type><trkseg>{pts}</trkseg></trk></gpx>'
    )
    got = only_run(pull(tmp_path))
    assert got.descent_m == 0 and got.ascent_m == 0


def test_measure_segments_sums_what_each_segment_measures() -> None:
    """The split is the only change: each part is measured by planner.terrain as it is."""
    down = [1000.0 - i for i in range(200)]
    up = [500.0 + i * 0.5 for i in range(200)]
    alts: list[float | None] = [*down, *up]
    dists: list[float | None] = [3.0 * i for i in range(400)]
    whole = measure_segments(alts, dists, (200,))
    first, second = measure(down, dists[:200]), measure(up, dists[200:])
    assert whole is not None and first is not None and second is not None
    assert whole.descent_m == pytest.approx(first.descent_m + second.descent_m, abs=0.1)
    assert whole.ascent_m == pytest.approx(first.ascent_m + second.ascent_m, abs=0.1)
    assert whole.longest_descent_m == first.longest_descent_m
    assert measure_segments(alts, dists) == measure(alts, dists)


# -- time order only when the file is really out of order -------------------------------------


def test_sports_tracker_jitter_keeps_file_order(testdata_dir: Path, tmp_path: Path) -> None:
    """sportslib_sportstracker_pyrenees_12k.gpx (3,078 steps back in time of a few seconds):
    refused as 36.6 km at 83 km/h before. gpxpy in file order: 12.30 km; the Movescount GPX
    of the same outing reads 12,264.6 m in 6,548 s."""
    name = "sportslib_sportstracker_pyrenees_12k.gpx"
    (tmp_path / name).write_bytes((testdata_dir / "activities" / name).read_bytes())
    got = only_run(pull(tmp_path))
    assert got.distance_m == pytest.approx(12_300, rel=0.01)
    assert got.distance_m == pytest.approx(12_264.6, rel=0.01)
    # its own points span 14:10:59-16:00:41, 34 s more than the Movescount recording
    assert got.elapsed_s == 6582
    assert 0.7 * got.elapsed_s < got.moving_s <= got.elapsed_s


def _line(n: int) -> tuple[list[float], list[float]]:
    return [46 + i * 0.0001 for i in range(n)], [7.0] * n


def test_jitter_keeps_file_order_and_shuffles_are_sorted() -> None:
    """Another shape: neighbours with swapped times (jitter) stay in file order; a segment
    whose halves are swapped, or a shuffled one, is put in time order."""
    lat, lon = _line(100)
    straight = list(range(100))
    jitter = [float(i + (1 if i % 2 == 0 else -1)) for i in range(100)]  # 1,0,3,2,...
    assert ordered(straight, lat, lon, jitter) == straight
    times = [float(i) for i in range(100)]
    swapped = list(range(50, 100)) + list(range(50))
    assert ordered(swapped, lat, lon, times) == straight
    shuffled = straight[::2] + straight[1::2]
    assert ordered(shuffled, lat, lon, times) == straight
    assert path_length(straight, lat, lon) == pytest.approx(99 * 11.12, rel=0.01)


def test_jittered_gpx_reads_its_length_and_time(tmp_path: Path) -> None:
    """A 3.3 km run at 10 s a point, each pair of times swapped: 3.3 km in 990 s (0-990 s)."""
    t0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    pts = "".join(
        f'<trkpt lat="{46 + i * 0.0003:.5f}" lon="7"><ele>500</ele>'
        f"<time>{t0 + timedelta(seconds=10 * (i + (1 if i % 2 == 0 else -1))):%Y-%m-%dT%H:%M:%SZ}"
        "</time></trkpt>"
        for i in range(1, 100)
    )
    (tmp_path / "j.gpx").write_text(
        f"<gpx><trk><type>running</type><trkseg>{pts}</trkseg></trk></gpx>"
    )
    got = only_run(pull(tmp_path))
    assert got.distance_m == pytest.approx(98 * 33.36, rel=0.01)
    assert got.elapsed_s == 990 and got.moving_s == 990


# -- zero duration, moving beyond elapsed ------------------------------------------------------


def test_files_that_last_no_time_are_refused(
    tmp_path: Path, run9k: str, testdata_dir: Path
) -> None:
    """gpx-times-odd/same_time: every point at one time was 8,984.5 m in 0 s; a TCX with every
    trackpoint at one time had moving 4,070 s beyond elapsed 0: both refused with the reason."""
    (tmp_path / "same.gpx").write_text(TIME.sub("<time>2020-01-11T19:45:27Z</time>", run9k))
    tcx = (testdata_dir / "activities" / "sportslib_1604524853_run_6k.tcx").read_text()
    first = re.search(r"<Trackpoint>\s*<Time>([^<]*)</Time>", tcx)
    assert first is not None
    (tmp_path / "same.tcx").write_text(
        re.sub(r"(<Trackpoint>\s*)<Time>[^<]*</Time>", rf"\g<1><Time>{first.group(1)}</Time>", tcx)
    )
    result = pull(tmp_path)
    assert result.runs == ()
    why = skipped(result)
    assert "lasts no time (9.0 km in 0 s" in why["same.gpx"]
    assert "lasts no time (6.1 km in 0 s" in why["same.tcx"]


def _fit_with_session(elapsed_ms: int, timer_ms: int, distance_cm: int) -> bytes:
    """A FIT file of one running session (global message 18) and nothing else."""
    t0 = 1_100_000_000  # FIT seconds: 2024-11-09
    fields = [(253, 4, 0x86), (2, 4, 0x86), (7, 4, 0x86), (8, 4, 0x86), (9, 4, 0x86), (5, 1, 0x00)]
    body = struct.pack("<BBBHB", 0x40, 0, 0, 18, len(fields))
    body += b"".join(struct.pack("<BBB", *f) for f in fields)
    body += struct.pack("<BIIIIIB", 0, t0 + 3600, t0, elapsed_ms, timer_ms, distance_cm, 1)
    header = struct.pack("<BBHI4s", 14, 0x20, 21158, len(body), b".FIT")
    data = header + struct.pack("<H", crc16(header)) + body
    return data + struct.pack("<H", crc16(data))


def test_fit_session_of_zero_elapsed_time_is_refused(tmp_path: Path) -> None:
    """fit-zero-time: a session with elapsed 0 and 10.8 km was stored as a run of 0 s."""
    (tmp_path / "zero.fit").write_bytes(_fit_with_session(0, 3_600_000, 1_080_000))
    (tmp_path / "fine.fit").write_bytes(_fit_with_session(3_600_000, 3_500_000, 1_080_000))
    result = pull(tmp_path)
    assert [r.id for r in result.runs] == ["file:fine.fit"]
    assert "lasts no time (10.8 km in 0 s" in skipped(result)["zero.fit"]


def test_a_broken_copy_never_wins_the_merge(tmp_path: Path, run9k: str, alone: Run) -> None:
    """dup-good-and-zero: a good GPX and its zero-time copy gave one run of 0 s. The copy is
    refused, and the merge itself never prefers a copy of zero duration."""
    (tmp_path / "a_good.gpx").write_text(run9k)
    (tmp_path / "b_zero.gpx").write_text(TIME.sub("<time>2020-01-11T19:45:27Z</time>", run9k))
    result = pull(tmp_path)
    assert [(r.id, r.elapsed_s) for r in result.runs] == [("file:a_good.gpx", alone.elapsed_s)]
    broken = Run(
        id="strava:1", sources=("strava:1",), start=alone.start, sport=Sport.RUN,
        distance_m=alone.distance_m, moving_s=2876, elapsed_s=0, ascent_m=170,
        descent_m=170, descent_from="device", terrain=None,
    )  # fmt: skip
    for kept, incoming in ((alone, broken), (broken, alone)):
        merged = merge(kept, incoming)
        assert merged.elapsed_s == alone.elapsed_s and merged.descent_m == alone.descent_m
        assert set(merged.sources) == {"strava:1", alone.id}


# -- TCX with times on a few trackpoints -------------------------------------------------------


def test_tcx_with_few_timed_trackpoints_is_refused_as_gpx_is(
    testdata_dir: Path, tmp_path: Path
) -> None:
    """tcx-times: only the first 5 trackpoints keep <Time>: refused before with a wrong reason
    (moving 68 min beyond elapsed 0); now the reason, as for GPX."""
    tcx = (testdata_dir / "activities" / "sportslib_1604524853_run_6k.tcx").read_text()
    count = 0

    def strip(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return m.group(0) if count <= 5 else re.sub(r"<Time>[^<]*</Time>", "", m.group(0))

    (tmp_path / "few.tcx").write_text(
        re.sub(r"<Trackpoint>.*?</Trackpoint>", strip, tcx, flags=re.S)
    )
    result = pull(tmp_path)
    assert result.runs == ()
    assert "only 5 of 1495 trackpoints carry a time" in skipped(result)["few.tcx"]


def test_tcx_without_trackpoint_times_keeps_the_lap_totals(
    testdata_dir: Path, tmp_path: Path
) -> None:
    """Another shape: no trackpoint carries a time at all, the laps are complete: the lap's
    StartTime and TotalTimeSeconds (4,070 s) give the run, as the original file does."""
    tcx = (testdata_dir / "activities" / "sportslib_1604524853_run_6k.tcx").read_text()
    (tmp_path / "orig.tcx").write_text(tcx)
    untimed = re.sub(r"(<Trackpoint>\s*)<Time>[^<]*</Time>", r"\g<1>", tcx)
    (tmp_path / "untimed.tcx").write_text(untimed)
    runs = {r.id: r for r in pull(tmp_path).runs}
    orig, got = runs["file:orig.tcx"], runs["file:untimed.tcx"]
    assert (got.start, got.elapsed_s, got.distance_m) == (orig.start, 4070, orig.distance_m)


def test_a_point_at_null_island_is_a_break(tmp_path: Path, run9k: str, alone: Run) -> None:
    """gpx-null-island: one point at exactly 0, 0 (a receiver without a fix) mid-run made the
    9 km run 22,608 km long, refused as too fast; it is a break, like a pause marker."""
    pts = re.findall(r"<trkpt.*?</trkpt>", run9k, re.S)
    half = len(pts) // 2
    null = re.sub(r'lat="[^"]*" lon="[^"]*"', 'lat="0" lon="0"', pts[half])
    (tmp_path / "null.gpx").write_text(run9k.replace(pts[half], null, 1))
    got = only_run(pull(tmp_path))
    assert got.distance_m == pytest.approx(alone.distance_m, abs=10)  # two steps fewer
    assert got.descent_m == pytest.approx(alone.descent_m, abs=3)


def test_run_ride_run_gives_two_runs_and_a_reversed_segment_reads_forward(
    tmp_path: Path, run9k: str, alone: Run
) -> None:
    """Another shape of both: a run, a ride and a run again (a brick) are two runs, neither
    holding the ride's time; a run written backwards (last point first) is read forwards."""
    if not RIDE.is_file():
        pytest.skip("no strava-gpx-numeric-type case")
    run = track_of(run9k)
    ride = _ride_track(datetime(2020, 1, 11, 21, 0, tzinfo=UTC))
    again = shifted(run, timedelta(hours=6))
    (tmp_path / "brick.gpx").write_text(with_tracks(run9k, run, ride, again))
    pts = re.findall(r"<trkpt.*?</trkpt>", run9k, re.S)
    seg = re.search(r"<trkseg>.*</trkseg>", run9k, re.S)
    assert seg is not None
    backwards = run9k.replace(seg.group(0), "<trkseg>" + "".join(reversed(pts)) + "</trkseg>")
    (tmp_path / "backwards.gpx").write_text(backwards)
    runs = {r.id: r for r in pull(tmp_path).runs}
    assert set(runs) == {"file:brick.gpx#1", "file:brick.gpx#2", "file:backwards.gpx"}
    for got in runs.values():
        assert (got.distance_m, got.elapsed_s) == pytest.approx((alone.distance_m, alone.elapsed_s))
        assert got.moving_s == alone.moving_s and got.descent_m == alone.descent_m


def test_tcx_activity_with_few_times_does_not_lose_the_others(
    testdata_dir: Path, tmp_path: Path
) -> None:
    """Another shape: a TCX of two activities, the second with times on 5 trackpoints only:
    the first is read, and the note names the second with the reason."""
    tcx = (testdata_dir / "activities" / "sportslib_1604524853_run_6k.tcx").read_text()
    act = re.search(r"<Activity .*?</Activity>", tcx, re.S)
    assert act is not None
    count = 0

    def strip(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return m.group(0) if count <= 5 else re.sub(r"<Time>[^<]*</Time>", "", m.group(0))

    second = re.sub(r"<Trackpoint>.*?</Trackpoint>", strip, act.group(0), flags=re.S)
    (tmp_path / "two.tcx").write_text(tcx.replace(act.group(0), act.group(0) + second))
    result = pull(tmp_path)
    assert only_run(result).elapsed_s == 4070
    (note,) = result.problems
    assert "its activity 2 only: only 5 of 1495 trackpoints carry a time" in note.why
