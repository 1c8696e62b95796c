"""Decode a TCX file into recordings, one per ``Activity`` element, streaming.

Parsed incrementally with ``defusedxml``'s expat reader (:mod:`connectors.xml_stream`): memory
grows with the trackpoints kept (three numbers each), not with the document, and entity
declarations are refused. A TCX that holds ``Courses`` but no ``Activities`` is a planned
route, not a run (:class:`NotARun`, quiet). As for GPX (:data:`MIN_TIMED_SHARE`), an activity
where only a few trackpoints carry a time is refused with the reason: its duration is
unknown (trackpoints without any time leave the lap totals in charge); the other activities
of the file are still read, with a note naming the refused one.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from xml.sax.xmlreader import AttributesImpl

from connectors.gpx_reader import MIN_TIMED_SHARE
from connectors.read_budget import READ_BUDGET_S, deadline_after
from connectors.recording import CannotRead, NotARun, ReadError, Recording
from connectors.xml_stream import TextElements, feed, iso_seconds
from planner.models import Sport

_NAN = math.nan
_TEXT = {"Time", "AltitudeMeters", "DistanceMeters", "TotalTimeSeconds", "Id", "Notes"}


@dataclass
class _Activity:
    sport: str
    times: array[float] = field(default_factory=lambda: array("d"))
    altitudes: array[float] = field(default_factory=lambda: array("d"))
    distances: array[float] = field(default_factory=lambda: array("d"))
    lap_starts: list[float] = field(default_factory=list)
    lap_seconds: list[float] = field(default_factory=list)
    lap_metres: list[float] = field(default_factory=list)
    ident: float = _NAN
    notes: str = ""


class _Tcx(TextElements):
    text_tags = frozenset(_TEXT)

    def __init__(self) -> None:
        super().__init__()
        self.root = ""
        self.activities: list[_Activity] = []
        self.courses = 0

    def opened(self, tag: str, parent: str, attrs: AttributesImpl) -> None:
        if not parent:
            self.root = tag
        if tag == "Activity" and parent == "Activities":
            self.activities.append(_Activity(attrs.get("Sport", "")))
        elif tag == "Course" and parent == "Courses":
            self.courses += 1
        elif not self.activities:
            return
        elif tag == "Lap" and parent == "Activity":
            self.activities[-1].lap_starts.append(iso_seconds(attrs.get("StartTime", "")))
        elif tag == "Trackpoint":
            act = self.activities[-1]
            act.times.append(_NAN)
            act.altitudes.append(_NAN)
            act.distances.append(_NAN)

    def closed_text(self, tag: str, parent: str, text: str) -> None:
        if not self.activities or "Activities" not in self._stack:
            return
        act = self.activities[-1]
        if parent == "Trackpoint" and act.times:
            if tag == "Time":
                act.times[-1] = iso_seconds(text)
            elif tag == "AltitudeMeters":
                act.altitudes[-1] = _number(text)
            elif tag == "DistanceMeters":
                act.distances[-1] = _number(text)
        elif parent == "Lap":
            if tag == "TotalTimeSeconds":
                act.lap_seconds.append(_number(text))
            elif tag == "DistanceMeters":
                act.lap_metres.append(_number(text))
        elif parent == "Activity":
            if tag == "Id":
                act.ident = iso_seconds(text)
            elif tag == "Notes":
                act.notes = text


def read_tcx(path: Path, budget_s: float = READ_BUDGET_S) -> list[Recording]:
    """The activities of the TCX file at ``path``; raise ReadError if unreadable."""
    try:
        with path.open("rb") as handle:
            return read_tcx_stream(handle, budget_s)
    except OSError as exc:
        raise CannotRead(f"cannot read the file ({exc.strerror or exc})") from exc


def read_tcx_stream(stream: BinaryIO, budget_s: float = READ_BUDGET_S) -> list[Recording]:
    """The activities of a TCX document read from ``stream``; raise ReadError.

    Each recording's ``label`` is its ``Sport`` attribute, judged by the files connector.
    """
    tcx = _Tcx()
    feed(stream, tcx, "TCX", deadline_after(budget_s))
    if tcx.root != "TrainingCenterDatabase":
        raise ReadError("not a TCX file (no TrainingCenterDatabase element)")
    if not tcx.activities:
        if tcx.courses:
            raise NotARun("a TCX course (a planned route), not a recorded activity", quiet=True)
        raise ReadError("TCX file holds no activity")
    out: list[Recording] = []
    failed: list[tuple[int, ReadError]] = []
    for n, act in enumerate(tcx.activities, 1):
        try:
            out.append(_recording(act))
        except ReadError as exc:  # one unusable activity does not lose the others
            failed.append((n, exc))
    if not out:
        raise failed[0][1]
    notes = tuple(f"its activity {n} only: {exc}; the rest is read" for n, exc in failed)
    return [replace(rec, notes=notes) for rec in out]


def _recording(act: _Activity) -> Recording:
    times = [t for t in act.times if not math.isnan(t)]
    if 0 < len(times) < MIN_TIMED_SHARE * len(act.times):
        raise ReadError(
            f"only {len(times)} of {len(act.times)} trackpoints carry a time: the duration "
            "is unknown; not read"
        )
    lap_starts = [t for t in act.lap_starts if not math.isnan(t)]
    first = min(times + lap_starts, default=_NAN)
    if math.isnan(first):
        first = act.ident
    start = None if math.isnan(first) else datetime.fromtimestamp(first, UTC)
    lap_time = _sum(act.lap_seconds)
    lap_distance = _sum(act.lap_metres)
    known = [d for d in act.distances if not math.isnan(d)]
    elapsed = max(times) - first if times and start is not None else lap_time
    return Recording(
        sport=Sport.RUN,
        start=start,
        elapsed_s=elapsed,
        moving_s=lap_time if lap_time is not None else elapsed,
        distance_m=lap_distance if lap_distance is not None else (max(known) if known else None),
        altitudes=[None if math.isnan(a) else a for a in act.altitudes],
        distances=[None if math.isnan(d) else d for d in act.distances],
        name=act.notes.splitlines()[0][:120] if act.notes else "",
        label=act.sport,
    )


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return _NAN


def _sum(values: list[float]) -> float | None:
    known = [v for v in values if math.isfinite(v)]
    return sum(known) if known else None
