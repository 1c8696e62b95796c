"""What a file reader hands to the files connector: one recorded activity, still raw.

Readers (FIT, GPX, TCX) only decode; validation, terrain and the mapping to
:class:`planner.models.Run` live in :mod:`connectors.files`, once for every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from planner.models import Sport


class ReadError(Exception):
    """A file could not be decoded; the message says why, in words a runner can act on."""


@dataclass(frozen=True, slots=True)
class Recording:
    """One activity of a file (a FIT file may hold several sessions)."""

    sport: Sport
    start: datetime | None
    """Aware (UTC) start time; None when the file holds no timestamps."""
    elapsed_s: float | None = None
    moving_s: float | None = None
    distance_m: float | None = None
    device_ascent_m: float | None = None
    device_descent_m: float | None = None
    altitudes: list[float | None] = field(default_factory=list)
    distances: list[float | None] = field(default_factory=list)
    """Cumulative metres, same length as ``altitudes`` (entries may be None)."""
    name: str = ""
    trail: bool = False
    """The device or the file says trail (FIT sub-sport, GPX/TCX type)."""


_NOT_ON_FOOT = (
    "cycl",
    "bik",
    "ride",
    "swim",
    "ski",
    "rowing",
    "paddl",
    "kayak",
    "drive",
    "transit",
)


def sport_from_label(label: str | None) -> tuple[Sport, bool] | None:
    """Map a free-text sport label (GPX ``type``, TCX ``Sport``) to a sport and a trail flag.

    Unknown or missing labels count as a run (a folder of a runner's files); labels that name
    an activity not on foot (cycling, swimming, skiing, ...) return None: not imported.
    """
    text = (label or "").strip().lower()
    if any(word in text for word in _NOT_ON_FOOT):
        return None
    if "trail" in text:
        return Sport.TRAIL_RUN, True
    if "hik" in text or "walk" in text:
        return Sport.HIKE, False
    if text == "other":
        return Sport.OTHER, False
    return Sport.RUN, False
