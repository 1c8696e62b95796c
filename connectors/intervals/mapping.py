"""Pure mappings from intervals.icu payloads to planner models: no I/O, tested from JSON.

Activity fields (intervals.icu API docs, schema ``Activity``): ``id`` (``"i1234"``),
``start_date`` (UTC, ``...Z``), ``start_date_local`` (the watch's local time, no offset),
``type`` (``Run``, ``TrailRun``, ``Hike``, ``WeightTraining``...), ``name``, ``distance``
(m), ``moving_time``/``elapsed_time`` (s), ``total_elevation_gain``/``total_elevation_loss``
(m), ``source`` (``GARMIN_CONNECT``, ``STRAVA``, ``UPLOAD``...). Activities intervals.icu
received from Strava come back as a stub (id, date, ``source: STRAVA`` and a ``_note``):
Strava's terms forbid passing them on, so they carry no figures and are skipped here.

Event fields (schema ``Event``): ``id``, ``category`` (``WORKOUT``, ``RACE_A``/``B``/``C``,
``NOTE``...), ``type`` (sport), ``name``, ``description``, ``start_date_local`` and
``end_date_local`` (local, ``YYYY-MM-DDT00:00:00``; the end is exclusive), ``moving_time``
(s), ``distance`` (m), ``external_id`` (the id the writing application chose).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from planner.classify import classify_event
from planner.models import PlannedEvent, Run, Sport
from planner.settings import Settings

SPORTS: dict[str, Sport] = {
    "Run": Sport.RUN,
    "VirtualRun": Sport.RUN,
    "TrailRun": Sport.TRAIL_RUN,
    "Hike": Sport.HIKE,
}
"""intervals.icu activity types hamsync reads: runs count for the dose (R5), hikes for
descent load only (R2, R4). Walks are left out, as in the Strava source's defaults."""
STRENGTH_TYPES = frozenset({"WeightTraining"})
"""Logged on a session's day, it marks that session done (R8)."""
RUN_EVENT_TYPES = frozenset({"Run", "TrailRun", "VirtualRun"})
RACE_CATEGORIES = frozenset({"RACE_A", "RACE_B", "RACE_C"})
OWN_EXTERNAL_PREFIX = "hamsync-"
"""Starts the ``external_id`` of every event hamsync writes (see :mod:`.storage`)."""
MAX_EVENT_DAYS = 14
"""A multi-day event longer than this is a block (a training camp note), not one run."""


def is_stub(payload: Mapping[str, Any]) -> bool:
    """An activity intervals.icu may not pass on (received from Strava): no figures at all."""
    return payload.get("source") == "STRAVA" and "_note" in payload


def start_of(payload: Mapping[str, Any], tz: ZoneInfo) -> datetime | None:
    """The start as an aware datetime: ``start_date`` (UTC), else ``start_date_local`` in ``tz``."""
    text = payload.get("start_date")
    if isinstance(text, str) and text:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        except ValueError:
            pass
    local = _local(payload.get("start_date_local"))
    return local.replace(tzinfo=tz) if local is not None else None


def local_day(payload: Mapping[str, Any]) -> date | None:
    """The local day the activity or event starts on (``start_date_local``)."""
    local = _local(payload.get("start_date_local"))
    return local.date() if local is not None else None


def strength_day(payload: Mapping[str, Any]) -> date | None:
    """The local day of a ``WeightTraining`` activity, else None."""
    return local_day(payload) if payload.get("type") in STRENGTH_TYPES else None


def run_id(payload: Mapping[str, Any]) -> str:
    return f"intervals:{payload['id']}"


