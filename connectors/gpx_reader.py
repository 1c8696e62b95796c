"""Decode a GPX file into :class:`~connectors.recording.Recording` objects, streaming.

The points are read as the parser meets them (:mod:`connectors.xml_stream`) into flat arrays
of numbers, so a 60 MB GPX needs tens of megabytes, not a document tree. The structure counts:

- each ``<trk>`` with its own ``<type>`` is its own activity (a run and a ride saved in one
  file are two activities, as two TCX ``Activity`` elements are); tracks of one type (its
  spelling folded as :func:`connectors.sport_labels.fold` does), or
  without a type in a file of one type, are one activity; an untyped track in a file of
  several types is an activity without a label; in time order, each change of type starts a
  new activity (run, ride, run: two runs, as a multisport FIT gives); when no track with
  points has a type, the
  first type the file names decides (Garmin writes it on an empty first track);
- a new track or segment is a break: the gap between two segments is neither distance,
  moving time, nor climb (:attr:`Recording.breaks`);
- a point with an impossible coordinate (latitude outside -90..90, longitude outside
  -180..180) is a break too: OpenTracks wrote its pauses as ``lat=100`` and resumes as
  ``lat=200`` before its database version 30 (its ``GPXTrackImporterTest``); so is a point at
  exactly 0, 0 ("Null Island", in the Gulf of Guinea: what a receiver without a fix writes);
- a segment without a single time in a file whose other segments are timed is a planned
  route or a drawn line, not part of the activity: it is left out, with a note (unless the
  untimed points are the majority: then it is not clear which part is the activity, and the
  file is refused by the rule below);
- points out of time order are put in order within their segment only when the disorder is
  real (:func:`connectors.gpx_order.ordered`), segments by their first time, before anything
  is measured;
- a file where fewer than half of the points carry a time is refused: its duration is unknown.

Moving time adds the intervals between consecutive points of a segment covered faster than
1 km/h (gpxpy's default "stopped" threshold); it never exceeds the elapsed time.
"""

from __future__ import annotations

import itertools
import math
from array import array
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from xml.sax.xmlreader import AttributesImpl

from connectors.gpx_order import haversine, ordered
from connectors.read_budget import READ_BUDGET_S, deadline_after
from connectors.recording import CannotRead, ReadError, Recording
from connectors.sport_labels import fold
from connectors.xml_stream import TextElements, feed, iso_seconds
from planner.models import Sport

STOPPED_SPEED_MS = 1 / 3.6
"""Below 1 km/h between two points counts as stopped (gpxpy's ``stopped_speed_threshold``)."""
MIN_TIMED_SHARE = 0.5
"""A file where fewer points than this carry a time is refused (gpxpy's cerknicko test file:
5 of 296 points timed)."""
_NAN = math.nan
_POINTS = {"trkpt", "rtept"}
_TEXT = {"ele", "time", "type", "name"}


@dataclass(slots=True)
class _Segment:
    track: int
    points: list[int]


class _Gpx(TextElements):
    """Collects points (lat, lon, ele, time as POSIX seconds), segment starts and tracks."""

    text_tags = frozenset(_TEXT)

    def __init__(self) -> None:
        super().__init__()
        self.lat = array("d")
        self.lon = array("d")
        self.ele = array("d")
        self.time = array("d")
        self.route = array("b")  # 1 for a route point (used only when there is no track)
        self.breaks: list[tuple[int, int]] = []  # (first point, track) of each segment
        self.types: list[str | None] = []  # each track's (or route's) <type>
        self.track_names: list[str] = []
        self.name = ""
        self._break = True
        self._skip = False

    def opened(self, tag: str, parent: str, attrs: AttributesImpl) -> None:
        if tag in _POINTS:
            lat, lon = _coord(attrs.get("lat")), _coord(attrs.get("lon"))
            self._skip = not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0) or lat == lon == 0
            if self._skip:  # a pause marker or garbage: a segment break
                self._break = True
                return
            if not self.types:  # points outside any track: one of their own
                self.types.append(None)
                self.track_names.append("")
            if self._break:
                self.breaks.append((len(self.lat), len(self.types) - 1))
                self._break = False
            self.lat.append(lat)
            self.lon.append(lon)
            self.ele.append(_NAN)
            self.time.append(_NAN)
            self.route.append(tag == "rtept")
        elif tag in ("trk", "rte"):
            self.types.append(None)
            self.track_names.append("")
            self._break = True
        elif tag == "trkseg":
            self._break = True

    def closed_text(self, tag: str, parent: str, text: str) -> None:
        if parent in _POINTS:
            if self._skip or not self.lat:
                return
            if tag == "ele":
                self.ele[-1] = _number(text)
            elif tag == "time":
                self.time[-1] = iso_seconds(text)
        elif tag == "type" and parent in ("trk", "rte") and self.types and text:
            if self.types[-1] is None:
                self.types[-1] = text
        elif tag == "name" and parent in ("metadata", "gpx") and text:
            self.name = text
        elif tag == "name" and parent in ("trk", "rte") and self.track_names and text:
            self.track_names[-1] = self.track_names[-1] or text


