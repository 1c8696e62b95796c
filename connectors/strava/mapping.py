"""Strava payloads -> :class:`planner.models.Run`: pure, no network, no clock.

``to_run(payload, streams)`` takes a SummaryActivity (or DetailedActivity) as JSON and the
activity's streams keyed by type (``{"altitude": [...], "distance": [...]}``) or None. Descent
comes from our own measurement of the altitude stream (:func:`planner.terrain.measure`), the
same as for files. Without a usable altitude stream (a manual activity, a phone that recorded
no altitude, a stream of nulls) the summary figures are used and ``descent_from`` says
``"summary"``: Strava reports no descent at all, only ``total_elevation_gain``, so descent is
that gain minus the net change from start to finish (from the detail's ``splits_metric`` when
given), which for the loops and out-and-backs most runs are is the gain itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from planner.models import CheckIn, Feeling, Run, Sport, Terrain
from planner.terrain import measure

DEFAULT_SPORTS = ("Run", "TrailRun", "VirtualRun")
"""Strava sport types pulled unless the config names others (Hike, Walk...)."""

SPORTS: dict[str, Sport] = {
    "Run": Sport.RUN,
    "VirtualRun": Sport.RUN,
    "TrailRun": Sport.TRAIL_RUN,
    "Hike": Sport.HIKE,
    "Walk": Sport.HIKE,
    "Snowshoe": Sport.HIKE,
}
"""How Strava's sport types map to the planner's; any other type pulled becomes ``other``."""

STRENGTH_SPORTS = frozenset({"WeightTraining", "Workout"})
"""Strava sport types that, logged on a session's day, mark that session done (R8)."""

HARD_EXERTION_MIN = 9.0
"""Strava's perceived exertion runs 1..10; 9 or more is beyond "hard" (hamsync default, as
for Garmin's effort): at most a "sensitive" check-in, never "pain" (DESIGN.md)."""

STREAM_TYPES = ["distance", "altitude"]
"""The only streams the planner needs: fewer types, a smaller answer."""


def sport_type(payload: Mapping[str, Any]) -> str:
    """``sport_type``, or ``type`` for activities recorded before Strava added it (2022)."""
    return str(payload.get("sport_type") or payload.get("type") or "")


def run_id(activity_id: int | str) -> str:
    return f"strava:{activity_id}"


def start_of(payload: Mapping[str, Any]) -> datetime:
    """The UTC start (``start_date`` ends in Z); raises ValueError when absent or naive."""
    start = datetime.fromisoformat(str(payload["start_date"]).replace("Z", "+00:00"))
    if start.tzinfo is None:
        raise ValueError(f"start_date {payload['start_date']!r} has no time zone")
    return start


def local_day(payload: Mapping[str, Any]) -> date:
    """The runner's local day: ``start_date_local`` is local time written with a "Z"."""
    local = payload.get("start_date_local")
    if isinstance(local, str) and len(local) >= 10:
        try:
            return date.fromisoformat(local[:10])
        except ValueError:
            pass
    return start_of(payload).date()


def strength_day(payload: Mapping[str, Any]) -> date | None:
    """The local day of a strength activity (``WeightTraining``, ``Workout``), else None."""
    return local_day(payload) if sport_type(payload) in STRENGTH_SPORTS else None


def exertion_checkin(detail: Mapping[str, Any], day: date) -> CheckIn | None:
    """A "sensitive" check-in when the runner rated the run 9/10 or harder, else None.

    ``perceived_exertion`` is only in the detailed activity and only when the runner set it.
    It measures effort, not hamstring symptoms: never "pain", and an easy rating is not
    taken as a "fine" that would lift a pause the runner asked for.
    """
    exertion = _number(detail.get("perceived_exertion"))
    if exertion is None or exertion < HARD_EXERTION_MIN:
        return None
    name = detail.get("name") or "activity"
    note = f"perceived exertion {exertion:.0f}/10 after {name}"
    return CheckIn(day, Feeling.SENSITIVE, note, source="strava")


