"""One session as an iCalendar VEVENT, shared by the ICS file, the feed and CalDAV.

Everything in the event is a function of the session, the sequence number and the
runner's time settings: DTSTAMP is derived from the session's day, not from "now", so
re-rendering an unchanged session gives the same bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from connectors.ics_calendar import OWN_UID_SUFFIX
from planner.models import Session
from sync.sinks.event_text import description, summary

PRODID = "-//hamsync//hamstring sessions//EN"


@dataclass(frozen=True, slots=True)
class EventTiming:
    """When sessions sit in the day (a local start time and a length, or all-day), and the
    runner's equipment, which changes a cue (a towel on a smooth floor without a slider)."""

    tz: ZoneInfo
    start: time | None
    minutes: int
    slider: bool = True

    @classmethod
    def from_config(
        cls, tz: ZoneInfo, session_time: str, minutes: int, slider: bool = True
    ) -> EventTiming:
        start = None if session_time == "all-day" else time.fromisoformat(session_time)
        return cls(tz, start, minutes, slider)


INSTALL_PROPERTY = "X-HAMSYNC-INSTALL"
"""The property that carries the install id (:mod:`sync.store.install_id`) in every event."""


def uid_for(session_id: str, install: str = "") -> str:
    """``<session id>.<install id>@hamsync``; without an install id, the UID events had before
    install ids existed (``<session id>@hamsync``), which recorded events keep."""
    middle = f".{install}" if install else ""
    return f"{session_id}{middle}{OWN_UID_SUFFIX}"


def build_event(
    session: Session, sequence: int, timing: EventTiming, uid: str = "", install: str = ""
) -> Event:
    """The VEVENT of ``session``; ``uid`` defaults to :func:`uid_for` the session, and
    ``install`` (when given) is written as :data:`INSTALL_PROPERTY`."""
    event = Event()
    event.add("uid", uid or uid_for(session.id))
    event.add("dtstamp", datetime.combine(session.day, time.min, UTC))
    event.add("sequence", sequence)
    event.add("summary", summary(session))
    event.add("description", description(session, towel=not timing.slider))
    if timing.start is None:
        event.add("dtstart", session.day)
        event.add("dtend", session.day + timedelta(days=1))
    else:
        local = datetime.combine(session.day, timing.start, timing.tz)
        event.add("dtstart", local.astimezone(UTC))
        event.add("dtend", (local + timedelta(minutes=timing.minutes)).astimezone(UTC))
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["hamsync", "strength"])
    event.add("x-hamsync-kind", session.kind.value)
    if install:
        event.add(INSTALL_PROPERTY, install)
    return event


def content_hash(session: Session, timing: EventTiming) -> str:
    """A digest of what the event says, independent of its SEQUENCE, UID and install id (so
    events recorded before install ids keep their digest and are not rewritten for it)."""
    body = build_event(session, 0, timing).to_ical()
    return hashlib.sha256(body).hexdigest()


def calendar(events: list[Event], name: str) -> Calendar:
    """A VCALENDAR without METHOD and without a calendar-level UID (servers refuse those)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event)
    return cal
