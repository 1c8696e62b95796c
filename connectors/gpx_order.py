"""The order of a GPX segment's points: the file's, unless the times say the file is shuffled.

Some exports write points out of time order: a segment whose halves are swapped, a file
shuffled by a converter. Others only have timestamp jitter: Sports Tracker's GPX of a 12 km
outing has 3,078 steps back in time of 1-2 s between points that are in the right place
(``testdata/activities/sportslib_sportstracker_pyrenees_12k.gpx``); sorting those by time
zig-zags the track to 36.6 km (gpxpy reads it in file order: 12.30 km, the Movescount GPX of
the same outing 12.26 km).

The test: a runner's track is the shorter path through its points. Real disorder makes the
file order longer than the time order (every swap adds a jump there and back); jitter makes
the time order longer (every swap of two neighbours adds a step back and forth). So the points
are put in time order only when that path is not longer than the file's (a segment written
backwards is the same path either way: its times decide).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

EARTH_RADIUS_M = 6_371_000.0
"""Mean Earth radius (IUGG), as gpxpy and most GPS tools use for haversine distances."""


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def path_length(points: Sequence[int], lat: Sequence[float], lon: Sequence[float]) -> float:
    """Metres along ``points`` (indices into ``lat``/``lon``) in the given order."""
    return sum(haversine(lat[a], lon[a], lat[b], lon[b]) for a, b in itertools.pairwise(points))


def ordered(
    points: list[int], lat: Sequence[float], lon: Sequence[float], time: Sequence[float]
) -> list[int]:
    """``points`` (indices) in file order, or in time order when that path is shorter.

    Points without a time (NaN) go last in time order. O(n) when
    the times never go back, O(n log n) otherwise.
    """
    if not any(time[a] > time[b] for a, b in itertools.pairwise(points)):
        return points
    by_time = sorted(points, key=lambda i: (math.isnan(time[i]), time[i]))
    # a tie (a segment written backwards: the same path reversed) goes to the times
    if path_length(by_time, lat, lon) <= path_length(points, lat, lon) * (1 + 1e-9):
        return by_time
    return points
