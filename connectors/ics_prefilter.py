"""Leaving out, before parsing, what the look-ahead window cannot need.

Parsing is what makes a big calendar slow: a 10 MB export of years of meetings and daily
series took 35 s, nearly all of it in icalendar's parser on events years away and on
properties hamsync never reads (descriptions, attendees, alarms). Before the parser sees the
text, this drops:

- one-off events (no RRULE, RDATE or RECURRENCE-ID) that end well before the window or start
  well after it, judged from the raw DTSTART/DTEND/DURATION values with a margin of
  :data:`MARGIN_DAYS` (time zones, an event over several days);
- modified occurrences (RECURRENCE-ID) whose original and new dates are both far from the
  window (an occurrence moved from 2014 to 2014 cannot change 2026); ``RANGE=THISANDFUTURE``
  ones are always kept;
- inside events, every property the reader does not use, and excluded dates (EXDATE) far
  from the window.

Anything it cannot judge (a date it cannot read, a line it does not know) is kept and left to
the parser, so a broken event is still named by the reader, never dropped here in silence.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

MARGIN_DAYS = 20
"""Slack around the window: 14 hours of time zones, events up to 16 days (hamsync default)."""
KEPT = frozenset(
    {
        "UID",
        "SUMMARY",
        "DTSTART",
        "DTEND",
        "DURATION",
        "RRULE",
        "RDATE",
        "EXDATE",
        "EXRULE",
        "RECURRENCE-ID",
        "STATUS",
        "SEQUENCE",
        "DTSTAMP",
    }
)
"""The event properties the reader and the expansion library use."""

_FOLD = re.compile(r"\r?\n[ \t]")
_BLOCK = re.compile(r"^BEGIN:VEVENT\r?\n(.*?)^END:VEVENT\r?\n?", re.M | re.S | re.I)
_NAME = re.compile(r"[A-Za-z0-9-]+")
_DAY = re.compile(r"(\d{4})(\d{2})(\d{2})")


def slim(text: str, first_day: date, last_day: date) -> str:
    """``text`` without the events and properties the window cannot need (see the module)."""
    unfolded = _FOLD.sub("", text)
    low = first_day - timedelta(days=MARGIN_DAYS)
    high = last_day + timedelta(days=MARGIN_DAYS)

    def keep(match: re.Match[str]) -> str:
        lines = match.group(1).splitlines()
        props: dict[str, str] = {}
        kept: list[str] = []
        for line in lines:
            found = _NAME.match(line)
            name = found.group(0).upper() if found else ""
            if name == "EXDATE":
                line = _near_exdates(line, low, high)
                if line:
                    kept.append(line)
            elif name in KEPT or not found or name in ("BEGIN", "END"):
                kept.append(line)
                props.setdefault(name, line)
            elif name not in KEPT and line[found.end() : found.end() + 1] not in (":", ";"):
                kept.append(line)  # not a property line: the parser judges it
        if _far(props, low, high):
            return ""
        return "BEGIN:VEVENT\r\n" + "".join(f"{line}\r\n" for line in kept) + "END:VEVENT\r\n"

    return _BLOCK.sub(keep, unfolded)


def _far(props: dict[str, str], low: date, high: date) -> bool:
    """True when the event cannot touch ``low``..``high`` (only when that is certain)."""
    if "RRULE" in props or "RDATE" in props or "EXRULE" in props:
        return False
    recurrence = props.get("RECURRENCE-ID")
    if recurrence is not None and "RANGE=" in recurrence.upper():
        return False
    days = [_day(props.get(name)) for name in ("DTSTART", "DTEND", "RECURRENCE-ID")]
    start, end, original = days
    if start is None or ("DTEND" in props and end is None):
        return False
    if recurrence is not None and original is None:
        return False
    last = end or start
    if "DURATION" in props:
        last = start + timedelta(days=MARGIN_DAYS)
    spans = [(start, max(start, last))]
    if original is not None:
        spans.append((original, original))
    return all(stop < low or begin > high for begin, stop in spans)


def _near_exdates(line: str, low: date, high: date) -> str:
    """An EXDATE line keeping only the dates near the window ("" when none is); a value it
    cannot read keeps the whole line for the parser."""
    head, _, values = line.rpartition(":")
    near = []
    for value in values.split(","):
        day = _day(":" + value)
        if day is None:
            return line
        if low <= day <= high:
            near.append(value)
    return f"{head}:{','.join(near)}" if near else ""


def _day(line: str | None) -> date | None:
    """The date at the start of a property's value (``...:20260307T080000``), if any."""
    if line is None:
        return None
    found = _DAY.match(line.rsplit(":", 1)[-1])
    if found is None:
        return None
    try:
        return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None
