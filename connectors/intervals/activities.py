"""Completed runs, trail runs and hikes from intervals.icu, pulled incrementally.

The activity list is asked for by local date range, in windows of :data:`WINDOW_DAYS`
read oldest first: an ordinary sync (a few days since the cursor, minus the overlap) costs
one request, a first sync of a year five. The cursor is the start (UTC, ISO 8601) of the
newest activity read. If a later window fails (a 429 part-way through a first sync), the
windows already read are kept and the cursor stays on the newest activity in them, so the
next sync resumes from there without a gap; if the first window fails, the pull raises and
nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from planner.models import Run

from ..base import Problem, PullResult, SourceError
from .client import IntervalsClient
from .mapping import is_stub, start_of, strength_day, to_run

WINDOW_DAYS = 90
"""Days per activity-list request (hamsync default): a quarter of a busy runner's activities
with every field intervals.icu sends is a few hundred kilobytes, well inside the memory
budget, and a year takes five requests."""


@dataclass
class IntervalsActivities:
    """The ActivitySource of intervals.icu."""

    client: IntervalsClient
    tz: ZoneInfo
    overlap: timedelta = timedelta(days=3)
    initial_days: int = 56
    """First sync: how far back to read (R2 compares with the previous six weeks)."""
    window_days: int = WINDOW_DAYS
    name: str = "intervals"

    def pull(self, cursor: str | None, today: date) -> PullResult:
        newest = _parse_cursor(cursor)
        since = self._since(newest, today)
        payloads: list[dict[str, Any]] = []
        problems: list[Problem] = []
        spans = windows(since.astimezone(self.tz).date(), today, self.window_days)
        for number, (oldest, last) in enumerate(spans):
            try:
                items = self.client.activities(oldest.isoformat(), last.isoformat())
            except SourceError as exc:
                if number == 0:  # nothing read: the whole pull failed, the cursor stays
                    raise
                problems.append(Problem(f"activities from {oldest}", f"{exc}; read next sync"))
                break
            payloads.extend(items)
            for item in items:
                begun = start_of(item, self.tz)
                if begun is not None and (newest is None or begun > newest):
                    newest = begun
        return self._result(payloads, since, newest, cursor, problems)

    def _result(
        self,
        payloads: list[dict[str, Any]],
        since: datetime,
        newest: datetime | None,
        cursor: str | None,
        problems: list[Problem],
    ) -> PullResult:
        runs: dict[str, Run] = {}
        strength: set[date] = set()
        stubs = 0
        for payload in payloads:
            if is_stub(payload):
                stubs += 1
                continue
            lifted = strength_day(payload)
            if lifted is not None:
                strength.add(lifted)
                continue
            try:
                run = to_run(payload, self.tz)
            except (KeyError, TypeError, ValueError) as exc:
                problems.append(Problem(f"intervals.icu activity {payload.get('id')}", str(exc)))
                continue
            if run is not None and run.start >= since:
                runs[run.id] = run
        notices = []
        if stubs:
            notices.append(
                f"intervals.icu: {stubs} {'activity' if stubs == 1 else 'activities'} it "
                "received from Strava cannot be read through its API (Strava's terms); add "
                "[sources.strava] to read them"
            )
        return PullResult(
            runs=tuple(sorted(runs.values(), key=lambda r: (r.start, r.id))),
            cursor=newest.astimezone(UTC).isoformat() if newest else cursor,
            problems=tuple(problems),
            notices=tuple(notices),
            strength_days=tuple(sorted(strength)),
        )

    def _since(self, newest: datetime | None, today: date) -> datetime:
        if newest is not None:
            return newest - self.overlap
        first_day = today - timedelta(days=self.initial_days)
        return datetime.combine(first_day, time.min, self.tz)


def windows(first: date, today: date, size: int) -> list[tuple[date, date]]:
    """Inclusive local-date windows of ``size`` days from ``first`` to tomorrow, oldest first.

    The last window reaches a day past ``today``: an activity's local date can be ahead of
    the runner's zone (a run logged while travelling east).
    """
    out = []
    last_day = today + timedelta(days=1)
    start = min(first, last_day)
    while start <= last_day:
        end = min(start + timedelta(days=size - 1), last_day)
        out.append((start, end))
        start = end + timedelta(days=1)
    return out


def _parse_cursor(cursor: str | None) -> datetime | None:
    if not cursor:
        return None
    try:
        moment = datetime.fromisoformat(cursor)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
