"""Climb and descent of a recording measured within each of its segments, then summed.

A break between two segments (a new GPX track or segment, a pause marker) is not movement:
the runner may have taken a cable car 800 m down, or driven to another valley, between them.
:func:`planner.terrain.measure` sees one continuous series, so it is called once per segment
(this module owns only the split and the sum; the smoothing stays in ``planner.terrain``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from planner.models import Terrain
from planner.terrain import measure


def measure_segments(
    altitudes: Sequence[float | None],
    distances: Sequence[float | None],
    breaks: Sequence[int] = (),
) -> Terrain | None:
    """Terrain of the whole recording: ascent, descent and steep descent summed over the
    segments that start at ``breaks`` (indices into ``altitudes``), the longest descent the
    longest of any segment, the descent per km over the distance covered within segments.

    ``distances`` is cumulative metres (same length as ``altitudes``, or empty). None when no
    segment has two usable points.
    """
    if not breaks:
        return measure(altitudes, distances or None)
    bounds = [0, *sorted(b for b in breaks if 0 < b < len(altitudes)), len(altitudes)]
    parts: list[Terrain] = []
    km = 0.0
    for a, b in itertools.pairwise(bounds):
        dists = list(distances[a:b]) if len(distances) == len(altitudes) else None
        terrain = measure(altitudes[a:b], dists)
        if terrain is None:
            continue
        parts.append(terrain)
        known = [d for d in dists or () if d is not None]
        if len(known) >= 2:
            km += (max(known) - min(known)) / 1000
    if not parts:
        return None
    descent = sum(p.descent_m for p in parts)
    return Terrain(
        ascent_m=round(sum(p.ascent_m for p in parts), 1),
        descent_m=round(descent, 1),
        longest_descent_m=max(p.longest_descent_m for p in parts),
        steep_descent_m=round(sum(p.steep_descent_m for p in parts), 1),
        descent_per_km=round(descent / km, 1) if km > 0 else 0.0,
        points=sum(p.points for p in parts),
    )
