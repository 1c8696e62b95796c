"""The contract of an activity source, shared by every connector.

A source turns what a platform or a folder holds into :class:`planner.models.Run`
records. It is handed the cursor it returned last time (an opaque string it alone
understands) and returns the runs completed since then plus the new cursor. ``sync``
stores both in one transaction, so a pull cut short resumes without a gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from connectors.errors import EXIT_FAILED, HamsyncError
from planner.models import CheckIn, PlannedEvent, Run


@dataclass(frozen=True, slots=True)
class Problem:
    """Something a source could not read; ``where`` names the file or request, ``why`` the cause."""

    where: str
    why: str
    quiet: bool = False
    """Listed by ``hamsync runs --skipped`` but not warned about (a course file, a ride)."""

    def __str__(self) -> str:
        return f"{self.where}: {self.why}"


@dataclass(frozen=True, slots=True)
class PullResult:
    runs: tuple[Run, ...]
    cursor: str | None
    problems: tuple[Problem, ...] = field(default=())
    removed_run_ids: tuple[str, ...] = field(default=())
    """Runs this source had delivered before and no longer holds (a deleted file)."""
    dropped_run_ids: tuple[str, ...] = field(default=())
    """Those of ``removed_run_ids`` whose input is still there and was read again: it no longer
    holds that run (a file relabelled as a ride, rules of a new version). Not an accident, so
    the safety valve does not count them; ``notices`` say why each was removed."""
    checkins: tuple[CheckIn, ...] = field(default=())
    """Check-ins the platform holds (opt-in; at most "sensitive", see DESIGN.md)."""
    notices: tuple[str, ...] = field(default=())
    """Things the runner should know about runs that *were* read (a descent taken from a
    summary instead of a recording); shown in the sync report, unlike ``problems``, which
    are activities that were skipped."""
    strength_days: tuple[date, ...] = field(default=())
    """Local days on which the platform logged a strength activity (marks a session done, R8)."""
    skipped: tuple[Problem, ...] | None = None
    """Every input the source currently skips, reported now or before (``problems`` holds only
    the new ones); None when the source does not keep such a list."""


class SourceError(HamsyncError):
    """The whole source failed (network down, login expired); others carry on.

    ``fix`` is the command or action that repairs it, shown to the runner. ``retry_after_s``
    is how long the server asked us to wait (HTTP 429/503 ``Retry-After``): the daemon does
    not try this source again before then. See :mod:`connectors.errors` for the taxonomy.
    """

    exit_code = EXIT_FAILED


class ActivitySource(Protocol):
    """What ``sync`` needs from a connector that provides completed activities."""

    name: str

    def pull(self, cursor: str | None, today: date) -> PullResult:
        """Runs new or changed since ``cursor``; raise :class:`SourceError` if it all failed."""
        ...


class UpcomingSource(Protocol):
    """A calendar that holds the runner's planned runs and races (look-ahead)."""

    name: str

    def planned(self, first_day: date, last_day: date) -> list[PlannedEvent]:
        """Planned runs between the two days, inclusive; raise :class:`SourceError` on failure."""
        ...
