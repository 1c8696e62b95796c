"""Climb and descent measured from an altitude series (and, where known, distances).

Pure functions, no I/O. The steps, each O(n):

1. drop missing points (``None`` or NaN) and altitudes outside what a runner can reach;
2. remove spikes: short excursions that jump away and come back (a barometer or GPS glitch),
   and a jump right at the start or end of the series (a sensor still settling);
3. smooth with a short running median, which keeps real slopes and removes single-sample noise;
4. find the turning points (tops and bottoms) on a strongly smoothed copy: a moving average over
   70 m of distance, with a 1.3 m hysteresis, so that barometer jitter and GPS noise around a
   level never make a turn (Strava documents the same shape: smooth, detect peaks, count a
   gain only above a threshold; GoldenCheetah counts with a hysteresis, 3 m by default);
5. measure each climb and descent between those turns on the lightly smoothed series (the
   highest or lowest point within 3 m of the turn), so the strong smoothing does not shave the
   real tops and bottoms.

The four settings of steps 3-5 are a :class:`Smoothing`; :data:`DEFAULT_SMOOTHING` holds the
values below. They were chosen on every real session with a device total (``testdata/activities``
and the field cases), measured on GPX made from the FIT records with the totals stripped
(``tests/connectors/test_descent_accuracy.py``): median error 2.8 % against the devices, each
session within 10 % or 15 m but the Wahoo phone app's. With any one setting moved by 20 % every
session stays within 10 % or 15 m, but the median moves to 2.8-6.2 %: the 3 % is a knife-edge.
The devices do not agree with each other: Garmin's totals match a level hysteresis of about
1.8 m on the raw 0.2 m barometer steps, the phone apps' (IpBike, Stryd, Wahoo) turns of
0.6-0.8 m on the raw series, and no smoothing tried (running medians, moving averages by
distance, by point and on a 3 m grid, level and turn hysteresis, fixed and noise-scaled
thresholds, refining turns by hill-climbing) keeps a median of 3 % for every setting 20 % around
it. The flattest found (80 m, 1.4 m, 3 m: 3.0-3.7 % around a 3.2 % centre) misses 3 % itself and
the other measures of the suite (the heavy FIT sessions, a phone's GPS-altitude TCX), so the
settings stay. See docs/planning.md, "How descent is measured".
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from planner.models import Terrain

MEDIAN_WINDOW = 5  # hamsync default
"""Points in the running median. Five removes one- and two-sample noise without flattening a
real climb (at 1-5 s recording it spans 5-25 s). Measured on the test files: 5 beats 1 and 7."""

HYSTERESIS_M = 1.3  # hamsync default, measured like TURN_WINDOW_M
"""A turn (top or bottom) must be left by this much on the smoothed series before it counts.
Barometric altimeters record in steps of 0.2 m (FIT altitude: scale 5), some in 1 m (the Coros
files); 1 m over-counted flat courses, 2 m and more undercount rolling terrain."""

TURN_WINDOW_M = 35.0  # hamsync default, measured (tests/connectors/test_descent_accuracy.py)
"""Half-width of the moving average (by distance) on which the turns are found: 70 m. About
300 settings of window, hysteresis and refine distance were measured, each with its 8
neighbours 20 % off: this one (with 1.3 m and 3 m) is the only one that meets every measure of
the suite, at 2.8 %, but 28 m gives 6.2 %."""

TURN_REFINE_M = 3.0  # hamsync default, measured like TURN_WINDOW_M
"""A turn's altitude is the highest (top) or lowest (bottom) point of the median series within
this distance of it (at 1 s recording, the point itself and about one either side). Wider
searches pick up the noise's own extremes: up to 20 m made the median error 1-2 points worse."""


