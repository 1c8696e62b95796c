"""The storage contract of a sink: where the plan is written, one item at a time.

A sink is *storage*, in the style of vdirsyncer's ``Storage``. It never sees the state
database, the diff or the safety valves: the write-back executor
(:mod:`sync.engine.writeback`) decides what to write and records what was written; the sink
only stores, reads and removes items, under etag preconditions.

Terms, defined here once for every sink:

item
    What hamsync writes for one thing it plans: a calendar event for a session, a workout
    for a session, a note block for a run (:class:`Item`). ``item.uid`` is its identity; it
    carries the install id (:mod:`sync.store.install_id`), so two installs writing to one
    calendar never share an item. ``item.text`` is its content in the platform's format.
href
    Where the sink keeps an item: chosen by the sink when the item is created (a resource
    URL, a workout id, an activity id), opaque to everyone else, stable until the item is
    deleted. The executor records it and hands it back for update and delete.
etag
    A version tag of the item as stored, opaque, compared only for equality: every write
    (hamsync's or anyone's) changes it, and the same version always gives the same string
    (a sink normalises what its platform spells differently, e.g. weak ``W/"x"`` and
    quoted ``"x"``). Where a platform has no etag (Garmin workouts, activity notes), the
    sink uses a hash of the content it fetched, and checks it before each write.

The operations, and nothing else:

- ``list()`` -> ``(href, etag)`` of every item the sink holds that could be hamsync's;
- ``get(href)`` -> ``(item, etag)``, :class:`NotFound` when there is none;
- ``create(item)`` -> ``(href, etag)``; :class:`AlreadyExists` (carrying the href) when an
  item with that uid is already there: nothing is written then;
- ``update(href, item, etag)`` -> the new etag; :class:`PreconditionFailed` when the stored
  item's etag is not ``etag`` (someone changed it), :class:`NotFound` when it is gone;
- ``delete(href, etag)``: the same two errors.

Each sink also carries three attributes: ``name`` (its part in the config and the reports,
e.g. ``caldav``), ``role`` (:data:`ROLES`: what its items are) and ``location`` (where its
items go now, e.g. the calendar's URL: when the config points the sink elsewhere, the
executor says what was left at the old place). Optional: ``lists_all`` (True when ``list()``
gives every item at its place, the runner's too, as a calendar collection or a file does:
then an empty listing while the records say hamsync's items are there tells the executor
the place was made anew, and the plan is written to it again); a notes sink's ``source``
(:mod:`.activity_notes`). Any other failure (unreachable, refused
login) is a :class:`~sync.sinks.base.SinkError` for the whole sink.

A new sink is registered under the entry-point group ``hamsync.sinks`` (see
:mod:`sync.sinks.registry` and ``docs/plugins.md``); :class:`sync.sinks.memory.MemorySink`
is the smallest complete implementation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

Role = Literal["events", "workouts", "notes"]
ROLES: tuple[Role, ...] = ("events", "workouts", "notes")
"""What a sink's items are: calendar events (iCalendar), workouts, or activity note blocks."""


class ItemError(Exception):
    """One item could not be written as asked; the sink and the other items are fine."""

    def __init__(self, href: str, message: str = "") -> None:
        super().__init__(message or href)
        self.href = href


class PreconditionFailed(ItemError):
    """The stored item's etag is not the one given: it changed since it was read."""


class NotFound(ItemError):
    """No item at this href (deleted, or never there)."""


class AlreadyExists(ItemError):
    """An item with this uid is already stored, at ``href``; nothing was written."""


@dataclass(frozen=True, slots=True)
class Item:
    """One item as a sink stores it.

    ``uid``: the item's identity, unique to the install (``<session id>.<install id>@hamsync``
    for new items). ``text``: the content in the platform's format: an iCalendar document
    with one VEVENT (role ``events``), a workout as JSON (``workouts``), the note block's
    text (``notes``).
    """

    uid: str
    text: str


@runtime_checkable
class Storage(Protocol):
    """A sink as storage: see the module docstring for the terms and the errors."""

    @property
    def name(self) -> str:
        """The sink's part in the config and the reports (``caldav``)."""
        ...

    @property
    def role(self) -> Role:
        """What its items are (:data:`ROLES`)."""
        ...

    @property
    def location(self) -> str:
        """Where its items go now (a calendar's URL, a file's name)."""
        ...

    def list(self) -> Iterable[tuple[str, str]]:
        """``(href, etag)`` of every item held."""
        ...

    def get(self, href: str) -> tuple[Item, str]:
        """The item at ``href`` and its etag; :class:`NotFound`."""
        ...

    def create(self, item: Item) -> tuple[str, str]:
        """Store a new item; its ``(href, etag)``; :class:`AlreadyExists`."""
        ...

    def update(self, href: str, item: Item, etag: str) -> str:
        """Replace the item at ``href`` if its etag is ``etag``; the new etag.

        :class:`PreconditionFailed`, :class:`NotFound`.
        """
        ...

    def delete(self, href: str, etag: str) -> None:
        """Remove the item at ``href`` if its etag is ``etag``.

        :class:`PreconditionFailed`, :class:`NotFound`.
        """
        ...


EventSink = Storage
"""A sink of role ``events``: each item an iCalendar document holding one VEVENT."""
WorkoutSink = Storage
"""A sink of role ``workouts``: each item a workout as JSON, scheduled on its day."""
NoteSink = Storage
"""A sink of role ``notes``: each item hamsync's note block inside one activity's text."""