def to_run(payload: Mapping[str, Any], tz: ZoneInfo) -> Run | None:
    """The activity as a :class:`Run`, or None when it is not a foot activity we track.

    Raises KeyError/ValueError/TypeError on a payload too broken to read (the caller
    reports it and keeps the rest). A virtual or treadmill run (``VirtualRun``, ``trainer``)
    counts for the dose with no climb or descent, as on Strava. Climb and descent are
    intervals.icu's own totals of
    the recording (a platform summary: a device's own figure from Garmin or a file wins
    when the same run arrives from there too, see :mod:`planner.merge`).
    """
    sport = SPORTS.get(str(payload.get("type") or ""))
    if sport is None or is_stub(payload):
        return None
    start = start_of(payload, tz)
    if start is None:
        raise ValueError("no start_date or start_date_local")
    identifier = run_id(payload)
    moving = _number(payload.get("moving_time")) or 0.0
    elapsed = _number(payload.get("elapsed_time")) or moving
    ascent = _number(payload.get("total_elevation_gain"))
    descent = _number(payload.get("total_elevation_loss"))
    if payload.get("type") == "VirtualRun" or payload.get("trainer") is True:
        ascent = descent = None  # a virtual course's profile is not a descent the legs ran
    return Run(
        id=identifier,
        sources=(identifier,),
        start=start,
        sport=sport,
        distance_m=_number(payload.get("distance")) or 0.0,
        moving_s=moving or elapsed,
        elapsed_s=elapsed,
        ascent_m=ascent,
        descent_m=descent,
        descent_from="none" if descent is None else "summary",
        name=str(payload.get("name") or ""),
        platform_trail=sport is Sport.TRAIL_RUN,
    )


def is_own_event(payload: Mapping[str, Any]) -> bool:
    """An event hamsync wrote (its ``external_id``): never read back as a planned run."""
    return str(payload.get("external_id") or "").startswith(OWN_EXTERNAL_PREFIX)


def planned_events(payload: Mapping[str, Any], settings: Settings) -> list[PlannedEvent]:
    """A calendar event as planned runs (one per day it covers), or [] when it is none.

    Candidates are running workouts (category ``WORKOUT``, type Run/TrailRun/VirtualRun)
    and races (``RACE_A``/``B``/``C`` of a running type or of no type); which of them are
    long trails or hill sessions is the planner's call (:func:`planner.classify.classify_event`)
    from the title and duration; a race category makes it a race whatever its title says
    ("Sierre-Zinal"), and a race over the ultra distance or duration an ultra.
    """
    category = str(payload.get("category") or "")
    sport = payload.get("type")
    race = category in RACE_CATEGORIES and (sport is None or sport in RUN_EVENT_TYPES)
    workout = category == "WORKOUT" and sport in RUN_EVENT_TYPES
    if not (race or workout) or is_own_event(payload):
        return []
    first = local_day(payload)
    if first is None:
        return []
    end = _local(payload.get("end_date_local"))
    last = first if end is None else max(first, (end - timedelta(microseconds=1)).date())
    if (last - first).days >= MAX_EVENT_DAYS:
        return []
    title = str(payload.get("name") or "")
    duration = _number(payload.get("moving_time"))
    distance = _number(payload.get("distance"))
    # The sport type already says it is a run: lead with a run word of the runner's own list
    # so the title's long, hill and race words are read whatever language the lists are in.
    lead = settings.run_words[0] if settings.run_words else ""
    verdict = classify_event(f"{lead} {title}", duration, distance, False, False, settings)
    race = race or verdict.race
    ultra = race and (
        (distance is not None and distance > settings.ultra_min_distance_m)
        or (duration is not None and duration >= settings.ultra_min_duration_s)
    )
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    uid = f"intervals-event:{payload.get('id')}"
    return [
        PlannedEvent(
            uid=uid if len(days) == 1 else f"{uid}:{day.isoformat()}",
            title=title or ("race" if race else "planned run"),
            day=day,
            source="intervals.icu calendar",
            duration_s=duration,
            distance_m=distance,
            long=verdict.long,
            hill=verdict.hill,
            race=race,
            ultra=ultra,
        )
        for day in days
    ]


def _local(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", ""))
    except ValueError:
        return None
    return moment.replace(tzinfo=None)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
