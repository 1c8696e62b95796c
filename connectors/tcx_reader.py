"""Decode a TCX file into recordings, one per ``Activity`` element.

Parsed with ``defusedxml``: activity files come from anywhere, and the standard library's
parser would expand entity bombs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

from connectors.recording import ReadError, Recording, sport_from_label

_NS = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"


def read_tcx(path: Path) -> list[Recording]:
    """The activities on foot of the TCX file at ``path``; raise ReadError if unreadable."""
    try:
        root = ElementTree.parse(path).getroot()
    except OSError as exc:
        raise ReadError(f"cannot read the file ({exc.strerror or exc})") from exc
    except Exception as exc:  # ParseError, or defusedxml's refusal of entities / DTDs
        raise ReadError(f"not a valid TCX file ({exc})") from exc
    if root is None or not root.tag.endswith("TrainingCenterDatabase"):
        raise ReadError("not a TCX file (no TrainingCenterDatabase element)")
    activities = root.findall(f"{_NS}Activities/{_NS}Activity")
    if not activities:
        raise ReadError("TCX file holds no activity")
    out = []
    for activity in activities:
        recording = _activity(activity)
        if recording is not None:
            out.append(recording)
    return out


def _activity(activity: Element) -> Recording | None:
    mapped = sport_from_label(activity.get("Sport"))
    if mapped is None:
        return None
    sport, trail = mapped
    laps = activity.findall(f"{_NS}Lap")
    times: list[datetime] = []
    altitudes: list[float | None] = []
    distances: list[float | None] = []
    for point in activity.iter(f"{_NS}Trackpoint"):
        when = _time(point.findtext(f"{_NS}Time"))
        if when is not None:
            times.append(when)
        altitudes.append(_float(point.findtext(f"{_NS}AltitudeMeters")))
        distances.append(_float(point.findtext(f"{_NS}DistanceMeters")))
    lap_starts = [t for t in (_time(lap.get("StartTime")) for lap in laps) if t is not None]
    start = min(times + lap_starts, default=None)
    if start is None:
        start = _time(activity.findtext(f"{_NS}Id"))
    lap_time = _sum(lap.findtext(f"{_NS}TotalTimeSeconds") for lap in laps)
    lap_distance = _sum(lap.findtext(f"{_NS}DistanceMeters") for lap in laps)
    known = [d for d in distances if d is not None]
    elapsed = (max(times) - start).total_seconds() if times and start is not None else lap_time
    notes = (activity.findtext(f"{_NS}Notes") or "").strip()
    return Recording(
        sport=sport,
        start=start,
        elapsed_s=elapsed,
        moving_s=lap_time if lap_time is not None else elapsed,
        distance_m=lap_distance if lap_distance is not None else (max(known) if known else None),
        altitudes=altitudes,
        distances=distances,
        name=notes.splitlines()[0][:120] if notes else "",
        trail=trail,
    )


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _float(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _sum(texts: Iterable[str | None]) -> float | None:
    values = [v for v in (_float(t) for t in texts) if v is not None]
    return sum(values) if values else None
