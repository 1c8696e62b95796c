"""Sanity checks around the file readers: what a hostile or broken file must not do.

Before decoding, :func:`check_before_decoding` refuses what would cost unbounded memory or
time (a file far larger than any activity, a FIT header announcing more data than the file
holds, XML with entity declarations). After decoding, :func:`clean_recording` drops values no
body or device produces (altitude spikes of kilometres, NaN) and :func:`implausible` names
the figures that make a whole activity unusable. These sit outside the decoders on purpose:
a faster FIT decoder can replace the current one without repeating them.
"""

from __future__ import annotations

import math
import struct
from dataclasses import replace
from pathlib import Path

from connectors.recording import CannotRead, ReadError, Recording

MAX_FIT_BYTES = 32 * 2**20
"""A 24 h ultra recorded every second is under 10 MB; hamsync default."""
MAX_XML_BYTES = 256 * 2**20
"""GPX and TCX are read incrementally (memory grows with the points, not the text); a 30 h
ultra at 1 Hz is a 76 MB TCX, so 256 MB is about 100 h of activity; hamsync default."""
MAX_ARCHIVE_BYTES = 2 * 2**30
"""A zip of activities (a Strava bulk export of many years); hamsync default."""
LOWEST_M = -500.0
"""Below the Dead Sea shore (-430 m): a broken barometer or a bad fix."""
HIGHEST_M = 9000.0
"""Above Everest (8,849 m)."""
LONGEST_S = 10 * 86400.0
"""Multi-day races last at most a week or so; longer is a broken clock."""
_FIT_HEADER = struct.Struct("<BBHI4s")


def check_before_decoding(path: Path) -> None:
    """Raise :class:`ReadError` for a file that is not worth (or not safe) decoding.

    XML is checked for entity declarations while it is parsed (:mod:`connectors.xml_stream`),
    archives member by member (:mod:`connectors.archives`).
    """
    try:
        size = path.stat().st_size
        name = path.name.lower()
        suffix = path.suffix.lower()
        limit = {".fit": MAX_FIT_BYTES, ".gpx": MAX_XML_BYTES, ".tcx": MAX_XML_BYTES}.get(
            suffix, MAX_ARCHIVE_BYTES if name.endswith(".zip") else MAX_XML_BYTES
        )
        if size > limit:
            raise ReadError(
                f"the file is {size / 2**20:.0f} MB, more than any activity "
                f"(limit {limit // 2**20} MB); not read"
            )
        if suffix == ".fit":
            with path.open("rb") as handle:
                _check_fit_header(handle.read(_FIT_HEADER.size), size)
    except OSError as exc:
        raise CannotRead(f"cannot read the file ({exc.strerror or exc})") from exc


def _check_fit_header(head: bytes, size: int) -> None:
    if len(head) < _FIT_HEADER.size:
        raise ReadError(f"truncated FIT file ({size} bytes, shorter than a FIT header)")
    header_size, _protocol, _profile, data_size, signature = _FIT_HEADER.unpack_from(head)
    if signature != b".FIT" or header_size not in (12, 14):
        raise ReadError("not a FIT file (no FIT header)")
    announced = header_size + data_size + 2
    if announced > size:
        raise ReadError(
            f"truncated or damaged FIT file: its header announces {announced:,} bytes, "
            f"the file holds {size:,}"
        )


def _plausible_altitude(value: float | None) -> float | None:
    if value is None or not math.isfinite(value) or not LOWEST_M <= value <= HIGHEST_M:
        return None
    return value


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def clean_recording(rec: Recording) -> Recording:
    """``rec`` without impossible stream values or device totals (they become unknown)."""
    altitudes = [_plausible_altitude(a) for a in rec.altitudes]
    distances = [_finite(d) for d in rec.distances]
    ascent, descent = _finite(rec.device_ascent_m), _finite(rec.device_descent_m)
    distance = _finite(rec.distance_m)
    if descent is not None and (descent < 0 or (distance and descent > distance)):
        ascent, descent = None, None  # more descent than distance: not a real total
    if ascent is not None and (ascent < 0 or (distance and ascent > distance)):
        ascent = None
    return replace(
        rec,
        altitudes=altitudes,
        distances=distances,
        device_ascent_m=ascent,
        device_descent_m=descent,
    )


def implausible(rec: Recording) -> str | None:
    """Why the activity's own figures are unusable, or None."""
    for label, value in (
        ("elapsed time", rec.elapsed_s),
        ("moving time", rec.moving_s),
        ("distance", rec.distance_m),
    ):
        if value is not None and not math.isfinite(value):
            return f"its {label} is not a number"
    for label, value in (("elapsed", rec.elapsed_s), ("moving", rec.moving_s)):
        if value is not None and value > LONGEST_S:
            return f"its {label} time is {value / 86400:.0f} days"
    return None
