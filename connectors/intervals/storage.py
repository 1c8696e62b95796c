"""The intervals.icu calendar as item storage, in the style of vdirsyncer's ``Storage``.

Terms, defined once:

- an *item* is one hamstring session's calendar event (:class:`EventItem`): category
  ``WORKOUT``, type ``WeightTraining``, a name, the exercises, doses and cues in its
  description, its duration, on its day;
- its *href* is the event's intervals.icu id (``"4711"``);
- its *etag* is a content hash of what the event says as the server returned it
  (:func:`etag_of`): intervals.icu gives events no version tag, and its ``updated`` stamp
  moves when the server itself touches the event (pairing it with an activity), which is
  not the runner's edit.

The storage holds only hamsync's events: an event is one of its items when its
``external_id`` starts with ``hamsync-`` *and* its description still carries the marker
line naming that same id (:data:`MARKER`). :meth:`IntervalsCalendar.list` shows nothing
else, and :meth:`~IntervalsCalendar.get`, ``update`` and ``delete`` answer
:class:`NotFound` for anything else, so the runner's own events cannot be changed through it.

intervals.icu has no conditional requests. Preconditions are checked against the event as
last read: from this storage's own listing when the href was listed (one listing per sync,
so a sync with nothing new costs one request), else from a fresh ``GET`` just before the
write. The gap between that read and the write is the window a concurrent edit can slip
through; CalDAV's ``If-Match`` closes it on the server, here it stays a few milliseconds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import client as api
from .client import IntervalsClient
from .mapping import OWN_EXTERNAL_PREFIX, local_day

MARKER = "hamsync id: "
"""Ends the description of every event hamsync writes, followed by the item's uid."""
ETAG_FIELDS = ("category", "type", "name", "description", "moving_time", "external_id")


class StorageError(Exception):
    """One item could not be written as asked (``href`` names it); the others are fine."""

    def __init__(self, href: str, message: str = "") -> None:
        super().__init__(message or href)
        self.href = href


class PreconditionFailed(StorageError):
    """The item changed since the etag the caller holds was read (the runner edited it)."""


class AlreadyExists(StorageError):
    """An item with this uid exists already, at ``href`` (a write whose answer was lost)."""


class NotFound(StorageError):
    """No item at this href: deleted, or not (any longer) one of hamsync's events."""


@dataclass(frozen=True, slots=True)
class EventItem:
    """One session's event, as hamsync writes it."""

    uid: str
    """Stable across moves and edits (the session id, ``2026-W23-1``)."""
    day: date
    name: str
    description: str
    """The exercises, doses and cues; the marker line is added on writing."""
    minutes: int
    """Planned duration (``moving_time`` in seconds on the wire)."""

    @property
    def external_id(self) -> str:
        return f"{OWN_EXTERNAL_PREFIX}{self.uid}"

    def payload(self) -> dict[str, Any]:
        """The JSON body of a create or update (see the module docstring for the fields)."""
        return {
            "category": "WORKOUT",
            "type": "WeightTraining",
            "start_date_local": f"{self.day.isoformat()}T00:00:00",
            "name": self.name,
            "description": f"{self.description.rstrip()}\n\n{MARKER}{self.uid}",
            "moving_time": self.minutes * 60,
            "external_id": self.external_id,
        }


def etag_of(event: Mapping[str, Any]) -> str:
    """A digest of what the event says: its fields of :data:`ETAG_FIELDS` and its day."""
    fields = [event.get(k) for k in ETAG_FIELDS] + [str(local_day(event))]
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def uid_of(event: Mapping[str, Any]) -> str | None:
    """The item uid when the event is hamsync's (external id and marker agree), else None."""
    external = str(event.get("external_id") or "")
    if not external.startswith(OWN_EXTERNAL_PREFIX):
        return None
    uid = external.removeprefix(OWN_EXTERNAL_PREFIX)
    description = str(event.get("description") or "").rstrip()
    return uid if description.endswith(f"{MARKER}{uid}") else None


def item_of(event: Mapping[str, Any]) -> EventItem:
    """The item an event of ours holds (its description without the marker line)."""
    uid = uid_of(event)
    day = local_day(event)
    if uid is None or day is None:
        href = str(event.get("id"))
        raise NotFound(href, f"event {href}: not one of hamsync's events")
    description = str(event.get("description") or "").rstrip()
    description = description.removesuffix(f"{MARKER}{uid}").rstrip()
    moving = event.get("moving_time")
    minutes = int(moving) // 60 if isinstance(moving, int | float) else 0
    return EventItem(uid, day, str(event.get("name") or ""), description, minutes)


