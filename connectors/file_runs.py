"""One recording of an activity file turned into a :class:`planner.models.Run`, checked.

Device totals win over the measured altitude stream; figures that no runner produces (a date
before 2000 or in the future, negative or absurd durations, speeds beyond record pace, computed
descent steeper than any course, moving time beyond elapsed time, an activity that lasts no
time) raise :class:`ReadError` with the reason, so the file is skipped and named (issue 13,
kind 5). Speeds are judged by distance (:mod:`connectors.run_speed`); climb and descent are
measured within each segment of a recording (:mod:`connectors.segment_terrain`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from connectors.file_checks import clean_recording, implausible
from connectors.recording import ReadError, Recording
from connectors.run_speed import SHORTEST_M, fastest_ms
from connectors.segment_terrain import measure_segments
from planner.models import DescentSource, Run, Sport, Terrain

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
"""Activities before this are a wrong clock (FIT's epoch is 1989), not a run."""
STEEPEST = 0.6  # hamsync default
"""More descent than 60 % of the distance over a whole activity is no course's: vertical-km
descents average 30-40 %; such a figure is altitude noise or spikes."""
MOVING_SLACK_S = 60.0
"""Moving time may exceed elapsed time by this (rounding of lap sums) and is then cut to it."""


def to_run(run_id: str, rec: Recording, shift: int, tz: ZoneInfo, today: date) -> Run:
    """The run of one recording, checked; raise ReadError for figures no run has."""
    rec = clean_recording(rec)
    why = implausible(rec)
    if why is not None:
        raise ReadError(why)
    if rec.start is None:
        raise ReadError("the activity has no timestamps")
    if rec.start < EARLIEST:
        raise ReadError(f"the activity is dated {rec.start:%Y-%m-%d}, before 2000")
    for label, value in (("elapsed", rec.elapsed_s), ("moving", rec.moving_s)):
        if value is not None and value < 0:
            raise ReadError(f"negative {label} time ({value:.0f} s)")
    if rec.distance_m is not None and rec.distance_m < 0:
        raise ReadError(f"negative distance ({rec.distance_m:.0f} m)")
    start = rec.start
    if shift:
        start = (start.astimezone(tz) + timedelta(weeks=shift)).astimezone(UTC)
    if start.astimezone(tz).date() > today + timedelta(days=1):
        raise ReadError(f"the activity is dated {start:%Y-%m-%d}, in the future")
    terrain = None
    if rec.altitudes:
        terrain = measure_segments(rec.altitudes, rec.distances, rec.breaks)
    if terrain is not None and terrain.descent_per_km == 0 and rec.distance_m:
        # no distance stream: the per-km figure from the activity's total distance
        per_km = round(terrain.descent_m / (rec.distance_m / 1000), 1)
        terrain = replace(terrain, descent_per_km=per_km)
    ascent, descent, source = _climb(rec, terrain)
    elapsed = rec.elapsed_s if rec.elapsed_s is not None else (rec.moving_s or 0.0)
    moving = rec.moving_s if rec.moving_s is not None else elapsed
    _plausible(rec.distance_m or 0.0, moving, elapsed, descent, source)
    return Run(
        id=run_id,
        sources=(run_id,),
        start=start,
        sport=rec.sport,
        distance_m=rec.distance_m or 0.0,
        moving_s=min(moving, elapsed) if elapsed else moving,
        elapsed_s=elapsed,
        ascent_m=ascent,
        descent_m=descent,
        descent_from=source,
        terrain=terrain,
        name=rec.name,
        platform_trail=rec.trail or rec.sport is Sport.TRAIL_RUN,
    )


def _plausible(
    distance: float, moving: float, elapsed: float, descent: float | None, source: DescentSource
) -> None:
    """Raise ReadError for computed figures no run has (issue 13, kind 5)."""
    if elapsed <= 0:
        raise ReadError(
            f"it lasts no time ({distance / 1000:.1f} km in 0 s: its times are all the same "
            "or missing): the duration is unknown"
        )
    if moving > elapsed + MOVING_SLACK_S:
        raise ReadError(
            f"its moving time ({moving / 60:.0f} min) exceeds its elapsed time "
            f"({elapsed / 60:.0f} min)"
        )
    span = moving or elapsed
    if span > 0 and distance > SHORTEST_M and distance / span > fastest_ms(distance):
        raise ReadError(
            f"{distance / 1000:.1f} km in {span / 60:.1f} min ({distance / span * 3.6:.0f} km/h), "
            "faster than any runner"
        )
    steep = descent is not None and descent > max(100.0, STEEPEST * distance)
    if source == "computed" and steep and distance > 0:
        raise ReadError(
            f"its computed descent ({descent:.0f} m) is more than the distance allows "
            f"({distance / 1000:.1f} km)"
        )


def _climb(
    rec: Recording, terrain: Terrain | None
) -> tuple[float | None, float | None, DescentSource]:
    """Device totals win; else our measurement of the altitude stream; else nothing."""
    if rec.device_descent_m is not None:
        ascent = rec.device_ascent_m
        if ascent is None and terrain is not None:
            ascent = terrain.ascent_m
        return ascent, rec.device_descent_m, "device"
    if terrain is not None:
        return terrain.ascent_m, terrain.descent_m, "computed"
    return None, None, "none"
