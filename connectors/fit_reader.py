"""Turn a FIT file into :class:`~connectors.recording.Recording` objects, one per session.

Decoding is :mod:`connectors.fit_fast`, which reads only the fields used here; the official
``garmin-fit-sdk`` (60 times slower on the real test files) stays the reference decoder in the
tests, which check that both give identical recordings for every real file.
Only activity files are read (``file_id.type``: a course, workout or settings file raises
:class:`NotARun`), and only sessions on foot are returned: running (trail sub-sport -> trail
run; treadmill runs, also as ``fitness_equipment``), hiking, and walking, mountaineering and
snowshoeing as ``other`` (descent load only); a ``generic`` session with no running sub-sport
comes labelled ``generic``, an unknown sport the files connector reports. A file without
sessions takes its sport from its sport or lap messages; with none it is not a run.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

from connectors.fit_fast import FIT_EPOCH_S, FitActivity, decode
from connectors.read_budget import READ_BUDGET_S, deadline_after
from connectors.recording import CannotRead, NotARun, ReadError, Recording
from planner.models import Sport

_GENERIC = 0
_RUNNING = 1
_FITNESS_EQUIPMENT = 4
_TRAIL = 3
_ON_FOOT = {1: Sport.RUN, 17: Sport.HIKE, 11: Sport.OTHER, 16: Sport.OTHER, 35: Sport.OTHER}
"""FIT profile ``sport``: running, hiking; walking, mountaineering, snowshoeing."""
_RUN_SUB_SPORTS = {1, 2, 3, 4, 45, 59}
"""FIT profile ``sub_sport`` values the profile gives for running only: treadmill (its comment
reads "Run/Fitness Equipment"), street, trail, track, indoor_running, obstacle."""
_TREADMILL_SUB_SPORTS = {1, 45}
"""Sub-sports of ``fitness_equipment`` that are running on a treadmill: treadmill,
indoor_running. Other equipment (elliptical, stair climbing, rowing, bikes) is not a run."""
GENERIC_LABEL = "generic"
"""The label of a FIT session whose sport is ``generic`` with nothing else to tell: an unknown
sport for the files connector (reported; ``[sources.files] sports`` maps it)."""
ACTIVITY_FILE = 4
FILE_TYPES = {
    1: "device",
    2: "settings",
    3: "sport settings",
    5: "workout",
    6: "course",
    7: "schedule",
    9: "weight",
    10: "totals",
    11: "goals",
    14: "blood pressure",
    15: "monitoring",
    20: "activity summary",
    28: "daily monitoring",
    32: "monitoring",
    34: "segment",
    35: "segment list",
}
"""``file_id.type`` names of the FIT profile (Profile.xlsx, type ``file``)."""


def read_fit(path: Path, budget_s: float = READ_BUDGET_S) -> list[Recording]:
    """All sessions on foot of the FIT file at ``path``; raise :class:`ReadError` if unreadable."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CannotRead(f"cannot read the file ({exc.strerror or exc})") from exc
    return read_fit_bytes(data, budget_s)


def read_fit_bytes(data: bytes, budget_s: float = READ_BUDGET_S) -> list[Recording]:
    """All sessions on foot of a FIT file's content; raise :class:`ReadError` if unreadable.

    Decoding gives up with a ReadError after ``budget_s`` seconds (issue 15: 60 s a file).
    """
    fit = decode(data, deadline_after(budget_s))
    try:
        return recordings(fit)
    except NotARun:
        raise
    except (OverflowError, ValueError, OSError) as exc:  # a date no calendar holds
        raise ReadError(f"damaged FIT file (timestamp out of range: {exc})") from exc


def not_an_activity(file_type: int | None) -> NotARun | None:
    """The refusal of a FIT file whose ``file_id.type`` is not ``activity``, or None."""
    if file_type is None or file_type == ACTIVITY_FILE:
        return None
    kind = FILE_TYPES.get(file_type, f"type {file_type}")
    return NotARun(f"a FIT {kind} file, not a recorded activity", quiet=True)


def recordings(fit: FitActivity) -> list[Recording]:
    """The sessions on foot of a decoded FIT file (a file without sessions: its records).

    Raise :class:`NotARun` for a file that is not an activity, or has no sport at all.
    """
    refusal = not_an_activity(fit.file_types[0] if fit.file_types else None)
    if refusal is not None:
        raise refusal
    if not fit.sessions:
        only = _from_records_only(fit) if fit.times else None
        return [only] if only is not None else []
    out = []
    for session in fit.sessions:
        sport = _sport(session.get("sport"), session.get("sub_sport"))
        if sport is None:
            continue
        rec = _from_session(session, fit, *sport)
        out.append(_indoors(rec) if session.get("sub_sport") in _TREADMILL_SUB_SPORTS else rec)
    return out


