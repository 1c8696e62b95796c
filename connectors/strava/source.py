"""Strava as an :class:`~connectors.base.ActivitySource`: incremental, resumable, frugal.

The cursor is JSON: ``newest`` is the start of the newest activity fully processed, and
``seen`` maps the ids of activities within the overlap window before it to a fingerprint.
Each pull lists the activities started after ``newest - overlap`` (late uploads and edits),
sorts them by start and de-duplicates them by id (Strava's order depends on the query, not on
what its docs say), skips those already seen unchanged, and processes the rest oldest first.

Costs: an idle sync is one request (the list); a new run at most two more (its streams, and
its detail only when the streams hold no usable altitude); a manual activity none (no
recording, no streams). Before every request the usage headers of the previous answer are
checked: near a limit the pull stops, returns what it has, and the cursor stays on the last
activity fully processed, so the next sync resumes without a gap or a duplicate.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from planner.models import CheckIn, Run

from ..base import Problem, PullResult, SourceError
from .api import StravaApi
from .errors import NotFound
from .mapping import (
    DEFAULT_SPORTS,
    STREAM_TYPES,
    altitude_usable,
    exertion_checkin,
    is_manual,
    is_virtual,
    local_day,
    run_id,
    sport_type,
    start_of,
    strength_day,
    to_run,
)

log = logging.getLogger("hamsync.strava")

PER_PAGE = 200
"""Strava's largest page: a year of runs is listed in two requests."""
CURSOR_VERSION = 1


@dataclass(slots=True)
class _Cursor:
    newest: datetime | None = None
    seen: dict[str, list[str]] = field(default_factory=dict)
    """Activity id -> [start, fingerprint] for the activities within the overlap window, plus
    ``"run"`` for those delivered as runs (so that a run re-labelled or deleted on Strava can
    be taken back)."""

    @classmethod
    def parse(cls, text: str | None) -> _Cursor:
        if not text:
            return cls()
        try:
            raw = json.loads(text)
            if not isinstance(raw, dict) or raw.get("v") != CURSOR_VERSION:
                return cls()
            newest = datetime.fromisoformat(raw["newest"]) if raw.get("newest") else None
            seen = {str(k): [str(x) for x in v[:3]] for k, v in dict(raw.get("seen", {})).items()}
            if any(len(v) < 2 for v in seen.values()):
                return cls()
            return cls(newest, seen)
        except (ValueError, TypeError, KeyError, IndexError):  # damaged: start again
            return cls()

    def dump(self, overlap: timedelta) -> str:
        keep = {}
        if self.newest is not None:
            oldest = self.newest - overlap
            keep = {k: v for k, v in self.seen.items() if datetime.fromisoformat(v[0]) >= oldest}
        body = {
            "v": CURSOR_VERSION,
            "newest": self.newest.isoformat() if self.newest else None,
            "seen": dict(sorted(keep.items())),
        }
        return json.dumps(body, separators=(",", ":"))


def fingerprint(payload: dict[str, Any]) -> str:
    """What makes an activity worth processing again: its time, length, climb or sport."""
    keys = ("start_date", "distance", "elapsed_time", "total_elevation_gain", "sport_type")
    text = json.dumps([payload.get(k) for k in keys])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(slots=True)
class _Found:
    """What one pull collects besides runs: report notices, check-ins, strength days."""

    notices: list[str] = field(default_factory=list)
    checkins: list[CheckIn] = field(default_factory=list)
    strength_days: set[date] = field(default_factory=set)


