"""Decode a GPX file into one :class:`~connectors.recording.Recording`, streaming.

The points are read as the parser meets them (:mod:`connectors.xml_stream`) into flat arrays
of numbers, so a 60 MB GPX needs tens of megabytes, not a document tree. The structure counts:

- a new track or segment is a break: the gap between two segments is neither distance nor
  moving time;
- a point with an impossible coordinate (latitude outside -90..90, longitude outside
  -180..180) is a break too: OpenTracks wrote its pauses as ``lat=100`` and resumes as
  ``lat=200`` before its database version 30 (its ``GPXTrackImporterTest``);
- points out of time order are put in order within their segment, and segments by their
  first time, before anything is measured;
- a file where fewer than half of the points carry a time is refused: its duration is unknown.

Moving time adds the intervals between consecutive points of a segment covered faster than
1 km/h (gpxpy's default "stopped" threshold); it never exceeds the elapsed time.
"""

from __future__ import annotations

import itertools
import math
from array import array
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from xml.sax.xmlreader import AttributesImpl

from connectors.read_budget import READ_BUDGET_S, deadline_after
from connectors.recording import CannotRead, ReadError, Recording
from connectors.xml_stream import TextElements, feed, iso_seconds
from planner.models import Sport

_EARTH_RADIUS_M = 6_371_000.0
STOPPED_SPEED_MS = 1 / 3.6
"""Below 1 km/h between two points counts as stopped (gpxpy's ``stopped_speed_threshold``)."""
MIN_TIMED_SHARE = 0.5
"""A file where fewer points than this carry a time is refused (gpxpy's cerknicko test file:
5 of 296 points timed)."""
_NAN = math.nan
_POINTS = {"trkpt", "rtept"}
_TEXT = {"ele", "time", "type", "name"}


class _Gpx(TextElements):
    """Collects points (lat, lon, ele, time as POSIX seconds) and segment starts."""

    text_tags = frozenset(_TEXT)

    def __init__(self) -> None:
        super().__init__()
        self.lat = array("d")
        self.lon = array("d")
        self.ele = array("d")
        self.time = array("d")
        self.route = array("b")  # 1 for a route point (used only when there is no track)
        self.breaks: list[int] = []  # index of the first point of each segment
        self.type: str | None = None
        self.name = ""
        self.track_name = ""
        self._break = True
        self._skip = False

    def opened(self, tag: str, parent: str, attrs: AttributesImpl) -> None:
        if tag in _POINTS:
            lat, lon = _coord(attrs.get("lat")), _coord(attrs.get("lon"))
            self._skip = not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0)
            if self._skip:  # a pause marker or garbage: a segment break
                self._break = True
                return
            if self._break:
                self.breaks.append(len(self.lat))
                self._break = False
            self.lat.append(lat)
            self.lon.append(lon)
            self.ele.append(_NAN)
            self.time.append(_NAN)
            self.route.append(tag == "rtept")
        elif tag in ("trkseg", "trk", "rte"):
            self._break = True

    def closed_text(self, tag: str, parent: str, text: str) -> None:
        if parent in _POINTS:
            if self._skip or not self.lat:
                return
            if tag == "ele":
                self.ele[-1] = _number(text)
            elif tag == "time":
                self.time[-1] = iso_seconds(text)
        elif tag == "type" and parent == "trk" and self.type is None and text:
            self.type = text
        elif tag == "name" and parent in ("metadata", "gpx") and text:
            self.name = text
        elif tag == "name" and parent == "trk" and text and not self.track_name:
            self.track_name = text


def read_gpx(path: Path, budget_s: float = READ_BUDGET_S) -> list[Recording]:
    """The activity of the GPX file at ``path``; raise :class:`ReadError` if unreadable."""
    try:
        with path.open("rb") as handle:
            return read_gpx_stream(handle, budget_s)
    except OSError as exc:
        raise CannotRead(f"cannot read the file ({exc.strerror or exc})") from exc


def read_gpx_stream(stream: BinaryIO, budget_s: float = READ_BUDGET_S) -> list[Recording]:
    """The activity of a GPX document read from ``stream`` (bytes); raise ReadError.

    The recording's ``sport`` is a run until the files connector judges its ``label`` (the
    first track's ``<type>``).
    """
    gpx = _Gpx()
    feed(stream, gpx, "GPX", deadline_after(budget_s))
    if not gpx.lat:
        raise ReadError("GPX file holds no track points")
    segments = _segments(gpx)
    timed = sum(1 for s in segments for i in s if not math.isnan(gpx.time[i]))
    total = sum(len(s) for s in segments)
    if 0 < timed < MIN_TIMED_SHARE * total:
        raise ReadError(
            f"only {timed} of {total} points carry a time: the duration is unknown; not read"
        )
    altitudes: list[float | None] = []
    distances: list[float | None] = []
    moving = 0.0
    covered = 0.0
    times: list[float] = []
    for seg in segments:
        prev: int | None = None
        for i in seg:
            if prev is not None:
                step = _haversine(gpx.lat[prev], gpx.lon[prev], gpx.lat[i], gpx.lon[i])
                covered += step
                dt = gpx.time[i] - gpx.time[prev]
                if dt > 0 and step / dt >= STOPPED_SPEED_MS:
                    moving += dt
            prev = i
            ele = gpx.ele[i]
            altitudes.append(None if math.isnan(ele) else ele)
            distances.append(covered)
            if not math.isnan(gpx.time[i]):
                times.append(gpx.time[i])
    start = elapsed = moving_s = None
    if times:
        start = datetime.fromtimestamp(min(times), UTC)
        elapsed = max(times) - min(times)
        moving_s = min(moving, elapsed)
    name = gpx.name or gpx.track_name
    return [
        Recording(
            sport=Sport.RUN,
            start=start,
            elapsed_s=elapsed,
            moving_s=moving_s,
            distance_m=covered,
            altitudes=altitudes,
            distances=distances,
            name=name.strip(),
            label=gpx.type,
        )
    ]


def _segments(gpx: _Gpx) -> list[list[int]]:
    """Point indices by segment, each in time order, the segments by their first time."""
    bounds = [*gpx.breaks, len(gpx.lat)]
    tracks = not all(gpx.route)  # route points count only in a file without a track
    out = []
    for a, b in itertools.pairwise(bounds):
        seg = [i for i in range(a, b) if not (tracks and gpx.route[i])]
        if not seg:
            continue
        times = gpx.time
        if any(times[i] > times[j] for i, j in itertools.pairwise(seg)):
            seg.sort(key=lambda i: (math.isnan(times[i]), times[i]))
        out.append(seg)
    firsts = [min((gpx.time[i] for i in s if not math.isnan(gpx.time[i])), default=math.inf)
              for s in out]  # fmt: skip
    order = sorted(range(len(out)), key=lambda k: firsts[k])
    return [out[k] for k in order]


def _coord(text: str | None) -> float:
    value = _number(text or "")
    return value if math.isfinite(value) else 1000.0  # missing or not a number: impossible


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return _NAN


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
