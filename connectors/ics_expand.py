"""Expanding a parsed calendar into the occurrences of the look-ahead window, within a budget.

- Recurring events are expanded by recurring-ical-events, series by series, and only over the
  window the planner needs; each series yields at most :data:`MAX_OCCURRENCES_PER_SERIES`
  occurrences, and a rule that repeats more often than :data:`MAX_STARTS_PER_DAY` times a day
  (``FREQ=SECONDLY``, ``HOURLY``, a ``BYMINUTE`` list) is never expanded: no planned run
  repeats every second, and expanding one took minutes and gigabytes (``rrule-secondly-dos``).
- One broken series or event is skipped with a warning naming its title and date; every
  other event is read (``one-bad-rrule-rejects-calendar``).
- A cancelled event or occurrence (``STATUS:CANCELLED``, RFC 5545 3.8.1.11) is not read at all.
- An event over several days yields one entry per day it covers in the runner's time zone,
  each carrying the event's last day (an all-day ``DTEND`` is exclusive, RFC 5545 3.6.1).
"""

from __future__ import annotations

import time as clock
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar, Component

OWN_UID_SUFFIX = "@hamsync"
MAX_OCCURRENCES_PER_SERIES = 200
"""A daily run over the ~35-day window is 35 occurrences; twice a day, 70 (hamsync default)."""
MAX_STARTS_PER_DAY = 4
"""More starts a day than this is not a runner's plan (hamsync default)."""
MAX_EVENT_DAYS = 16
"""An event over more days than this (a "season" note) is not a planned run on each of them;
stage races and training camps last up to about two weeks (hamsync default)."""
EXPANSION_BUDGET_S = 20.0
"""Time to expand one calendar; series left over are skipped with a warning (hamsync default)."""
SUB_DAILY = ("SECONDLY", "MINUTELY", "HOURLY")
FAST_FORWARD_SLACK_DAYS = 30
"""How far before the window a fast-forwarded series starts (beyond any event's length)."""


