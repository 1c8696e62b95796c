"""The planner's vocabulary: runs, planned events, check-ins and sessions.

Every record is a frozen dataclass so that a plan is a pure function of its inputs and
two plans can be compared with ``==``. Connectors build these records; the planner reads
them; ``sync`` stores and serialises them. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Literal


class Sport(StrEnum):
    """What kind of foot activity a run is; only runs count for the weekly dose (R5)."""

    RUN = "run"
    TRAIL_RUN = "trail_run"
    HIKE = "hike"
    OTHER = "other"


DescentSource = Literal["device", "computed", "summary", "none"]


@dataclass(frozen=True, slots=True)
class Terrain:
    """Figures measured from an altitude (and distance) series by :mod:`planner.terrain`."""

    ascent_m: float
    descent_m: float
    longest_descent_m: float
    """The largest drop without a climb of more than a few metres in between (see terrain)."""
    steep_descent_m: float
    """Descent on stretches steeper than 10 % downhill (0 when no distance series exists)."""
    descent_per_km: float
    points: int


@dataclass(frozen=True, slots=True)
class Run:
    """A completed activity, as one record however many platforms saw it.

    ``ascent_m``/``descent_m`` are the figures the planner uses; ``descent_from`` says
    where they came from: the device's own session totals, our own measurement of the
    altitude stream (``terrain``), the platform's summary, or nothing at all.
    """

    id: str
    sources: tuple[str, ...]
    start: datetime
    sport: Sport
    distance_m: float
    moving_s: float
    elapsed_s: float
    ascent_m: float | None
    descent_m: float | None
    descent_from: DescentSource
    terrain: Terrain | None = None
    name: str = ""
    platform_trail: bool = False
    """The platform or the device says it is a trail run (FIT sub-sport, Strava TrailRun)."""

    @property
    def counts_for_dose(self) -> bool:
        """Runs (road and trail) count for the weekly dose of R5; hikes do not."""
        return self.sport in (Sport.RUN, Sport.TRAIL_RUN)


@dataclass(frozen=True, slots=True)
class RunFlags:
    """What R1, R2 and R5 say about one run; each flag keeps the figure that set it."""

    trail: bool
    long: bool
    heavy_descent: bool
    very_heavy_descent: bool
    hill: bool
    unfamiliar: bool = False
    """A heavy descent far above the previous weeks' largest (R2): counts as very heavy."""


@dataclass(frozen=True, slots=True)
class PlannedEvent:
    """A run or race the runner has planned: from their calendar or a habitual long-run day."""

    uid: str
    title: str
    day: date
    source: str
    """Where it came from, readable: ``"calendar planned.ics"`` or ``"long_run_days"``."""
    start: datetime | None = None
    duration_s: float | None = None
    distance_m: float | None = None
    long: bool = False
    hill: bool = False
    race: bool = False
    ultra: bool = False
    habitual: bool = False
    """Derived from ``long_run_days``: it stands in for a run the calendar does not hold."""
    last_day: date | None = None
    """The last day of an event over several days (a camp, a stage race): every day it covers
    is a planned run of its own, and the after-race rules count from this day (R4)."""

    @property
    def end_day(self) -> date:
        """The event's last day: ``last_day`` when set and later than ``day``, else ``day``."""
        return self.last_day if self.last_day is not None and self.last_day > self.day else self.day


class Feeling(StrEnum):
    """How the hamstrings feel (R7)."""

    FINE = "fine"
    SENSITIVE = "sensitive"
    PAIN = "pain"


@dataclass(frozen=True, slots=True)
class CheckIn:
    day: date
    feeling: Feeling
    note: str = ""
    source: str = "cli"


class SessionKind(StrEnum):
    """The session kinds of the design; see DESIGN.md 'Session'.

    ``heavier`` is the short heavier session; plans stored by earlier versions call it
    ``heavy``, which :func:`sync.store.serialize.session_from_json` still reads.
    """

    CONTROL = "control"
    HEAVIER = "heavier"
    FOCUSED = "focused"
    MAINTENANCE = "maintenance"
    RECOVERY = "recovery"


@dataclass(frozen=True, slots=True)
class Dose:
    """One exercise of a session with its dose: sets x reps, or sets x a hold in seconds."""

    key: str
    sets: int
    reps: int | None = None
    hold_s: int | None = None
    per_side: bool = False
    rest_s: int = 60


@dataclass(frozen=True, slots=True, order=True)
class Reason:
    """Why a session sits where it does, or what the plan tells the runner (DESIGN.md).

    ``text`` is in plain words a runner reads (dates, runs and their figures, no rule id);
    ``rule`` is the rule of DESIGN.md that decided it (``"R4"``; ``""`` for none), shown in
    ``--json`` and in a details line; ``day`` is the day of the run or event it names, or
    None when it names none.
    """

    rule: str
    text: str
    day: date | None = None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Session:
    """A hamstring session on one day, with the reasons for its place and content.

    ``id`` is the ISO week plus the session's position in that week (``2026-W23-1``), so a
    session that moves to another day or changes kind keeps its id (and its calendar UID).
    """

    id: str
    day: date
    kind: SessionKind
    exercises: tuple[Dose, ...]
    reasons: tuple[Reason, ...] = ()

    @property
    def heavy(self) -> bool:
        """True exactly when the session holds a Nordic variant (DESIGN.md)."""
        return any(d.key in NORDIC_KEYS for d in self.exercises)


NORDIC_KEYS = frozenset({"assisted_nordic", "nordic"})


@dataclass(frozen=True, slots=True)
class Move:
    """A session that a re-plan moved, with the cause (R9)."""

    session_id: str
    from_day: date
    to_day: date
    reason: Reason


@dataclass(frozen=True, slots=True)
class PlannerState:
    """What the planner remembers between plans (progression level, sessions done)."""

    level: int = 1
    """1-based rung of the guide's ladder that the runner has reached (1 = glute bridge)."""
    done_session_ids: frozenset[str] = frozenset()
    paused_until: date | None = None
    level_up_on: date | None = None
    """The day of the last step, within an exercise or up the ladder: one a week (R6, R12)."""
    stage: int = 0
    """The step within the top rung's own exercise (R12): 0 is its first-week dose."""
    rung_since: date | None = None
    """The day the current rung was reached (R12: two weeks at a rung, three for a Nordic)."""
    returned_from: date | None = None
    """The day of the 'pain' whose graded return capped the level (R14), so that it caps once."""
    stepped_back_for: date | None = None
    """The day of the 'sensitive' or 'pain' check-in that last cost a rung (R7), so that one
    check-in steps the level back once, however often the plan is recomputed."""


@dataclass(frozen=True, slots=True)
class Plan:
    """The planner's answer: sessions of the horizon, what moved, and what to tell the runner."""

    sessions: tuple[Session, ...]
    moved: tuple[Move, ...] = ()
    notes: tuple[Reason, ...] = ()
    state: PlannerState = field(default_factory=PlannerState)