@dataclass(frozen=True, slots=True)
class Smoothing:
    """How an altitude series is smoothed before climbs and descents are counted.

    ``median_window``: points in the running median (odd; 1 turns it off).
    ``hysteresis_m``: metres a top or bottom must be left by, on the moving average, to count.
    ``turn_window_m``: half-width in metres of the moving average on which turns are found.
    ``turn_refine_m``: metres either side of a turn searched for its top or bottom on the median
    series. The defaults are the module constants of the same names (sources there).

    Raises ValueError for an even or non-positive window or a negative distance or threshold.
    """

    median_window: int = MEDIAN_WINDOW
    hysteresis_m: float = HYSTERESIS_M
    turn_window_m: float = TURN_WINDOW_M
    turn_refine_m: float = TURN_REFINE_M

    def __post_init__(self) -> None:
        if self.median_window < 1 or self.median_window % 2 == 0:
            raise ValueError(f"median_window must be odd and positive, not {self.median_window}")
        for name in ("hysteresis_m", "turn_window_m", "turn_refine_m"):
            value = getattr(self, name)
            if not value >= 0:  # also refuses NaN
                raise ValueError(f"{name} must be 0 or more metres, not {value}")


DEFAULT_SMOOTHING = Smoothing()
"""The smoothing :func:`measure` uses unless told otherwise."""

POINT_SPACING_M = 3.0  # hamsync default
"""Assumed distance between two points when a recording has no distances (1 Hz at 11 km/h)."""

MIN_ALTITUDE_M = -450.0  # hamsync default
MAX_ALTITUDE_M = 9_000.0  # hamsync default
"""Altitudes outside this range (below the Dead Sea shore, above Everest) are sensor garbage,
such as the 10 km spikes some exports hold; the points are dropped."""

SPIKE_JUMP_M = 25.0  # hamsync default
"""A jump between two consecutive points larger than this is suspect: a runner does not climb
or drop 25 m between two samples of a normal recording (1-10 s)."""

SPIKE_MAX_GRADE = 1.0  # hamsync default
"""...unless the distances say the jump is over a stretch long enough for it: a jump steeper
than 100 % (45 degrees) between two samples is suspect, a gentler one is real terrain seen
through a sparse recording (GPX files with a point every 100 m)."""

SPIKE_MAX_POINTS = 10  # hamsync default
"""A suspect jump that comes back to the level before it within this many points is a spike:
those points are removed."""

EDGE_GLITCH_POINTS = 60  # hamsync default
"""A suspect jump within this many points of either end is a start-up or shut-down glitch (a
phone app writing 0 m until its first fix, a barometer not yet calibrated): the points on the
short side of it are removed. Sixty points is the first minute of a 1 Hz recording."""

SPIKE_RETURN_M = SPIKE_JUMP_M / 2  # hamsync default
"""How close to the level before the jump the series must come back for a spike."""

LONGEST_DESCENT_BREAK_M = 5.0  # hamsync default
"""A climb of more than this ends a continuous descent. Deliberately coarser than the
hysteresis: a 400 m trail descent with a few 2 m bumps is still one descent for the legs
(with 1 m the longest descent of the test mountain leg halves from 406 m to 211 m)."""

STEEP_GRADE = 0.10  # hamsync default (DESIGN.md: steeper than 10 %)
"""Descent counts as steep on stretches falling more than 10 % (DESIGN.md, terrain figures)."""

STEEP_WINDOW_M = 50.0  # hamsync default
"""Grades are measured over stretches of at least this horizontal distance: point-to-point
grades at 1 Hz (2-4 m apart, altitude in 0.2 m steps) are mostly quantisation noise."""