class _TolerantQuery(recurring_ical_events.CalendarQuery):  # type: ignore[misc]
    """A query that drops a series on any error it raises while collected, not only the
    library's own list (icalendar raises its own errors for broken property values)."""

    suppressed_errors: ClassVar[list[type[Exception]]] = [Exception]


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One day of one occurrence of a calendar event, before the planner classifies it.

    ``duration_s`` is the whole occurrence's; ``last_day`` is the last day it covers (the
    same as ``day`` for an event within one day).
    """

    uid: str
    title: str
    day: date
    start: datetime | None
    duration_s: float | None
    all_day: bool
    cancelled: bool = False
    last_day: date | None = None


@dataclass(slots=True)
class Expansion:
    """The entries of the window, sorted, and the warnings about what was skipped."""

    entries: list[CalendarEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def describe(component: Component) -> str:
    """An event named for a runner: its title and first date, whatever else is broken."""
    title = str(component.get("SUMMARY", "") or "").strip() or "(no title)"
    try:
        start = component.get("DTSTART")
        when = start.dt if start is not None else None
    except Exception:  # a broken DTSTART
        when = None
    day = when.date() if isinstance(when, datetime) else when
    return f'"{title[:80]}" ({day.isoformat()})' if isinstance(day, date) else f'"{title[:80]}"'


RANGES = {
    "BYMONTH": (1, 12),
    "BYMONTHDAY": (1, 31),
    "BYYEARDAY": (1, 366),
    "BYWEEKNO": (1, 53),
    "BYHOUR": (0, 23),
    "BYMINUTE": (0, 59),
    "BYSECOND": (0, 60),
    "BYSETPOS": (1, 366),
}
"""RFC 5545 3.3.10: the allowed values of each part (negative ones count from the end)."""
DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def rule_problem(component: Component) -> str | None:
    """Why an event's repeat rule is not expanded, or None when it may be.

    Besides sub-daily rules, rules that can never match are refused here: the expansion
    library searches for a match up to the year 9999 (``BYMONTH=13`` with ``FREQ=DAILY`` ran
    for minutes), so a value out of its RFC 5545 range or a day no listed month has is a
    broken rule, not an empty one.
    """
    rules = component.get("RRULE")
    if rules is None:
        return None
    for rule in rules if isinstance(rules, list) else [rules]:
        values: Any = rule
        freq = str((values.get("FREQ") or [""])[0]).upper()
        if freq in SUB_DAILY:
            return f"it repeats {freq.lower()} (more often than daily), not expanded"
        per_day = 1
        for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            per_day *= max(1, len(values.get(part) or []))
        if per_day > MAX_STARTS_PER_DAY:
            return f"it repeats {per_day} times a day, not expanded"
        if _out_of_range(values):
            return "its repeat rule cannot be read (a value out of range)"
    return None


def fast_forward(event: Component, first_day: date) -> None:
    """Move an old daily or weekly series' start forward by whole periods, in place.

    The expansion library walks every occurrence from DTSTART on: a daily series begun in
    2012 costs thousands of steps before the window. Without COUNT, moving DTSTART (and DTEND)
    by a whole number of periods (INTERVAL days or weeks) keeps every later occurrence: the
    rule's phase, weekday and filters are unchanged. The moved start lies
    :data:`FAST_FORWARD_SLACK_DAYS` before the window, so the start itself (always an
    occurrence, RFC 5545) never shows in it.
    """
    rules = event.get("RRULE")
    if rules is None or isinstance(rules, list):
        return
    values: Any = rules
    freq = str((values.get("FREQ") or [""])[0]).upper()
    if freq not in ("DAILY", "WEEKLY") or values.get("COUNT"):
        return
    period = int((values.get("INTERVAL") or [1])[0]) * (7 if freq == "WEEKLY" else 1)
    start_prop: Any = event["DTSTART"]
    start = start_prop.dt
    start_day = start.date() if isinstance(start, datetime) else start
    target = first_day - timedelta(days=FAST_FORWARD_SLACK_DAYS)
    steps = (target - start_day).days // period
    if period < 1 or steps <= 0:
        return
    shift = timedelta(days=steps * period)
    for name in ("DTSTART", "DTEND"):
        if name in event:
            prop: Any = event[name]
            moved = prop.dt + shift
            params = dict(prop.params)
            del event[name]
            event.add(name, moved, parameters=params)


def _out_of_range(values: Any) -> bool:
    interval = values.get("INTERVAL") or [1]
    if int(interval[0]) < 1:
        return True
    for part, (low, high) in RANGES.items():
        for value in values.get(part) or []:
            number = abs(int(value))
            signed_ok = part not in ("BYMONTH", "BYHOUR", "BYMINUTE", "BYSECOND") or int(value) >= 0
            if not (low <= number <= high and signed_ok and (number != 0 or low == 0)):
                return True
    months = [int(m) for m in values.get("BYMONTH") or []]
    days = [abs(int(d)) for d in values.get("BYMONTHDAY") or []]
    return bool(months and days and min(days) > max(DAYS_IN_MONTH[m - 1] for m in months))


def expand(
    calendar: Calendar, first_day: date, last_day: date, tz: ZoneInfo, where: str
) -> Expansion:
    """Entries of the days ``first_day`` to ``last_day`` (inclusive) in ``tz``."""
    result = Expansion()
    window_start = datetime.combine(first_day, time.min, tz)
    window_end = datetime.combine(last_day + timedelta(days=1), time.min, tz)
    events = list(calendar.walk("VEVENT"))
    by_uid: dict[str, Component] = {}
    refused: set[str] = set()
    for event in events:
        uid = str(event.get("UID", ""))
        if event.get("RECURRENCE-ID") is None or uid not in by_uid:
            by_uid[uid] = event
        try:
            problem = rule_problem(event)
        except Exception:  # a repeat rule icalendar could not parse at all
            problem = "its repeat rule cannot be read"
        if problem and uid not in refused:
            refused.add(uid)
            result.warnings.append(f"calendar {where}: skipped {describe(event)}: {problem}")
    names = {uid: describe(event) for uid, event in by_uid.items()}
    for event in by_uid.values():
        if event.get("RECURRENCE-ID") is None and str(event.get("UID", "")) not in refused:
            with suppress(Exception):  # a series it cannot judge is expanded as it is
                fast_forward(event, first_day)
    query = recurring_ical_events.of(calendar, skip_bad_series=True, calendar_query=_TolerantQuery)
    found = {str(series.uid) for series in query.series}
    for uid in by_uid:
        if uid not in found and uid not in refused:
            result.warnings.append(f"calendar {where}: skipped {names[uid]}: it cannot be read")
    started = clock.monotonic()
    series_list = [s for s in query.series if str(s.uid) not in refused]
    for number, series in enumerate(series_list):
        if clock.monotonic() - started > EXPANSION_BUDGET_S:
            left = len(series_list) - number
            result.warnings.append(
                f"calendar {where}: reading took over {EXPANSION_BUDGET_S:g} s; "
                f"{left} events or series were skipped"
            )
            break
        name = names.get(str(series.uid)) or describe(Component())
        try:
            occurrences = list(
                islice(series.between(window_start, window_end), MAX_OCCURRENCES_PER_SERIES + 1)
            )
            components = [o.as_component(False) for o in occurrences]
            entries = [e for c in components for e in _entries(c, tz)]
        except Exception:  # any fault of one series costs that series only
            result.warnings.append(
                f"calendar {where}: skipped {name}: its dates or repeat rule cannot be read"
            )
            continue
        if len(occurrences) > MAX_OCCURRENCES_PER_SERIES:
            result.warnings.append(
                f"calendar {where}: {name} has over {MAX_OCCURRENCES_PER_SERIES} occurrences "
                "in the planning window; only the first were read"
            )
            entries = [e for c in components[:MAX_OCCURRENCES_PER_SERIES] for e in _entries(c, tz)]
        too_long = [e for e in entries if _span(e) > MAX_EVENT_DAYS]
        if too_long:
            result.warnings.append(
                f"calendar {where}: {name} lasts over {MAX_EVENT_DAYS} days: not read as runs"
            )
        result.entries.extend(
            e
            for e in entries
            if first_day <= e.day <= last_day
            and not e.cancelled
            and not e.uid.endswith(OWN_UID_SUFFIX)
            and _span(e) <= MAX_EVENT_DAYS
        )
    result.entries.sort(key=lambda e: (e.day, e.title, e.uid))
    return result


def _span(entry: CalendarEntry) -> int:
    """Days from this entry's day to its event's last day, both included."""
    return ((entry.last_day or entry.day) - entry.day).days + 1


def _aware(moment: datetime, tz: ZoneInfo) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(tz)


def _entries(component: Component, tz: ZoneInfo) -> list[CalendarEntry]:
    """The days one occurrence covers, each as an entry (see the module's docstring)."""
    start_prop = component.get("DTSTART")
    if start_prop is None:
        return []
    start = start_prop.dt
    end_prop = component.get("DTEND")
    end = end_prop.dt if end_prop is not None else None
    duration_prop = component.get("DURATION")
    uid = str(component.get("UID", ""))
    title = str(component.get("SUMMARY", "") or "").strip()
    cancelled = str(component.get("STATUS", "")).upper() == "CANCELLED"
    if not isinstance(start, datetime):
        if isinstance(end, datetime):
            end = end.date()
        if end is None and duration_prop is not None:
            end = start + timedelta(days=duration_prop.dt.days)
        last = end - timedelta(days=1) if isinstance(end, date) and end > start else start
        return _days(uid, title, start, last, None, None, True, cancelled)
    start_dt = _aware(start, tz)
    if isinstance(end, datetime):
        end_dt: datetime | None = _aware(end, tz)
    elif isinstance(end, date):
        end_dt = datetime.combine(end, time.min, tz)
    elif duration_prop is not None:
        end_dt = start_dt + duration_prop.dt
    else:
        end_dt = None
    # Subtract in UTC: two times of one zone subtract as wall-clock times in Python, which is
    # an hour off across a change to or from summer time.
    duration_s = (
        max(0.0, (end_dt.astimezone(UTC) - start_dt.astimezone(UTC)).total_seconds())
        if end_dt
        else None
    )
    first = start_dt.date()
    last = (end_dt - timedelta(microseconds=1)).date() if end_dt and end_dt > start_dt else first
    return _days(uid, title, first, last, start_dt, duration_s, False, cancelled)


def _days(
    uid: str,
    title: str,
    first: date,
    last: date,
    start: datetime | None,
    duration_s: float | None,
    all_day: bool,
    cancelled: bool,
) -> list[CalendarEntry]:
    count = (last - first).days + 1
    several = count > 1
    days: Iterable[date] = (first + timedelta(days=n) for n in range(count))
    if count > MAX_EVENT_DAYS:  # only its first day, marked by its span, to warn about
        days = [first]
    return [
        CalendarEntry(
            uid=uid,
            title=title,
            day=day,
            start=start if day == first else None,
            duration_s=duration_s,
            all_day=all_day,
            cancelled=cancelled,
            last_day=last if several else None,
        )
        for day in days
    ]
