"""Descent computation: hamsync's terrain measure against gpxpy's uphill/downhill.

Both get the same altitude series (every real FIT and GPX file). gpxpy smooths with a
3-point weighted mean and sums every change; hamsync also removes spikes, takes a 5-point
median, finds the turns on a 70 m moving average with a 1.3 m hysteresis and derives the
longest and the steep descent, so it does more work per point. The device's own totals show
what that work buys: the error of each method against them is in the note.
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.corpus import Corpus
from benchmarks.table import Row, best_of, ratio


@dataclass(frozen=True, slots=True)
class Series:
    altitudes: list[float | None]
    distances: list[float | None]
    device_descent: float | None


def series(corpus: Corpus) -> list[Series]:
    from connectors.fit_reader import read_fit
    from connectors.gpx_reader import read_gpx

    out: list[Series] = []
    for path in corpus.fit:
        out += [Series(r.altitudes, r.distances, r.device_descent_m) for r in read_fit(path)]
    for path in corpus.gpx:
        out += [Series(r.altitudes, r.distances, None) for r in read_gpx(path)]
    return [s for s in out if len(s.altitudes) > 1]


def rows(corpus: Corpus) -> list[Row]:
    from gpxpy.geo import calculate_uphill_downhill

    from planner.terrain import measure

    data = series(corpus)
    points = sum(len(s.altitudes) for s in data)
    ours = best_of(lambda: [measure(s.altitudes, s.distances) for s in data])
    theirs = best_of(lambda: [calculate_uphill_downhill(s.altitudes) for s in data])
    errors_ours: list[float] = []
    errors_theirs: list[float] = []
    for s in data:
        if not s.device_descent or s.device_descent < 200:
            continue
        terrain = measure(s.altitudes, s.distances)
        if terrain is not None:
            errors_ours.append(abs(terrain.descent_m / s.device_descent - 1))
        errors_theirs.append(abs(calculate_uphill_downhill(s.altitudes)[1] / s.device_descent - 1))
    note = ""
    if errors_ours:
        note = (
            f"worst error vs device descent (>=200 m, {len(errors_ours)} files): "
            f"hamsync {max(errors_ours):.0%}, gpxpy {max(errors_theirs):.0%}"
        )
    return [
        Row(
            "descent",
            f"climb/descent from altitudes ({len(data)} activities, {points:,} points)",
            f"{points / ours:,.0f} points/s",
            f"gpxpy uphill/downhill: {points / theirs:,.0f} points/s",
            ratio(points / ours, points / theirs),
            note,
        )
    ]
