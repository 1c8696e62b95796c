"""Decode a GPX file into one :class:`~connectors.recording.Recording` (all tracks joined).

``gpxpy`` is imported on the first GPX file, not with the module: most syncs read no GPX and
every command would pay for it at start-up.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from connectors.recording import ReadError, Recording, sport_from_label

if TYPE_CHECKING:
    import gpxpy.gpx

_EARTH_RADIUS_M = 6_371_000.0


def read_gpx(path: Path) -> list[Recording]:
    """The activity of the GPX file at ``path`` (empty if not on foot); raise ReadError."""
    import gpxpy

    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            gpx = gpxpy.parse(handle)
    except OSError as exc:
        raise ReadError(f"cannot read the file ({exc.strerror or exc})") from exc
    except Exception as exc:  # gpxpy raises GPXException or XML errors on bad input
        raise ReadError(f"not a valid GPX file ({_first_line(exc)})") from exc
    points: list[gpxpy.gpx.GPXTrackPoint | gpxpy.gpx.GPXRoutePoint] = [
        p for track in gpx.tracks for seg in track.segments for p in seg.points
    ]
    if not points:
        points.extend(p for route in gpx.routes for p in route.points)
    if not points:
        raise ReadError("GPX file holds no track points")
    label = next((t.type for t in gpx.tracks if t.type), None)
    mapped = sport_from_label(label)
    if mapped is None:
        return []
    sport, trail = mapped
    name = gpx.name or next((t.name for t in gpx.tracks if t.name), None) or ""
    times = [_utc(p.time) for p in points if p.time is not None]
    start = min(times) if times else None
    elapsed = (max(times) - start).total_seconds() if start is not None else None
    moving = None
    if start is not None:
        moving_data = gpx.get_moving_data()
        moving = float(moving_data.moving_time) if moving_data else elapsed
    distances = _cumulative(points)
    return [
        Recording(
            sport=sport,
            start=start,
            elapsed_s=elapsed,
            moving_s=moving,
            distance_m=distances[-1] if distances else None,
            altitudes=[p.elevation for p in points],
            distances=distances,
            name=name.strip(),
            trail=trail,
        )
    ]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _cumulative(
    points: list[gpxpy.gpx.GPXTrackPoint | gpxpy.gpx.GPXRoutePoint],
) -> list[float | None]:
    """Cumulative great-circle distance along the points (haversine, metres)."""
    out: list[float | None] = []
    total = 0.0
    prev: gpxpy.gpx.GPXTrackPoint | gpxpy.gpx.GPXRoutePoint | None = None
    for p in points:
        if prev is not None:
            total += _haversine(prev.latitude, prev.longitude, p.latitude, p.longitude)
        out.append(total)
        prev = p
    return out


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
