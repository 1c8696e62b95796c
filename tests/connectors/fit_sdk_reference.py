"""The reference for hamsync's FIT reader: the same recordings, decoded by the official SDK.

This is the FIT reader hamsync had before :mod:`connectors.fit_fast` (the official
``garmin-fit-sdk``, about 60 times slower), kept for the tests only: the fast reader must give
recordings identical to these on every file the SDK can read.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from garmin_fit_sdk import Decoder, Stream

from connectors.recording import NotARun, ReadError, Recording
from planner.models import Sport

_RUNNING = "running"
_ON_FOOT = {
    "running": Sport.RUN,
    "hiking": Sport.HIKE,
    "walking": Sport.OTHER,
    "mountaineering": Sport.OTHER,
    "snowshoeing": Sport.OTHER,
}


def read_fit_sdk(path: Path) -> list[Recording]:
    """All sessions on foot of the FIT file at ``path``; raise :class:`ReadError` if unreadable."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read the file ({exc.strerror or exc})") from exc
    try:
        stream = Stream.from_byte_array(bytearray(data))
        decoder = Decoder(stream)
        if not decoder.is_fit():
            raise ReadError("not a FIT file (no FIT header)")
        stream.reset()
        # no check_integrity(): real files with a header size that disagrees with the data
        # still decode cleanly; a truncated or corrupt file shows up as a read error below
        decoded, errors = decoder.read(merge_heart_rates=False)
    except ReadError:
        raise
    except Exception as exc:  # the SDK raises many kinds on damaged input
        raise ReadError(f"damaged FIT file ({exc})") from exc
    if errors:
        raise ReadError(f"damaged or truncated FIT file ({errors[0]})")
    messages = cast(dict[str, Any], decoded)
    file_ids: list[dict[str, Any]] = messages.get("file_id_mesgs", [])
    file_type = file_ids[0].get("type") if file_ids else None
    if file_type is not None and file_type != "activity":
        raise NotARun(f"a FIT {file_type} file, not a recorded activity", quiet=True)
    records: list[dict[str, Any]] = [
        r for r in messages.get("record_mesgs", []) if isinstance(r.get("timestamp"), datetime)
    ]
    sessions: list[dict[str, Any]] = messages.get("session_mesgs", [])
    if not sessions:
        only = _from_records_only(records, messages) if records else None
        return [only] if only is not None else []
    out = []
    for session in sessions:
        sport = _sport(session.get("sport"), session.get("sub_sport"))
        if sport is None:
            continue
        rec = _from_session(session, records, *sport)
        if session.get("sub_sport") in ("treadmill", "indoor_running"):  # no climb indoors
            rec = replace(
                rec, altitudes=[], distances=[], device_ascent_m=None, device_descent_m=None
            )
        out.append(rec)
    return out


_RUN_SUBS = {"treadmill", "street", "trail", "track", "indoor_running", "obstacle"}
"""Sub-sports the FIT profile gives for running only."""


def _sport(sport: object, sub_sport: object) -> tuple[Sport, bool, str | None] | None:
    """(sport, trail, label) by the profile's names: see ``connectors.fit_reader._sport``."""
    name = "generic" if sport is None else str(sport)
    if name in ("generic", _RUNNING) and sub_sport in _RUN_SUBS:
        trail = sub_sport == "trail"
        return (Sport.TRAIL_RUN if trail else Sport.RUN), trail, None
    if name == "fitness_equipment":
        return (Sport.RUN, False, None) if sub_sport in ("treadmill", "indoor_running") else None
    if name == "generic":
        return Sport.RUN, False, "generic"
    mapped = _ON_FOOT.get(name)
    return None if mapped is None else (mapped, False, None)


def _utc(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _from_session(
    session: dict[str, Any],
    records: list[dict[str, Any]],
    sport: Sport,
    trail: bool,
    label: str | None,
) -> Recording:
    start = _utc(session.get("start_time"))
    elapsed = _num(session.get("total_elapsed_time"))
    end = _utc(session.get("timestamp"))
    if start is not None and elapsed is not None:
        end = start + timedelta(seconds=elapsed)
    inside = records
    if start is not None and end is not None:
        inside = [r for r in records if start <= r["timestamp"] <= end]
    altitudes, distances = _streams(inside)
    distance = _num(session.get("total_distance"))
    if distance is None:
        distance = _span([d for d in distances if d is not None])
    return Recording(
        sport=sport,
        start=start if start is not None else _first_time(inside),
        elapsed_s=elapsed,
        moving_s=_num(session.get("total_timer_time")),
        distance_m=distance,
        device_ascent_m=_num(session.get("total_ascent")),
        device_descent_m=_num(session.get("total_descent")),
        altitudes=altitudes,
        distances=distances,
        trail=trail,
        label=label,
    )


def _from_records_only(records: list[dict[str, Any]], messages: dict[str, Any]) -> Recording | None:
    """A file without a session message: sport from a sport or lap message; else not a run."""
    carriers = [
        m
        for m in (*messages.get("sport_mesgs", []), *messages.get("lap_mesgs", []))
        if m.get("sport") is not None
    ]
    if not carriers:
        raise NotARun("a FIT file without session or sport: nothing says it is a run")
    mapped = _sport(carriers[0].get("sport"), carriers[0].get("sub_sport"))
    if mapped is None:
        return None
    sport, trail, label = mapped
    altitudes, distances = _streams(records)
    start = _first_time(records)
    last = _utc(records[-1]["timestamp"])
    elapsed = (last - start).total_seconds() if start and last else None
    return Recording(
        sport=sport,
        start=start,
        elapsed_s=elapsed,
        moving_s=elapsed,
        distance_m=_span([d for d in distances if d is not None]),
        altitudes=altitudes,
        distances=distances,
        trail=trail,
        label=label,
    )


def _streams(records: list[dict[str, Any]]) -> tuple[list[float | None], list[float | None]]:
    altitudes: list[float | None] = []
    distances: list[float | None] = []
    for r in records:
        alt = r.get("enhanced_altitude")
        if alt is None:
            alt = r.get("altitude")
        altitudes.append(_num(alt))
        distances.append(_num(r.get("distance")))
    return altitudes, distances


def _first_time(records: list[dict[str, Any]]) -> datetime | None:
    return _utc(records[0]["timestamp"]) if records else None


def _span(values: list[float]) -> float | None:
    return max(values) - min(values) if values else None
