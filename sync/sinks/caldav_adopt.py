"""Recognising our own CalDAV write whose answer was lost (a crash between PUT and record).

An update that reached the server but was never recorded leaves the event with a new ETag
that the state does not know, which looks exactly like an edit by the runner. Before calling
it a conflict, the sink reads the event once and compares it with what this sync would write
(same session, next SEQUENCE): if they say the same thing, it is our write and is adopted.
Servers may re-serialise what they store (order, folding), so the events are compared
property by property after parsing, not byte for byte.
"""

from __future__ import annotations

from icalendar import Calendar

COMPARED = (
    "UID", "SEQUENCE", "SUMMARY", "DESCRIPTION", "DTSTART", "DTEND", "TRANSP", "X-HAMSYNC-KIND",
)  # fmt: skip
"""Everything hamsync puts in an event that a runner could change."""


def _fields(ics: bytes | str) -> dict[str, object] | None:
    try:
        calendar = Calendar.from_ical(ics)
    except ValueError:
        return None
    events = list(calendar.walk("VEVENT"))
    if len(events) != 1:
        return None
    event = events[0]
    return {name: event[name].to_ical() for name in COMPARED if name in event}


def same_event(remote: bytes | str, ours: bytes) -> bool:
    """True when the server's event says exactly what ``ours`` says."""
    theirs = _fields(remote)
    return theirs is not None and theirs == _fields(ours)