def is_virtual(payload: Mapping[str, Any]) -> bool:
    """A virtual run (Zwift, a treadmill app) or any activity on a trainer or treadmill
    (``trainer: true``): it counts for the weekly dose, but a virtual course's profile is not
    a descent the legs ran, so it carries none."""
    return sport_type(payload) == "VirtualRun" or payload.get("trainer") is True


def is_manual(payload: Mapping[str, Any]) -> bool:
    """Manual entries have no recording, so no streams: asking costs a request for a 404."""
    return bool(payload.get("manual"))


def altitude_usable(streams: Mapping[str, Sequence[Any]] | None) -> bool:
    if not streams:
        return False
    return sum(1 for a in streams.get("altitude", ()) if isinstance(a, int | float)) >= 2


def to_run(
    payload: Mapping[str, Any],
    streams: Mapping[str, Sequence[Any]] | None,
    detail: Mapping[str, Any] | None = None,
) -> Run:
    """The planner's run for one Strava activity (see the module docstring for descent)."""
    rid = run_id(payload["id"])
    distance = _number(payload.get("distance")) or 0.0
    moving = _number(payload.get("moving_time"))
    elapsed = _number(payload.get("elapsed_time"))
    moving_s = moving if moving is not None else (elapsed or 0.0)
    virtual = is_virtual(payload)
    terrain = _terrain(streams, distance) if altitude_usable(streams) and not virtual else None
    ascent: float | None
    descent: float | None
    if virtual:
        ascent, descent, source = None, None, "none"
    elif terrain is not None:
        ascent, descent, source = terrain.ascent_m, terrain.descent_m, "computed"
    else:
        ascent, descent = _summary_climb(payload, detail)
        source = "summary" if descent is not None else "none"
    kind = sport_type(payload)
    return Run(
        id=rid,
        sources=(rid,),
        start=start_of(payload),
        sport=SPORTS.get(kind, Sport.OTHER),
        distance_m=distance,
        moving_s=moving_s,
        elapsed_s=elapsed if elapsed is not None else moving_s,
        ascent_m=ascent,
        descent_m=descent,
        descent_from=source,  # type: ignore[arg-type]
        terrain=terrain,
        name=str(payload.get("name") or ""),
        platform_trail=kind == "TrailRun",
    )


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _terrain(streams: Mapping[str, Sequence[Any]] | None, distance_m: float) -> Terrain | None:
    assert streams is not None
    altitudes = [a if isinstance(a, int | float) else None for a in streams.get("altitude", ())]
    raw_d = streams.get("distance")
    distances = (
        [d if isinstance(d, int | float) else None for d in raw_d]
        if raw_d is not None and len(raw_d) == len(altitudes)
        else None
    )
    terrain = measure(altitudes, distances)
    if terrain is not None and terrain.descent_per_km == 0 and distance_m > 0:
        terrain = replace(terrain, descent_per_km=round(terrain.descent_m / (distance_m / 1000), 1))
    return terrain


def _summary_climb(
    payload: Mapping[str, Any], detail: Mapping[str, Any] | None
) -> tuple[float | None, float | None]:
    """Gain from the summary; descent = gain - net change (splits), else the gain itself."""
    gain = _number(payload.get("total_elevation_gain"))
    if gain is None and detail is not None:
        gain = _number(detail.get("total_elevation_gain"))
    if gain is None:
        return None, None
    net = net_change(detail) if detail is not None else None
    descent = max(0.0, gain - net) if net is not None else gain
    return gain, round(descent, 1)


def net_change(detail: Mapping[str, Any]) -> float | None:
    """Finish minus start altitude from ``splits_metric`` (None when the detail has none)."""
    splits = detail.get("splits_metric")
    if not isinstance(splits, list) or not splits:
        return None
    diffs = [_number(s.get("elevation_difference")) for s in splits if isinstance(s, dict)]
    known = [d for d in diffs if d is not None]
    return sum(known) if known else None