def measure(
    altitudes: Sequence[float | None],
    distances: Sequence[float | None] | None = None,
    smoothing: Smoothing = DEFAULT_SMOOTHING,
) -> Terrain | None:
    """Ascent, descent and descent figures of one activity; None if under 2 usable points.

    ``altitudes`` in metres; ``distances`` (cumulative metres, same length as ``altitudes``) is
    optional; without it the steep descent and the descent per km are 0. ``smoothing`` is there
    for measuring the method itself (how much the result moves when a setting moves).
    """
    alts, dists = _usable(altitudes, distances)
    if len(alts) < 2:
        return None
    alts, dists = _despike(alts, dists)
    if len(alts) < 2:
        return None
    smooth = _running_median(alts, smoothing.median_window)
    ascent, descent = _turn_totals(alts, smooth, _walked(dists), smoothing)
    longest = _longest_descent(smooth, LONGEST_DESCENT_BREAK_M)
    steep = _steep_descent(smooth, dists)
    km = _distance_km(dists)
    return Terrain(
        ascent_m=round(ascent, 1),
        descent_m=round(descent, 1),
        longest_descent_m=round(longest, 1),
        steep_descent_m=round(steep, 1),
        descent_per_km=round(descent / km, 1) if km > 0 else 0.0,
        points=len(smooth),
    )


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _usable(
    altitudes: Sequence[float | None], distances: Sequence[float | None] | None
) -> tuple[list[float], list[float | None]]:
    """Points with a finite, plausible altitude, paired with their distance (or None)."""
    # NaN and infinities fail the range test, so it is the only test an altitude needs
    low, high = MIN_ALTITUDE_M, MAX_ALTITUDE_M
    if distances is None or len(distances) != len(altitudes):
        alts = [float(a) for a in altitudes if a is not None and low <= a <= high]
        return alts, [None] * len(alts)
    kept = [
        (a, d)
        for a, d in zip(altitudes, distances, strict=True)
        if a is not None and low <= a <= high
    ]
    alts = [float(a) for a, _ in kept]
    dists = [float(d) if d is not None and math.isfinite(d) else None for _, d in kept]
    return alts, dists


def _despike(
    alts: list[float], dists: list[float | None]
) -> tuple[list[float], list[float | None]]:
    """Remove short excursions that jump away and come back, and glitches at either end."""
    n = len(alts)
    jump = SPIKE_JUMP_M
    if all(abs(b - a) <= jump for a, b in pairwise(alts)):  # the usual case: no jump
        return alts, dists
    keep = [True] * n
    i = 1
    while i < n:
        if _suspect_jump(alts, dists, i):
            base = alts[i - 1]
            back = next(
                (
                    j
                    for j in range(i + 1, min(n, i + SPIKE_MAX_POINTS + 1))
                    if abs(alts[j] - base) <= SPIKE_RETURN_M
                ),
                None,
            )
            if back is not None:
                for k in range(i, back):
                    keep[k] = False
                i = back + 1
                continue
            if i <= EDGE_GLITCH_POINTS:  # the series starts at a wrong level, then settles
                for k in range(i):
                    keep[k] = False
            elif n - i <= EDGE_GLITCH_POINTS:  # the last few points fall off a cliff
                for k in range(i, n):
                    keep[k] = False
        i += 1
    if all(keep):
        return alts, dists
    return [a for a, k in zip(alts, keep, strict=True) if k], [
        d for d, k in zip(dists, keep, strict=True) if k
    ]


def _suspect_jump(alts: list[float], dists: list[float | None], i: int) -> bool:
    jump = abs(alts[i] - alts[i - 1])
    if jump <= SPIKE_JUMP_M:
        return False
    d0, d1 = dists[i - 1], dists[i]
    return d0 is None or d1 is None or jump > SPIKE_MAX_GRADE * abs(d1 - d0)


def _running_median(values: list[float], window: int) -> list[float]:
    """Centred running median; near the ends the window shrinks symmetrically (the first and
    last values are kept as they are: Tukey's copy-on end rule), so a series that starts or ends
    on a slope keeps its first and last altitude instead of the median of the slope's start."""
    half = window // 2
    n = len(values)

    def at(i: int) -> float:
        reach = min(half, i, n - 1 - i)
        return sorted(values[i - reach : i + reach + 1])[reach]

    if n <= 2 * half:
        return [at(i) for i in range(n)]
    # the full windows, all of odd length 2 * half + 1, in one pass over shifted copies
    inner = [
        sorted(w)[half]
        for w in zip(*(values[k : n - 2 * half + k] for k in range(2 * half + 1)), strict=True)
    ]
    return [*(at(i) for i in range(half)), *inner, *(at(i) for i in range(n - half, n))]