class IntervalsCalendar:
    """hamsync's events on one athlete's intervals.icu calendar, between two days.

    ``list`` -> ``(href, etag)`` pairs; ``get``; ``create`` -> ``(href, etag)``;
    ``update``/``delete`` with the etag the caller last saw. Errors: :class:`NotFound`,
    :class:`PreconditionFailed`, :class:`AlreadyExists`; the server's failures stay
    :class:`~connectors.base.SourceError` (with the wait a 429 asked for).
    """

    role = "workouts"
    """What its items are, as the write-back contract names roles: a workout scheduled on
    its day (not an iCalendar event: the item is an :class:`EventItem`)."""

    def __init__(
        self, client: IntervalsClient, first_day: date, last_day: date, name: str = "intervals"
    ) -> None:
        self.client = client
        self.name = name
        self.location = f"{client.base_url}/athlete/{client.account.athlete_id}/calendar"
        """Where the items go (the athlete's calendar), for reports."""
        self.first_day = first_day
        self.last_day = last_day
        self._known: dict[str, dict[str, Any]] = {}
        """Events of ours as last read or written, by href."""

    def list(self) -> list[tuple[str, str]]:
        """``(href, etag)`` of every event of ours between the two days (one request)."""
        events = self.client.events(self.first_day.isoformat(), self.last_day.isoformat())
        self._known = {str(e.get("id")): e for e in events if uid_of(e) is not None}
        return sorted((href, etag_of(e)) for href, e in self._known.items())

    def knows(self, href: str) -> bool:
        """Whether the event at ``href`` was listed or written through this storage."""
        return href in self._known

    def get(self, href: str) -> tuple[EventItem, str]:
        event = self._current(href)
        return item_of(event), etag_of(event)

    def create(self, item: EventItem) -> tuple[str, str]:
        """Write a new event; :class:`AlreadyExists` when the listing holds its uid."""
        for href, event in self._known.items():
            if uid_of(event) == item.uid:
                raise AlreadyExists(href, f"{item.uid}: already on the calendar as event {href}")
        stored = self.client.create_event(item.payload())
        return self._remember(stored, item)

    def update(self, href: str, item: EventItem, etag: str) -> str:
        """Overwrite the event at ``href`` if it still has ``etag``; its new etag."""
        self._precondition(href, etag)
        try:
            stored = self.client.update_event(href, item.payload())
        except api.NotFound:
            self._known.pop(href, None)
            raise NotFound(href, f"event {href}: deleted on intervals.icu") from None
        return self._remember(stored, item)[1]

    def delete(self, href: str, etag: str) -> None:
        """Delete the event at ``href`` if it still has ``etag``."""
        self._precondition(href, etag)
        try:
            self.client.delete_event(href)
        except api.NotFound:
            raise NotFound(href, f"event {href}: deleted on intervals.icu") from None
        finally:
            self._known.pop(href, None)

    # -- helpers -------------------------------------------------------------------------
    def _current(self, href: str) -> dict[str, Any]:
        """The event as last read: from the listing when it was listed, else fetched now."""
        if href in self._known:
            return self._known[href]
        try:
            event = self.client.event(href)
        except api.NotFound:
            raise NotFound(href, f"event {href}: not on intervals.icu") from None
        if uid_of(event) is None:
            raise NotFound(href, f"event {href}: not one of hamsync's events (its marker is gone)")
        self._known[href] = event
        return event

    def _precondition(self, href: str, etag: str) -> None:
        current = etag_of(self._current(href))
        if current != etag:
            raise PreconditionFailed(
                href, f"event {href}: changed on intervals.icu since hamsync read it"
            )

    def _remember(self, stored: dict[str, Any], item: EventItem) -> tuple[str, str]:
        """Cache the server's answer; it is the event as stored (its etag is the new one)."""
        event = stored if stored.get("id") is not None else {}
        if not event:
            raise StorageError(
                item.uid, f"{item.uid}: intervals.icu answered without the event's id"
            )
        href = str(event["id"])
        self._known[href] = event
        return href, etag_of(event)
