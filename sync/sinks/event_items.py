"""Sessions as calendar-event items (role ``events``): how the executor renders them and how
it tells an event hamsync wrote from one it did not.

An item's text is an iCalendar document holding one VEVENT (:mod:`.vevent`), with the
install id in :data:`~sync.sinks.vevent.INSTALL_PROPERTY`. Servers may re-serialise what they
store (property order, line folding, quoting), so two events are compared property by
property after parsing, never byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass

from icalendar import Calendar, Component

from planner.models import Session
from sync.sinks.contract import Item
from sync.sinks.vevent import (
    INSTALL_PROPERTY,
    EventTiming,
    build_event,
    calendar,
    content_hash,
    uid_for,
)

COMPARED = (
    "UID", "SEQUENCE", "SUMMARY", "DESCRIPTION", "DTSTART", "DTEND", "TRANSP", "X-HAMSYNC-KIND",
)  # fmt: skip
"""Everything hamsync puts in an event that a runner could change."""


def _event(text: str) -> Component | None:
    try:
        parsed = Calendar.from_ical(text)
    except ValueError:
        return None
    events = list(parsed.walk("VEVENT"))
    return events[0] if len(events) == 1 else None


def fields(text: str) -> dict[str, object] | None:
    """The compared properties of the one VEVENT in ``text``; None if it holds no single one."""
    event = _event(text)
    if event is None:
        return None
    return {name: event[name].to_ical() for name in COMPARED if name in event}


def owner_of(text: str) -> str:
    """The install id written in the event ("" when it carries none)."""
    event = _event(text)
    if event is None:
        return ""
    value = event.get(INSTALL_PROPERTY)
    return str(value) if value is not None else ""


@dataclass(frozen=True, slots=True)
class EventRenderer:
    """Renders sessions as events for one install and one set of time settings."""

    timing: EventTiming
    install: str

    def uid(self, session_id: str) -> str:
        return uid_for(session_id, self.install)

    def digest(self, session: Session) -> str:
        """What the diff compares: the event's content without SEQUENCE, UID or install id."""
        return content_hash(session, self.timing)

    def render(self, session: Session, sequence: int, uid: str) -> Item:
        event = build_event(session, sequence, self.timing, uid=uid, install=self.install)
        return Item(uid, calendar([event], "hamsync").to_ical().decode("utf-8"))

    def same(self, a: Item, b: Item) -> bool:
        """Both say exactly the same (UID and SEQUENCE included)."""
        theirs = fields(a.text)
        return theirs is not None and theirs == fields(b.text)

    def owner(self, item: Item) -> str:
        return owner_of(item.text)