def read_gpx(path: Path, budget_s: float = READ_BUDGET_S) -> list[Recording]:
    """The activities of the GPX file at ``path``; raise :class:`ReadError` if unreadable."""
    try:
        with path.open("rb") as handle:
            return read_gpx_stream(handle, budget_s)
    except OSError as exc:
        raise CannotRead(f"cannot read the file ({exc.strerror or exc})") from exc


def read_gpx_stream(stream: BinaryIO, budget_s: float = READ_BUDGET_S) -> list[Recording]:
    """The activities of a GPX document read from ``stream`` (bytes), in time order; raise
    ReadError.

    Each recording's ``sport`` is a run until the files connector judges its ``label`` (its
    tracks' ``<type>``); its ``notes`` name the parts of the file that were left out.
    """
    gpx = _Gpx()
    feed(stream, gpx, "GPX", deadline_after(budget_s))
    if not gpx.lat:
        raise ReadError("GPX file holds no track points")
    segments = _segments(gpx)
    _check_timed_share(gpx, segments)  # the file as a whole: which part is the activity?
    segments, notes = _timed_only(gpx, segments)
    _check_timed_share(gpx, segments)  # the timed segments: is their duration known?
    activities = _activities(gpx, segments)
    split = len(activities) > 1
    out = [_recording(gpx, group, label, notes, split) for label, group in activities]
    out.sort(key=lambda r: (r.start is None, r.start or datetime.min.replace(tzinfo=UTC)))
    return out


def _check_timed_share(gpx: _Gpx, segments: list[_Segment]) -> None:
    """Raise ReadError when some but fewer than half of the points carry a time."""
    timed = sum(1 for s in segments for i in s.points if not math.isnan(gpx.time[i]))
    total = sum(len(s.points) for s in segments)
    if 0 < timed < MIN_TIMED_SHARE * total:
        raise ReadError(
            f"only {timed} of {total} points carry a time: the duration is unknown; not read"
        )


def _segments(gpx: _Gpx) -> list[_Segment]:
    """The segments' point indices in file order (route points only without a track)."""
    bounds = [*gpx.breaks, (len(gpx.lat), -1)]
    tracks = not all(gpx.route)  # route points count only in a file without a track
    out = []
    for (a, track), (b, _next) in itertools.pairwise(bounds):
        seg = [i for i in range(a, b) if not (tracks and gpx.route[i])]
        if seg:
            out.append(_Segment(track, seg))
    return out


def _timed_only(gpx: _Gpx, segments: list[_Segment]) -> tuple[list[_Segment], tuple[str, ...]]:
    """Drop the segments without any time from a file with timed ones, naming them."""
    untimed = [s for s in segments if all(math.isnan(gpx.time[i]) for i in s.points)]
    if not untimed or len(untimed) == len(segments):
        return segments, ()
    left_out = {id(s) for s in untimed}
    notes: list[str] = []
    for track in sorted({s.track for s in untimed}):
        points = sum(len(s.points) for s in untimed if s.track == track)
        name = gpx.track_names[track]
        what = f"track {track + 1}" + (f" ({name!r})" if name else "")
        notes.append(
            f"its {what} only: {points} points without a time in a timed file (a planned "
            "route or a drawn line, not part of the activity); the rest is read"
        )
    return [s for s in segments if id(s) not in left_out], tuple(notes)