def _indoors(rec: Recording) -> Recording:
    """A treadmill run without climb or descent (a treadmill has no downhill, and the
    barometer indoors records the weather), as a Strava treadmill or virtual run."""
    return replace(rec, altitudes=[], distances=[], device_ascent_m=None, device_descent_m=None)


def _sport(sport: float | None, sub_sport: float | None) -> tuple[Sport, bool, str | None] | None:
    """(sport, trail, label to judge) of a FIT sport and sub-sport; None when not on foot.

    By the FIT profile: ``running`` is a run whatever its sub-sport (a treadmill run too);
    ``fitness_equipment`` with ``treadmill`` or ``indoor_running`` is a treadmill run;
    ``generic`` (and a missing sport) takes a running sub-sport as evidence, and without one
    is an unknown sport labelled ``generic``. Every other sport is not on foot.
    """
    sub = int(sub_sport) if sub_sport is not None else None
    code = int(sport) if sport is not None else _GENERIC
    if code in (_GENERIC, _RUNNING) and sub in _RUN_SUB_SPORTS:
        trail = sub == _TRAIL
        return (Sport.TRAIL_RUN if trail else Sport.RUN), trail, None
    if code == _FITNESS_EQUIPMENT:
        return (Sport.RUN, False, None) if sub in _TREADMILL_SUB_SPORTS else None
    if code == _GENERIC:
        return Sport.RUN, False, GENERIC_LABEL
    mapped = _ON_FOOT.get(code)
    return None if mapped is None else (mapped, False, None)


def _datetime(fit_seconds: float) -> datetime:
    """A FIT timestamp as an aware UTC datetime, computed as the official SDK does."""
    return datetime.fromtimestamp((fit_seconds if fit_seconds else 0) + FIT_EPOCH_S, UTC)


def _from_session(
    session: dict[str, float], fit: FitActivity, sport: Sport, trail: bool, label: str | None
) -> Recording:
    start = session.get("start_time")
    elapsed = session.get("total_elapsed_time")
    end = session.get("timestamp")
    if start is not None and elapsed is not None:
        end = start + elapsed
    picked = _inside(fit.times, start, end)
    return replace(_recording(session, fit, sport, trail, picked), label=label)


def _inside(times: list[float], start: float | None, end: float | None) -> range | list[int]:
    """Indices of the records from ``start`` to ``end`` (all of them when either is unknown)."""
    if start is None or end is None:
        return range(len(times))
    if all(a <= b for a, b in pairwise(times)):
        return range(bisect_left(times, start), bisect_right(times, end))
    return [i for i, t in enumerate(times) if start <= t <= end]  # the clock jumped back


def _recording(
    session: dict[str, float],
    fit: FitActivity,
    sport: Sport,
    trail: bool,
    picked: range | list[int],
) -> Recording:
    altitudes = [fit.altitudes[i] for i in picked]
    distances = [fit.distances[i] for i in picked]
    distance = session.get("total_distance")
    if distance is None:
        distance = _span([d for d in distances if d is not None])
    start = session.get("start_time")
    if start is None and picked:
        start = fit.times[picked[0]]
    return Recording(
        sport=sport,
        start=_datetime(start) if start is not None else None,
        elapsed_s=_float(session.get("total_elapsed_time")),
        moving_s=_float(session.get("total_timer_time")),
        distance_m=_float(distance),
        device_ascent_m=_float(session.get("total_ascent")),
        device_descent_m=_float(session.get("total_descent")),
        altitudes=altitudes,
        distances=distances,
        trail=trail,
    )


def _from_records_only(fit: FitActivity) -> Recording | None:
    """A file without a session message: sport from a sport or lap message; else not a run."""
    carriers = [m for m in (*fit.sports, *fit.laps) if "sport" in m]
    if not carriers:
        raise NotARun("a FIT file without session or sport: nothing says it is a run")
    mapped = _sport(carriers[0].get("sport"), carriers[0].get("sub_sport"))
    if mapped is None:
        return None
    sport, trail, label = mapped
    start = _datetime(fit.times[0])
    elapsed = (_datetime(fit.times[-1]) - start).total_seconds()
    return Recording(
        sport=sport,
        start=start,
        elapsed_s=elapsed,
        moving_s=elapsed,
        distance_m=_span([d for d in fit.distances if d is not None]),
        altitudes=list(fit.altitudes),
        distances=list(fit.distances),
        trail=trail,
        label=label,
    )


def _float(value: float | None) -> float | None:
    return float(value) if value is not None else None


def _span(values: list[float]) -> float | None:
    return max(values) - min(values) if values else None
