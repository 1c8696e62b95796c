"""One session's iCalendar VEVENT as a Google Calendar event resource, and back.

The storage speaks iCalendar like every calendar storage (its items are VEVENTs); Google
speaks JSON (https://developers.google.com/calendar/api/v3/reference/events). What the JSON
has no field for travels in private extended properties, which only this OAuth client's
project can read: the install that wrote the event (``hamsyncInstall``: an event is hamsync's
only when it names this install; read back as ``X-HAMSYNC-INSTALL``), the item's uid, the
VEVENT's SEQUENCE and session kind. An event read
back becomes the same VEVENT property by property, so a lost answer can be recognised.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from icalendar import Calendar, Event
from icalendar.cal import Component

INSTALL_KEY = "hamsyncInstall"
UID_KEY = "hamsyncUid"
SEQUENCE_KEY = "hamsyncSequence"
KIND_KEY = "hamsyncKind"
INSTALL_PROPERTY = "X-HAMSYNC-INSTALL"
"""The VEVENT property that names the install, as hamsync's events carry it."""


def first_event(ics: str | bytes) -> Component:
    """The one VEVENT of an item; ValueError when there is none."""
    for component in Calendar.from_ical(ics).walk("VEVENT"):
        return component
    raise ValueError("the item holds no VEVENT")


def _when(value: object) -> dict[str, str]:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return {"dateTime": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    raise ValueError(f"not a date or a date-time: {value!r}")


def to_resource(ics: str | bytes, uid: str, install_id: str) -> dict[str, Any]:
    """The event resource to insert or patch for the VEVENT in ``ics``, item ``uid``."""
    event = first_event(ics)
    private = {
        INSTALL_KEY: install_id,
        UID_KEY: uid,
        SEQUENCE_KEY: str(int(event.get("SEQUENCE", 0))),
    }
    if "X-HAMSYNC-KIND" in event:
        private[KIND_KEY] = str(event["X-HAMSYNC-KIND"])
    transparent = str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT"
    return {
        "summary": str(event.get("SUMMARY", "")),
        "description": str(event.get("DESCRIPTION", "")),
        "start": _when(getattr(event["DTSTART"], "dt", None)),
        "end": _when(getattr(event["DTEND"], "dt", None)),
        "transparency": "transparent" if transparent else "opaque",
        "status": "confirmed",
        "extendedProperties": {"private": private},
    }


def private_of(resource: dict[str, Any]) -> dict[str, str]:
    """The event's private extended properties (empty when it has none)."""
    props = resource.get("extendedProperties") or {}
    private = props.get("private") or {}
    return {str(k): str(v) for k, v in private.items()}


def owned_by(resource: dict[str, Any], install_id: str) -> bool:
    """True when hamsync's install ``install_id`` wrote the event."""
    return private_of(resource).get(INSTALL_KEY) == install_id


def _parse(when: dict[str, Any]) -> date | datetime:
    if "dateTime" in when:
        moment = datetime.fromisoformat(str(when["dateTime"]).replace("Z", "+00:00"))
        return moment.astimezone(UTC)
    return date.fromisoformat(str(when["date"]))


def to_ics(resource: dict[str, Any]) -> bytes:
    """The event resource as the VEVENT hamsync would have written (for comparisons)."""
    private = private_of(resource)
    event = Event()
    event.add("uid", private.get(UID_KEY) or f"{resource.get('id', '')}@google")
    event.add("sequence", int(private.get(SEQUENCE_KEY, "0") or 0))
    event.add("summary", str(resource.get("summary", "")))
    event.add("description", str(resource.get("description", "")))
    event.add("dtstart", _parse(resource["start"]))
    event.add("dtend", _parse(resource["end"]))
    transparent = resource.get("transparency") == "transparent"
    event.add("transp", "TRANSPARENT" if transparent else "OPAQUE")
    if KIND_KEY in private:
        event.add("x-hamsync-kind", private[KIND_KEY])
    if INSTALL_KEY in private:
        event.add(INSTALL_PROPERTY, private[INSTALL_KEY])
    calendar = Calendar()
    calendar.add("prodid", "-//hamsync//google calendar//EN")
    calendar.add("version", "2.0")
    calendar.add_component(event)
    return bytes(calendar.to_ical())
