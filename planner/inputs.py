"""The planner's inputs made ready: effective check-ins, habitual long runs, done sessions."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, timedelta

from planner.models import CheckIn, Feeling, PlannedEvent, Session
from planner.settings import Settings

SEVERITY = {Feeling.FINE: 0, Feeling.SENSITIVE: 1, Feeling.PAIN: 2}
CLI_SOURCE = "cli"


def effective_checkins(checkins: Sequence[CheckIn]) -> list[CheckIn]:
    """Check-ins as R7 reads them.

    Platform fields (perceived exertion, feel) measure effort, not hamstring symptoms
    (DESIGN.md): from a platform, "pain" counts as "sensitive", and "fine" is ignored so
    that an easy run logged on Strava never lifts a pause the runner asked for.
    """
    out: list[CheckIn] = []
    for c in checkins:
        if c.source != CLI_SOURCE:
            if c.feeling is Feeling.FINE:
                continue
            if c.feeling is Feeling.PAIN:
                c = CheckIn(c.day, Feeling.SENSITIVE, c.note, c.source)
        out.append(c)
    return sorted(out, key=lambda c: (c.day, SEVERITY[c.feeling], c.source))


def latest_checkin(checkins: Sequence[CheckIn], today: date) -> CheckIn | None:
    """The check-in that decides R7: the latest up to today, the most severe on that day.

    A 'pain' from the runner stands until the runner's own next check-in: a later platform
    check-in (at most 'sensitive') measures effort and never softens it into recovery work.
    """
    known = [c for c in effective_checkins(checkins) if c.day <= today]
    own = [c for c in known if c.source == CLI_SOURCE]
    last_own = max(own, key=_order, default=None)
    if last_own is not None and last_own.feeling is Feeling.PAIN:
        return last_own
    return max(known, key=_order, default=None)


def _order(c: CheckIn) -> tuple[date, int]:
    return (c.day, SEVERITY[c.feeling])


def expand_habitual(
    settings: Settings, today: date, last: date, events: Sequence[PlannedEvent], run_days: set[date]
) -> list[PlannedEvent]:
    """Habitual long-run days as planned long trails, where no planned or done run holds the day."""
    held = {e.day for e in events} | run_days
    out = []
    day = today
    while day <= last:
        if day.weekday() in settings.long_run_days and day not in held:
            out.append(
                PlannedEvent(
                    uid=f"long_run_days-{day.isoformat()}",
                    title="Long run",
                    day=day,
                    source="long_run_days",
                    long=True,
                    habitual=True,
                )
            )
        day += timedelta(1)
    return out


def done_ids(
    done: Collection[str], sessions: Sequence[Session], strength_days: Collection[date]
) -> frozenset[str]:
    """Sessions marked done (``hamsync done``) plus those on a day with a logged strength
    activity (R8): the platforms' record counts as much as the runner's word."""
    return frozenset(done) | {s.id for s in sessions if s.day in strength_days}
