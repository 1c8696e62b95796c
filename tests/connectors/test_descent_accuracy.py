"""Descent measured from altitude alone, against the device's own total (issue 13, kind 6).

Every real FIT session on foot with a device total (``testdata/activities`` and the field
cases) is written as a GPX from its records (position, altitude, time: what Garmin Connect's
GPX export holds), the totals stripped, and read back through the GPX reader and
:func:`planner.terrain.measure`. The goal: a median error of 3 % or less, and each session
within 10 % or 15 m, whichever is larger. The records are decoded with the official SDK
(``garmin-fit-sdk``), which reads the positions hamsync's own FIT reader skips.

The method must not hang on a knife-edge: each of its settings is moved by 20 % either way (the
median window to its odd neighbours, 3 and 7 points) and every session must stay within goal.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import statistics
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from garmin_fit_sdk import Decoder, Stream

from connectors.gpx_reader import read_gpx_stream
from planner.terrain import DEFAULT_SMOOTHING, Smoothing, measure

CASES = Path(__file__).resolve().parents[3] / "shared" / "cases"
MAX_MEDIAN_ERROR = 0.03
"""The issue's goal for the median (issue 13, kind 6)."""
MAX_MEDIAN_SHIFT = 0.01
"""How far the median may move when one setting moves by 20 %: the knife-edge test."""
MAX_ERROR = 0.10
MAX_ERROR_M = 15.0
SEMICIRCLE = 180 / 2**31
ON_FOOT = {"running", "hiking", "walking"}

DEVICE_OUTLIERS = {
    "heartandsole_wahoo_app_run_19k.fit #1": (
        "the Wahoo phone app counts barometer jitter: its 161 m on a course of 39 m of relief "
        "equals turns of 0.6 m on its raw 0.2 m steps (raw sum of drops 312 m); the same rule "
        "gives 701 m (+173 %) on the FR935 baro case, 264 m on the FENIX 5X's 49 m and 159 m on "
        "the FR920XT's 99 m; Garmin devices report 30-40 % of the raw sum; no smoothing "
        "matches both"
    ),
}
"""Sessions whose device total is not a measure of the terrain, with the evidence."""


@dataclass(frozen=True)
class Series:
    """One session's altitude and distance series as hamsync reads them from the GPX."""

    where: str
    device_m: float
    altitudes: Sequence[float | None]
    distances: Sequence[float | None]

    def measured(self, smoothing: Smoothing = DEFAULT_SMOOTHING) -> Session:
        terrain = measure(self.altitudes, self.distances, smoothing)
        assert terrain is not None, self.where
        return Session(self.where, self.device_m, terrain.descent_m)


@dataclass(frozen=True)
class Session:
    where: str
    device_m: float
    computed_m: float

    @property
    def error_m(self) -> float:
        return self.computed_m - self.device_m

    @property
    def within(self) -> bool:
        return abs(self.error_m) <= max(MAX_ERROR * self.device_m, MAX_ERROR_M)


