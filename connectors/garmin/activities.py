"""Completed runs and hikes from Garmin Connect, pulled incrementally and gently.

The activity list comes newest first in pages. A pull reads pages until it reaches an
activity older than the cursor minus the overlap window (late uploads and edits are read
again; the state merges them by id), so an ordinary sync costs one page. The cursor is the
start (UTC, ISO 8601) of the newest activity seen. A pull that fails on any page raises and
stores nothing, so the cursor never skips activities it did not read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from planner.models import CheckIn, Run

from ..base import Problem, PullResult, SourceError
from .api import GarminApi
from .mapping import feel_checkin, start_of, strength_day, to_run
from .session import GarminSession

PAGE_SIZE = 20
"""What the Garmin Connect web app asks for per page."""
MAX_PAGES = 50
"""A safety cap: 1,000 activities in one pull (a first sync of a very busy year)."""


@dataclass
class GarminActivities:
    """The ActivitySource of Garmin Connect."""

    session: GarminSession
    tz: ZoneInfo
    overlap: timedelta = timedelta(days=3)
    initial_days: int = 56
    """First sync: how far back to read (R2 compares with the previous six weeks)."""
    checkins: bool = False
    """Opt-in: store Garmin's post-run feel and effort as (at most "sensitive") check-ins."""
    page_size: int = PAGE_SIZE
    name: str = "garmin"

    def pull(self, cursor: str | None, today: date) -> PullResult:
        since = self._since(cursor, today)
        payloads = []
        newest: datetime | None = _parse_cursor(cursor)
        for page in range(MAX_PAGES):
            start = page * self.page_size
            items: Any = GarminApi(self.session).activities(start, self.page_size)
            if not isinstance(items, list):
                raise SourceError("Garmin Connect activity list: unexpected answer")
            oldest_in_page: datetime | None = None
            for item in items:
                begun = start_of(item) if isinstance(item, dict) else None
                if begun is None:
                    continue
                oldest_in_page = begun if oldest_in_page is None else min(oldest_in_page, begun)
                newest = begun if newest is None else max(newest, begun)
                if begun >= since:
                    payloads.append(item)
            if len(items) < self.page_size or (oldest_in_page and oldest_in_page < since):
                break
        runs: dict[str, Run] = {}
        checkins: list[CheckIn] = []
        problems: list[Problem] = []
        strength: set[date] = set()
        for payload in payloads:
            lifted = strength_day(payload)
            if lifted is not None:
                strength.add(lifted)
                continue
            try:
                run = to_run(payload)
            except (KeyError, TypeError, ValueError) as exc:
                problems.append(Problem(f"activity {payload.get('activityId')}", str(exc)))
                continue
            if run is None:
                continue
            runs[run.id] = run
            if self.checkins:
                checkin = feel_checkin(payload, run.start.astimezone(self.tz).date())
                if checkin is not None:
                    checkins.append(checkin)
        ordered = tuple(sorted(runs.values(), key=lambda r: (r.start, r.id)))
        return PullResult(
            runs=ordered,
            cursor=newest.isoformat() if newest else cursor,
            problems=tuple(problems),
            checkins=tuple(checkins),
            strength_days=tuple(sorted(strength)),
        )

    def _since(self, cursor: str | None, today: date) -> datetime:
        last = _parse_cursor(cursor)
        if last is not None:
            return last - self.overlap
        first_day = today - timedelta(days=self.initial_days)
        return datetime.combine(first_day, time.min, self.tz).astimezone(UTC)


def _parse_cursor(cursor: str | None) -> datetime | None:
    if not cursor:
        return None
    try:
        moment = datetime.fromisoformat(cursor)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