def _activities(gpx: _Gpx, segments: list[_Segment]) -> list[tuple[str | None, list[_Segment]]]:
    """Segments grouped into activities by their track's type (see the module docstring)."""
    labels = [_label(gpx.types[s.track]) for s in segments]
    distinct: dict[str, str] = {}  # folded label (case, accents, blanks) -> first spelling
    for label in labels:
        if label is not None:
            distinct.setdefault(fold(label), label)
    if len(distinct) == 1:
        return [(next(iter(distinct.values())), segments)]
    if not distinct:  # the file's evidence: the first type it names (a track left empty)
        return [(next(filter(None, map(_label, gpx.types)), None), segments)]
    # in time order, each change of type starts an activity (run, ride, run: three legs)
    keyed = [
        (distinct[fold(label)] if label else None, seg)
        for label, seg in zip(labels, segments, strict=True)
    ]
    keyed.sort(key=lambda pair: _first_time(gpx, pair[1]))
    groups: list[tuple[str | None, list[_Segment]]] = []
    for label, seg in keyed:
        if groups and groups[-1][0] == label:
            groups[-1][1].append(seg)
        else:
            groups.append((label, [seg]))
    return groups


def _first_time(gpx: _Gpx, seg: _Segment) -> float:
    return min((gpx.time[i] for i in seg.points if not math.isnan(gpx.time[i])), default=math.inf)


def _label(text: str | None) -> str | None:
    return text.strip() or None if text else None


def _recording(
    gpx: _Gpx, group: list[_Segment], label: str | None, notes: tuple[str, ...], split: bool
) -> Recording:
    """One activity of the file: its segments time-ordered, measured without the gaps; named
    after the file, else its first named track (of the activity's own when ``split``)."""
    t = gpx.time
    in_time = sorted(group, key=lambda s: _first_time(gpx, s))
    segs = [ordered(s.points, gpx.lat, gpx.lon, t) for s in in_time]
    altitudes: list[float | None] = []
    distances: list[float | None] = []
    breaks: list[int] = []
    moving = covered = 0.0
    first = last = math.nan
    for seg in segs:
        if altitudes:
            breaks.append(len(altitudes))
        prev: int | None = None
        latest = math.nan  # the latest time so far: a step back in time is jitter, not motion
        pending = 0.0  # metres since the latest time
        for i in seg:
            if prev is not None:
                step = haversine(gpx.lat[prev], gpx.lon[prev], gpx.lat[i], gpx.lon[i])
                covered += step
                pending += step
            prev = i
            ele = gpx.ele[i]
            altitudes.append(None if math.isnan(ele) else ele)
            distances.append(covered)
            now = t[i]
            if math.isnan(now):
                continue
            if not now <= latest:  # later than every time before (or the first time)
                if not math.isnan(latest) and pending / (now - latest) >= STOPPED_SPEED_MS:
                    moving += now - latest
                latest, pending = now, 0.0
            first = now if math.isnan(first) else min(first, now)
            last = now if math.isnan(last) else max(last, now)
    start = elapsed = moving_s = None
    if not math.isnan(first):
        start = datetime.fromtimestamp(first, UTC)
        elapsed = last - first
        moving_s = min(moving, elapsed)
    tracks = sorted({s.track for s in group}) if split else range(len(gpx.track_names))
    name = gpx.name or next((gpx.track_names[k] for k in tracks if gpx.track_names[k]), "")
    return Recording(
        sport=Sport.RUN,
        start=start,
        elapsed_s=elapsed,
        moving_s=moving_s,
        distance_m=covered,
        altitudes=altitudes,
        distances=distances,
        name=name.strip(),
        label=label,
        breaks=tuple(breaks),
        notes=notes,
    )


def _coord(text: str | None) -> float:
    value = _number(text or "")
    return value if math.isfinite(value) else 1000.0  # missing or not a number: impossible


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return _NAN