def _gpx_of_sessions(data: bytes) -> list[tuple[int, float, str]]:
    """(session number, device descent, GPX text from its records) per session on foot."""
    decoded, errors = Decoder(Stream.from_byte_array(bytearray(data))).read(merge_heart_rates=False)
    assert not errors
    messages = cast(dict[str, Any], decoded)
    records = [
        r for r in messages.get("record_mesgs", []) if isinstance(r.get("timestamp"), datetime)
    ]
    out = []
    for n, session in enumerate(messages.get("session_mesgs", []), start=1):
        if session.get("sport") not in ON_FOOT or session.get("total_descent") is None:
            continue
        start: datetime = session["start_time"]
        end = start + timedelta(seconds=float(session["total_elapsed_time"]))
        points = []
        for r in records:
            lat, lon = r.get("position_lat"), r.get("position_long")
            if not start <= r["timestamp"] <= end or lat is None or lon is None:
                continue
            alt = r.get("enhanced_altitude", r.get("altitude"))
            ele = f"<ele>{alt}</ele>" if alt is not None else ""
            when = r["timestamp"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            points.append(
                f'<trkpt lat="{lat * SEMICIRCLE}" lon="{lon * SEMICIRCLE}">{ele}'
                f"<time>{when}</time></trkpt>"
            )
        if len(points) >= 10:
            body = "".join(points)
            gpx = f'<gpx version="1.1" creator="t"><trk><trkseg>{body}</trkseg></trk></gpx>'
            out.append((n, float(session["total_descent"]), gpx))
    return out


@pytest.fixture(scope="session")
def series(testdata_dir: Path) -> list[Series]:
    paths = sorted((testdata_dir / "activities").glob("*.fit"))
    paths += sorted(CASES.glob("*/runs/*.fit")) + sorted(CASES.glob("*/runs/*.fit.gz"))
    contents = [(path, path.read_bytes()) for path in paths]
    for archive in sorted(CASES.glob("*/runs/*.zip")):
        with zipfile.ZipFile(archive) as opened:
            contents += [
                (archive / name, opened.read(name))
                for name in opened.namelist()
                if name.lower().endswith(".fit")
            ]
    seen: set[str] = set()
    out = []
    for path, data in contents:
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:  # the same file in two places (a case reuses a testdata file)
            continue
        seen.add(digest)
        try:
            found = _gpx_of_sessions(data)
        except AssertionError:
            continue  # not decodable by the SDK: no device total to compare with
        for n, device, gpx in found:
            (rec,) = read_gpx_stream(io.BytesIO(gpx.encode()))
            out.append(Series(f"{path.name} #{n}", device, rec.altitudes, rec.distances))
    baro = CASES / "baro-noise-descent" / "runs" / "fr935_ironman_run_4623204522.gpx"
    if baro.is_file():  # the case's GPX was made the same way; device total 257 m (CASE.md)
        (rec,) = read_gpx_stream(io.BytesIO(baro.read_bytes()))
        name = "baro-noise-descent (FR935, Ironman run)"
        out.append(Series(name, 257.0, rec.altitudes, rec.distances))
    return out


@pytest.fixture(scope="session")
def sessions(series: list[Series]) -> list[Session]:
    return [s.measured() for s in series]


def _report(sessions: list[Session]) -> str:
    return "\n".join(
        f"{s.where}: device {s.device_m:.0f} m, computed {s.computed_m:.1f} m "
        f"({s.error_m:+.1f} m){'' if s.within else '  OUT'}"
        for s in sessions
    )


def test_each_session_within_ten_percent_or_fifteen_metres(sessions: list[Session]) -> None:
    """Every session (the documented outliers aside) within 10 % or 15 m of its device."""
    print(_report(sessions))
    assert len(sessions) >= 15, "too few sessions to judge the measurement"
    bad = [s.where for s in sessions if not s.within and s.where not in DEVICE_OUTLIERS]
    assert not bad, _report(sessions)


def _median_error(sessions: list[Session]) -> float:
    return statistics.median(abs(s.error_m) / s.device_m for s in sessions if s.device_m > 0)


def test_median_error_within_three_percent(sessions: list[Session]) -> None:
    """The issue's goal: across every session with a device descent, outliers included, the
    median error is 3 % or less."""
    assert _median_error(sessions) <= MAX_MEDIAN_ERROR, _report(sessions)


def _nudged() -> list[Smoothing]:
    """The default smoothing with one setting moved by 20 % either way (the running median,
    whose window is odd, to its neighbours 3 and 7)."""
    d = DEFAULT_SMOOTHING
    out = [
        replace(d, median_window=d.median_window - 2),
        replace(d, median_window=d.median_window + 2),
    ]
    for name in ("hysteresis_m", "turn_window_m", "turn_refine_m"):
        out += [replace(d, **{name: getattr(d, name) * f}) for f in (0.8, 1.2)]
    return out


NUDGED = _nudged()


def _label(smoothing: Smoothing) -> str:
    d = DEFAULT_SMOOTHING
    return next(
        f"{name}={getattr(smoothing, name):g}"
        for name in ("median_window", "hysteresis_m", "turn_window_m", "turn_refine_m")
        if getattr(smoothing, name) != getattr(d, name)
    )


@pytest.mark.parametrize("smoothing", NUDGED, ids=_label)
def test_each_session_within_goal_when_a_setting_moves(
    series: list[Series], smoothing: Smoothing
) -> None:
    """No knife-edge for the worst case: every session (outliers aside) stays within 10 % or
    15 m with any one setting 20 % off."""
    sessions = [s.measured(smoothing) for s in series]
    print(f"{_label(smoothing)}: median {_median_error(sessions):.1%}")
    bad = [s.where for s in sessions if not s.within and s.where not in DEVICE_OUTLIERS]
    assert not bad, _report(sessions)


@pytest.mark.xfail(
    strict=True,
    reason="measured 2026-11-30: with one setting 20 % off the median is 2.8-6.2 % (turn window "
    "28 m: 6.2 %, hysteresis 1.04 m: 5.7 %). The flattest settings found (80 m, 1.4 m: 3.0-3.7 %) "
    "miss 3 % at the centre (3.2 %), the heavy FIT sessions' 3 % (3.2 %) and the phone TCX's band "
    "(345 m): the devices disagree (docs/planning.md, 'How descent is measured')",
)
def test_median_stays_put_when_a_setting_moves(
    series: list[Series], sessions: list[Session]
) -> None:
    """No knife-edge for the median: with any one setting 20 % off it stays within 3 % and
    moves by at most one percentage point. Strict: meeting it turns this red until the mark
    goes."""
    centre = _median_error(sessions)
    medians = {_label(n): _median_error([s.measured(n) for s in series]) for n in NUDGED}
    shown = f"default {centre:.2%}; " + ", ".join(f"{k}: {v:.2%}" for k, v in medians.items())
    assert all(abs(m - centre) <= MAX_MEDIAN_SHIFT for m in medians.values()), shown
    assert max(medians.values()) <= MAX_MEDIAN_ERROR, shown


def test_baro_noise_case_is_within_ten_percent(sessions: list[Session]) -> None:
    """baro-noise-descent: 257 m by the FR935 (garmin-fit-sdk); was 370.6 m (+44 %)."""
    (baro,) = [s for s in sessions if s.where.startswith("baro-noise-descent")]
    assert baro.computed_m == pytest.approx(257, rel=MAX_ERROR)
