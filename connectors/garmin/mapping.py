"""Pure mappings from Garmin Connect payloads to planner models: no I/O, tested from JSON.

Field names are those of ``/activitylist-service/activities/search/activities`` (see
``testdata/garmin/extracted``). Garmin adds and drops fields, so every read uses ``.get``;
an activity without elevation keys (a treadmill run, a swim) has no descent at all.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from planner.models import CheckIn, Feeling, Run, Sport

MULTISPORT_TYPE_KEYS = frozenset({"multi_sport"})
"""A triathlon, duathlon, swimrun or trail + bike: one parent in the list, its legs apart."""

RUNNING_PARENT_TYPE = 1
"""Garmin's ``parentTypeId`` of running and all its sub-types (trail, treadmill, track...)."""
TRAIL_TYPE_KEYS = frozenset({"trail_running", "ultra_run"})
HIKE_TYPE_KEYS = frozenset(
    {"hiking", "walking", "casual_walking", "speed_walking", "mountaineering"}
)
"""Foot activities that load descents (R2, R4) but do not count for the weekly dose (R5)."""

STRENGTH_TYPE_KEYS = frozenset({"strength_training"})
"""Garmin's strength training (``typeId`` 13, under ``fitness_equipment``, ``parentTypeId``
29): logged on a session's day, it marks that session done (R8). Other fitness-equipment
types (elliptical, stair stepper, indoor rowing) are cardio, not hamstring work."""
STRENGTH_TYPE_ID = 13

WEAK_FEEL_MAX = 25
"""Garmin's feel scale runs 0 (very weak) .. 100 (very strong); 25 is "weak"."""
HARD_RPE_MIN = 90
"""Garmin stores perceived effort as 10..100 (RPE x 10); 90 or more is "extremely hard"."""


def sport_of(payload: dict[str, Any]) -> Sport | None:
    """Run, trail run or hike; None for everything else (rides, swims, yoga...)."""
    kind = payload.get("activityType") or payload.get("activityTypeDTO") or {}
    key = str(kind.get("typeKey") or "")
    if key in TRAIL_TYPE_KEYS:
        return Sport.TRAIL_RUN
    if kind.get("parentTypeId") == RUNNING_PARENT_TYPE or key == "running":
        return Sport.RUN
    if key in HIKE_TYPE_KEYS:
        return Sport.HIKE
    return None


def strength_day(payload: dict[str, Any]) -> date | None:
    """The local day of a strength-training activity, or None for any other activity.

    ``startTimeLocal`` ("2026-01-08 08:10:21") is already in the runner's zone as the watch
    recorded it, so no time zone is needed to know which day's session it was.
    """
    kind = payload.get("activityType") or payload.get("activityTypeDTO") or {}
    if kind.get("typeKey") not in STRENGTH_TYPE_KEYS and kind.get("typeId") != STRENGTH_TYPE_ID:
        return None
    text = payload.get("startTimeLocal")
    if not isinstance(text, str) or len(text) < 10:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def start_of(payload: dict[str, Any]) -> datetime | None:
    """The start in UTC: ``startTimeGMT`` ("2026-01-08 14:10:21"), else ``beginTimestamp``."""
    text = payload.get("startTimeGMT")
    if isinstance(text, str) and text:
        try:
            return datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=UTC)
        except ValueError:
            pass
    stamp = payload.get("beginTimestamp")
    if isinstance(stamp, int | float):
        return datetime.fromtimestamp(stamp / 1000, UTC)
    return None


def run_id(payload: dict[str, Any]) -> str:
    return f"garmin:{payload['activityId']}"


def to_run(payload: dict[str, Any]) -> Run | None:
    """The activity as a :class:`Run`, or None when it is not a foot activity we track.

    Ascent and descent are the device's own totals (``elevationGain``/``elevationLoss``);
    when Garmin replaced them with its terrain model (``elevationCorrected``) they are a
    platform summary instead.
    """
    sport = sport_of(payload)
    start = start_of(payload)
    if sport is None or start is None or payload.get("activityId") is None:
        return None
    duration = _number(payload.get("duration")) or 0.0
    elapsed = _number(payload.get("elapsedDuration")) or duration
    moving = _number(payload.get("movingDuration")) or duration
    ascent = _number(payload.get("elevationGain"))
    descent = _number(payload.get("elevationLoss"))
    if descent is None:
        source = "none"
    elif payload.get("elevationCorrected"):
        source = "summary"
    else:
        source = "device"
    key = str((payload.get("activityType") or {}).get("typeKey") or "")
    identifier = run_id(payload)
    return Run(
        id=identifier,
        sources=(identifier,),
        start=start,
        sport=sport,
        distance_m=_number(payload.get("distance")) or 0.0,
        moving_s=moving,
        elapsed_s=elapsed,
        ascent_m=ascent,
        descent_m=descent,
        descent_from=source,  # type: ignore[arg-type]
        name=str(payload.get("activityName") or ""),
        platform_trail=key in TRAIL_TYPE_KEYS,
    )


