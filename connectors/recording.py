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


class CannotRead(ReadError):
    """The operating system refused the read (permissions, a vanished mount): the file is
    tried again on the next pull, since fixing that does not change the file."""


class NotARun(ReadError):
    """The file was read, but holds nothing to store (a course, a ride, an unknown sport).

    ``quiet`` files (FIT courses and settings, rides and swims) are listed by
    ``hamsync runs --skipped`` but not warned about: a watch folder holds many of them.
    """

    def __init__(self, message: str, quiet: bool = False) -> None:
        super().__init__(message)
        self.quiet = quiet


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
    label: str | None = None
    """The file's own sport label (GPX ``type``, TCX ``Sport``), judged by the files connector
    (:mod:`connectors.sport_labels`, with the runner's ``sports`` mapping); for FIT, None, or
    ``generic`` for a session whose sport the profile leaves open."""
    breaks: tuple[int, ...] = ()
    """Indices into ``altitudes`` where a new segment starts after a break (a GPX track or
    segment, a pause marker): climb and descent are measured within each segment."""
    notes: tuple[str, ...] = ()
    """Parts of the file left out of the activity, in words (reported with the file)."""