def _walked(dists: list[float | None]) -> list[float]:
    """Cumulative distance that never decreases: gaps carried forward, none at all spaced."""
    if all(d is None for d in dists):
        return [i * POINT_SPACING_M for i in range(len(dists))]
    out: list[float] = []
    last = next(d for d in dists if d is not None)
    for d in dists:
        if d is not None and d > last:
            last = d
        out.append(last)
    return out


def _moving_average(values: list[float], walked: list[float], half: float) -> list[float]:
    """Mean of the values within ``half`` metres of distance either side of each point."""
    n = len(values)
    out = []
    lo = hi = 0  # the window is values[lo:hi]
    total = 0.0
    for d in walked:
        while hi < n and walked[hi] <= d + half:
            total += values[hi]
            hi += 1
        while walked[lo] < d - half:
            total -= values[lo]
            lo += 1
        out.append(total / (hi - lo))
    return out


def _turns(values: list[float], threshold: float) -> list[int]:
    """Indices of alternating tops and bottoms: each left by at least ``threshold``."""
    turns = [0]
    up: bool | None = None
    candidate = 0
    for i in range(1, len(values)):
        v = values[i]
        if up is None:
            if abs(v - values[0]) >= threshold:
                up, candidate = v > values[0], i
        elif (up and v > values[candidate]) or (not up and v < values[candidate]):
            candidate = i
        elif abs(v - values[candidate]) >= threshold:
            turns.append(candidate)
            up, candidate = not up, i
    if candidate != turns[-1]:
        turns.append(candidate)
    return turns


def _turn_totals(
    alts: list[float], median: list[float], walked: list[float], smoothing: Smoothing
) -> tuple[float, float]:
    """Ascent and descent between the turns of the strongly smoothed series, measured on the
    median series (the top or bottom within ``turn_refine_m`` of each turn)."""
    smooth = _moving_average(alts, walked, smoothing.turn_window_m)
    turns = _turns(smooth, smoothing.hysteresis_m)
    refine = smoothing.turn_refine_m
    levels = []
    for k, i in enumerate(turns):
        a = bisect_left(walked, walked[i] - refine)
        b = bisect_right(walked, walked[i] + refine)
        other = smooth[turns[k + 1]] if k + 1 < len(turns) else smooth[turns[k - 1]]
        near = median[a:b]
        levels.append(max(near) if smooth[i] >= other else min(near))
    ascent = sum(max(0.0, b - a) for a, b in pairwise(levels))
    descent = sum(max(0.0, a - b) for a, b in pairwise(levels))
    return ascent, descent


def _longest_descent(values: list[float], break_m: float) -> float:
    """The largest drop from a high point without a climb of more than ``break_m`` after it."""
    peak = trough = values[0]
    best = 0.0
    for v in values:
        if v < trough:
            trough = v
            best = max(best, peak - trough)
        elif v - trough > break_m or v > peak:
            peak = trough = v
    return best


def _steep_descent(alts: list[float], dists: list[float | None]) -> float:
    """Descent on stretches of at least STEEP_WINDOW_M falling more than STEEP_GRADE."""
    total = 0.0
    start_a: float | None = None
    start_d: float | None = None
    for a, d in zip(alts, dists, strict=True):
        if d is None:
            continue
        if start_d is None or start_a is None or d < start_d:  # first point or distance reset
            start_a, start_d = a, d
            continue
        run = d - start_d
        if run >= STEEP_WINDOW_M:
            drop = start_a - a
            if drop > STEEP_GRADE * run:
                total += drop
            start_a, start_d = a, d
    return total


def _distance_km(dists: list[float | None]) -> float:
    known = [d for d in dists if d is not None]
    if len(known) < 2:
        return 0.0
    return max(0.0, max(known) - min(known)) / 1000.0