def feel_checkin(payload: dict[str, Any], day: date) -> CheckIn | None:
    """A "sensitive" check-in when Garmin's post-run feel or effort says so, else None.

    Feel and perceived effort (``directWorkoutFeel``, ``directWorkoutRpe``, in the list item
    or its ``summaryDTO``) measure effort, not hamstring symptoms (DESIGN.md): a weak feel or
    an extreme effort counts at most as "sensitive", never as "pain", and a good feel is not
    taken as a "fine" that would lift a pause the runner asked for.
    """
    summary = payload.get("summaryDTO") or {}
    feel = _number(payload.get("directWorkoutFeel", summary.get("directWorkoutFeel")))
    rpe = _number(payload.get("directWorkoutRpe", summary.get("directWorkoutRpe")))
    reasons = []
    if feel is not None and feel <= WEAK_FEEL_MAX:
        reasons.append(f"Garmin feel {feel:.0f}/100")
    if rpe is not None and rpe >= HARD_RPE_MIN:
        reasons.append(f"perceived effort {rpe / 10:.0f}/10")
    if not reasons:
        return None
    name = payload.get("activityName") or "activity"
    note = f"{', '.join(reasons)} after {name}"
    return CheckIn(day, Feeling.SENSITIVE, note, source="garmin")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def is_multisport(payload: dict[str, Any]) -> bool:
    """True for a multisport parent: the list holds it alone, its legs only by id."""
    kind = payload.get("activityType") or payload.get("activityTypeDTO") or {}
    return bool(payload.get("isMultiSportParent")) or kind.get("typeKey") in MULTISPORT_TYPE_KEYS


def child_ids(payload: dict[str, Any]) -> list[str]:
    """The legs' activity ids (``childIds``, in the list item or its ``metadataDTO``)."""
    ids = payload.get("childIds") or (payload.get("metadataDTO") or {}).get("childIds") or []
    return [str(i) for i in ids if isinstance(i, int | str) and str(i).isdigit()]


def leg_payload(detail: dict[str, Any]) -> dict[str, Any]:
    """An ``/activity-service/activity/{id}`` answer in the shape of a list item.

    The detail keeps its figures in ``summaryDTO`` and its type in ``activityTypeDTO``
    (``testdata/garmin/extracted/test_activity_get__1_GET.json``).
    """
    summary = detail.get("summaryDTO") or {}
    return {
        **summary,
        "activityId": detail.get("activityId"),
        "activityName": detail.get("activityName"),
        "activityType": detail.get("activityTypeDTO") or {},
    }


def multisport_run(parent: dict[str, Any], legs: list[dict[str, Any]]) -> Run | None:
    """One run made of the run and hike legs of a multisport activity, or None without any.

    Distance, times, climb and descent are the sums over those legs (a swim or bike leg adds
    nothing); it is a trail run when a leg is, a run when a leg is a run, else a hike. The id
    is the parent's, so a re-sync updates the same run. Source: the legs are separate
    activities that the list never shows (garmin-health-data #72).
    """
    runs = [r for r in (to_run(leg) for leg in legs) if r is not None]
    start = start_of(parent)
    if not runs or start is None or parent.get("activityId") is None:
        return None
    sports = {r.sport for r in runs}
    sport = (
        Sport.TRAIL_RUN
        if Sport.TRAIL_RUN in sports
        else Sport.RUN
        if Sport.RUN in sports
        else Sport.HIKE
    )
    descents = [r.descent_m for r in runs if r.descent_m is not None]
    ascents = [r.ascent_m for r in runs if r.ascent_m is not None]
    sources = {r.descent_from for r in runs if r.descent_m is not None}
    identifier = run_id(parent)
    return Run(
        id=identifier,
        sources=(identifier,),
        start=min([start, *(r.start for r in runs)]),
        sport=sport,
        distance_m=sum(r.distance_m for r in runs),
        moving_s=sum(r.moving_s for r in runs),
        elapsed_s=sum(r.elapsed_s for r in runs),
        ascent_m=sum(ascents) if ascents else None,
        descent_m=sum(descents) if descents else None,
        descent_from=("none" if not descents else "summary" if "summary" in sources else "device"),
        name=str(parent.get("activityName") or ""),
        platform_trail=any(r.platform_trail for r in runs),
    )