class StravaSource:
    """The runner's Strava activities of the configured sport types, as planner runs."""

    def __init__(
        self,
        api: StravaApi,
        sports: Sequence[str] = DEFAULT_SPORTS,
        overlap: timedelta = timedelta(hours=48),
        history_days: int = 90,
        per_page: int = PER_PAGE,
        name: str = "strava",
        checkins: bool = False,
    ) -> None:
        self.api = api
        self.sports = frozenset(sports)
        self.overlap = overlap
        self.history_days = history_days
        self.per_page = per_page
        self.name = name
        self.checkins = checkins
        """Opt-in: a perceived exertion of 9/10 or more is a "sensitive" check-in (costs the
        detail request of each new run, so a new run still costs at most two more)."""

    def pull(self, cursor: str | None, today: date) -> PullResult:
        """New or changed activities since ``cursor``, oldest first (see the module docstring)."""
        old = _Cursor.parse(cursor)
        if old.newest is not None:
            after = old.newest - self.overlap
        else:
            first = today - timedelta(days=self.history_days)
            after = datetime.combine(first, time(), tzinfo=UTC)
        listed, complete, ascending = self._list(after)
        new = _Cursor(old.newest, dict(old.seen))
        problems: list[Problem] = []
        if not complete and not ascending:
            # the pages held the newest activities: processing them would leave a gap
            problems.append(self._stopped(len(listed), "listing"))
            return PullResult((), new.dump(self.overlap), tuple(problems))
        runs = []
        found = _Found()
        removed = self._vanished(listed, old, after) if complete else []
        for aid in removed:
            new.seen.pop(aid, None)
        todo = self._todo(listed, old)
        for index, payload in enumerate(todo):
            aid = str(payload["id"])
            try:
                run = self._process(payload, found)
            except NotFound:
                problems.append(
                    Problem(
                        f"activity {aid}",
                        "Strava answered 404 (deleted or made private since it was listed); "
                        "skipped",
                    )
                )
                run = None
            except SourceError as error:
                if index == 0:
                    raise  # nothing done: the whole source failed, retried next sync
                problems.append(
                    Problem(f"activity {aid} and {len(todo) - index - 1} after it", str(error))
                )
                break
            except _OutOfBudget:
                problems.append(self._stopped(len(todo) - index, "processing"))
                break
            if run is not None:
                runs.append(run)
            elif _delivered(old, aid):
                removed.append(aid)  # re-labelled (Run -> Ride) or unreadable now
            new.seen[aid] = [start_of(payload).isoformat(), fingerprint(payload)]
            if run is not None:
                new.seen[aid].append("run")
            start = start_of(payload)
            new.newest = start if new.newest is None else max(new.newest, start)
        return PullResult(
            tuple(runs),
            new.dump(self.overlap),
            tuple(problems),
            removed_run_ids=tuple(run_id(aid) for aid in removed),
            checkins=tuple(found.checkins),
            notices=tuple(found.notices),
            strength_days=tuple(sorted(found.strength_days)),
        )

    def _vanished(self, listed: list[dict[str, Any]], old: _Cursor, after: datetime) -> list[str]:
        """Ids delivered as runs, started inside the listed window, and no longer listed
        (deleted on Strava). Only a complete listing can tell."""
        ids = {str(p.get("id")) for p in listed}
        gone = []
        for aid, (start, *rest) in old.seen.items():
            try:
                begun = datetime.fromisoformat(start)
            except ValueError:
                continue
            if rest[1:] == ["run"] and begun > after and aid not in ids:
                gone.append(aid)
        return sorted(gone)

    def _list(self, after: datetime) -> tuple[list[dict[str, Any]], bool, bool]:
        """Every activity after ``after`` (complete), or the pages the budget allowed."""
        found: list[dict[str, Any]] = []
        ascending = True
        page = 1
        while True:
            batch = self.api.list_activities(after, page, self.per_page)
            starts = [str(a.get("start_date", "")) for a in batch]
            ascending = ascending and starts == sorted(starts)
            found.extend(batch)
            if len(batch) < self.per_page:
                return found, True, ascending
            if not self.api.can_read(1):
                return found, False, ascending
            page += 1

    def _todo(self, listed: list[dict[str, Any]], old: _Cursor) -> list[dict[str, Any]]:
        """Listed activities, unique by id, oldest first, without those already seen."""
        unique: dict[str, dict[str, Any]] = {}
        for payload in listed:
            try:
                start_of(payload)
                unique[str(payload["id"])] = payload
            except (KeyError, ValueError, TypeError):
                log.warning(
                    "strava: ignoring an activity without id or start: %r", payload.get("id")
                )
        ordered = sorted(unique.values(), key=lambda p: (start_of(p), str(p["id"])))
        return [p for p in ordered if old.seen.get(str(p["id"]), ["", ""])[1] != fingerprint(p)]

    def _process(self, payload: dict[str, Any], found: _Found) -> Run | None:
        """The run of one activity (None for a sport not pulled); may cost 0-2 requests.

        A run without a usable altitude recording adds a notice for the sync report; a
        strength activity adds its day (from the list alone: no request).
        """
        lifted = strength_day(payload)
        if lifted is not None:
            found.strength_days.add(lifted)
        if sport_type(payload) not in self.sports:
            return None
        activity_id = int(payload["id"])
        streams = None
        detail = None
        if is_virtual(payload):  # no descent to measure: no streams request
            run = to_run(payload, None, None)
            found.notices.append(virtual_notice(run))
            return run
        if not is_manual(payload):
            if not self.api.can_read(1):
                raise _OutOfBudget
            streams = self.api.streams(activity_id, STREAM_TYPES)
            if (not altitude_usable(streams) or self.checkins) and self.api.can_read(1):
                detail = self.api.activity(activity_id)
            if not altitude_usable(streams):
                log.warning(
                    "strava: activity %s has no usable altitude stream; its descent comes "
                    "from Strava's summary (descent_from=summary)",
                    activity_id,
                )
        try:
            run = to_run(payload, streams, detail)
        except (KeyError, ValueError, TypeError) as error:
            log.warning("strava: activity %s could not be read: %s", activity_id, error)
            return None
        if run.descent_from != "computed":
            found.notices.append(summary_notice(run, manual=is_manual(payload)))
        if self.checkins and detail is not None:
            checkin = exertion_checkin(detail, local_day(payload))
            if checkin is not None:
                found.checkins.append(checkin)
        return run

    def _stopped(self, count: int, stage: str) -> Problem:
        return Problem(
            f"{count} newer activities",
            f"stopped {stage} before Strava's rate limit ({self.api.usage_text()}); the next "
            "sync continues from here",
        )


def _delivered(cursor: _Cursor, aid: str) -> bool:
    """True when an earlier pull delivered this activity as a run."""
    return cursor.seen.get(aid, [])[2:] == ["run"]


def virtual_notice(run: Run) -> str:
    """What the sync report says about a virtual or treadmill run."""
    return (
        f"{run.name or 'activity'} on {run.start:%Y-%m-%d} ({run.id}) is a virtual or treadmill "
        "run: it counts for the weekly dose, with no descent"
    )


def summary_notice(run: Run, manual: bool = False) -> str:
    """What the sync report says about a run not measured from a recording (issue 3)."""
    why = "was entered by hand" if manual else "has no usable altitude recording"
    if run.descent_m is None:
        figure = "descent unknown (Strava gives no climb for it)"
    else:
        figure = f"descent {run.descent_m:,.0f} m taken from Strava's summary"
    return f"{run.name or 'activity'} on {run.start:%Y-%m-%d} ({run.id}) {why}: {figure}"


class _OutOfBudget(Exception):
    """The next request would come too close to Strava's rate limit."""
