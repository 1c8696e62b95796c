"""Completed runs and hikes from Garmin Connect, pulled incrementally and gently.

The activity list comes newest first in pages. A pull reads pages until it reaches an
activity older than the cursor minus the overlap window (late uploads and edits are read
again; the state merges them by id), so an ordinary sync costs one page. The cursor holds the
start (UTC, ISO 8601) of the newest activity seen and the runs delivered within the overlap
window: one of them deleted or re-typed on Garmin Connect leaves the store at the next pull.
A pull that fails on any page raises and stores nothing, so the cursor never skips
activities it did not read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from planner.models import CheckIn, Run

from ..base import Problem, PullResult, SourceError
from .api import GarminApi
from .mapping import (
    child_ids,
    feel_checkin,
    is_multisport,
    leg_payload,
    multisport_run,
    start_of,
    strength_day,
    to_run,
)
from .session import GarminSession, NotFound

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
        complete = False
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
                complete = True  # every activity since `since` was listed
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
                if is_multisport(payload):
                    run = self._multisport(payload, problems)
                else:
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
        before = _Cursor.parse(cursor)
        removed = (
            sorted(
                rid
                for rid, begun in before.runs.items()
                if begun >= since and rid not in runs and not _unread(rid, problems)
            )
            if complete
            else []
        )
        after = _Cursor(newest, {r.id: r.start for r in ordered})
        after.runs.update(
            {k: v for k, v in before.runs.items() if k not in removed and k not in runs}
        )
        return PullResult(
            runs=ordered,
            cursor=after.dump(self.overlap) if newest else cursor,
            removed_run_ids=tuple(removed),
            problems=tuple(problems),
            checkins=tuple(checkins),
            strength_days=tuple(sorted(strength)),
        )

    def _multisport(self, payload: dict[str, Any], problems: list[Problem]) -> Run | None:
        """The run and hike legs of a multisport activity as one run (one request a leg)."""
        legs = []
        api = GarminApi(self.session)
        for child in child_ids(payload):
            try:
                detail = api.activity(child)
            except NotFound:
                problems.append(
                    Problem(
                        f"activity {child}",
                        "a leg of a multisport activity that Garmin no longer has; skipped",
                    )
                )
                continue
            if isinstance(detail, dict):
                legs.append(leg_payload(detail))
        return multisport_run(payload, legs)

    def _since(self, cursor: str | None, today: date) -> datetime:
        last = _parse_cursor(cursor)
        if last is not None:
            return last - self.overlap
        first_day = today - timedelta(days=self.initial_days)
        return datetime.combine(first_day, time.min, self.tz).astimezone(UTC)


def _unread(run_id: str, problems: list[Problem]) -> bool:
    """True when the activity was listed but could not be read this time (kept, not removed)."""
    number = run_id.split(":", 1)[-1]
    return any(p.where == f"activity {number}" for p in problems)


@dataclass
class _Cursor:
    """``newest``: the start of the newest activity seen; ``runs``: id -> start of the runs
    delivered within the overlap window, so that a run deleted or re-typed on Garmin Connect
    (no longer listed, or no longer a run) is taken back at the next pull. Older cursors
    were the bare ``newest`` timestamp; they are read as such."""

    newest: datetime | None
    runs: dict[str, datetime]

    @classmethod
    def parse(cls, text: str | None) -> _Cursor:
        if not text:
            return cls(None, {})
        try:
            raw = json.loads(text)
        except ValueError:
            return cls(_moment(text), {})
        if not isinstance(raw, dict):
            return cls(None, {})
        runs = {}
        for key, value in dict(raw.get("runs") or {}).items():
            moment = _moment(str(value))
            if moment is not None:
                runs[str(key)] = moment
        return cls(_moment(str(raw.get("newest") or "")), runs)

    def dump(self, overlap: timedelta) -> str:
        oldest = self.newest - overlap if self.newest else None
        keep = {k: v for k, v in self.runs.items() if oldest is None or v >= oldest}
        body = {
            "newest": self.newest.isoformat() if self.newest else None,
            "runs": {k: v.isoformat() for k, v in sorted(keep.items())},
        }
        return json.dumps(body, separators=(",", ":"))


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _parse_cursor(cursor: str | None) -> datetime | None:
    return _Cursor.parse(cursor).newest
