"""Activity notes as storage (role ``notes``): hamsync's note block in the description of one
past activity (Strava, Garmin Connect).

The terms of :mod:`.contract`, for notes: the **item** is the note block of one activity
(``Item(<activity id>, <block text>)``: the text between the markers of :mod:`.note_block`),
its **href** the activity id, its **etag** a hash of the whole description as fetched (the
platforms keep no version tag). Every write reads the description first, checks the etag
against it, and changes only the block: the runner's own text around it is kept as it is.

- ``get``: :class:`~sync.sinks.contract.NotFound` when the activity is gone or holds no block;
- ``create``: :class:`~sync.sinks.contract.AlreadyExists` when the description holds a block;
- ``update``/``delete``: :class:`~sync.sinks.contract.PreconditionFailed` when the description
  changed since the etag, NotFound when the block (or the activity) is gone;
- ``list``: the notes in the platform's most recent activities (:meth:`recent_ids`).

A platform provides :meth:`read` and :meth:`write`, its most recent activities
(:meth:`recent_ids`, for ``list``), ``source`` (the source whose run ids name its activities,
``strava`` for ``strava:123``) and what stops writing now (:meth:`before_write`, raising
:class:`~sync.sinks.base.Deferred`). Which runs get which note is the notes role's
(:mod:`sync.engine.notes`, :mod:`.note_items`); the write-back executor
(:mod:`sync.engine.writeback`) writes, records and purges them like any other item.
"""

from __future__ import annotations

import hashlib

from sync.sinks.contract import AlreadyExists, Item, NotFound, PreconditionFailed, Role
from sync.sinks.note_block import existing_block, remove_block, upsert_block


def etag_of(description: str) -> str:
    """A hash of the description as fetched: changes with any edit of it."""
    return '"' + hashlib.sha256(description.encode("utf-8")).hexdigest()[:32] + '"'


class ActivityNotesSink:
    """Note blocks in activity descriptions, as storage; a platform fills in the I/O."""

    name: str
    role: Role = "notes"
    location: str = ""
    source: str = ""
    """The source whose run ids name this platform's activities (``strava``)."""

    # -- what a platform provides -------------------------------------------------------
    def before_write(self) -> None:
        """Called before each create, update and delete (a read and a write): raise
        :class:`~sync.sinks.base.Deferred` to stop writing now (a rate limit is near)."""

    def recent_ids(self) -> list[str]:
        """The ids of the runner's most recent activities (for ``list`` only)."""
        return []

    def read(self, activity_id: str) -> str:
        """The activity's description ("" when empty); NotFound when the activity is gone;
        :class:`~sync.sinks.base.SinkError` on failure."""
        raise NotImplementedError

    def write(self, activity_id: str, description: str) -> None:
        """Replace the activity's description (NotFound, SinkError)."""
        raise NotImplementedError

    # -- the contract -------------------------------------------------------------------
    def list(self) -> list[tuple[str, str]]:
        found = []
        for activity_id in self.recent_ids():
            try:
                found.append((activity_id, self.get(activity_id)[1]))
            except NotFound:
                continue  # no note of ours, or gone since listed
        return found

    def get(self, href: str) -> tuple[Item, str]:
        description = self.read(href)
        block = existing_block(description)
        if block is None:
            raise NotFound(href, f"activity {href} holds no note of hamsync's")
        return Item(href, block), etag_of(description)

    def create(self, item: Item) -> tuple[str, str]:
        self.before_write()
        description = self.read(item.uid)
        if existing_block(description) is not None:
            raise AlreadyExists(item.uid)
        return item.uid, self._put(item.uid, upsert_block(description, item.text))

    def update(self, href: str, item: Item, etag: str) -> str:
        self.before_write()
        description = self._checked(href, etag)
        return self._put(href, upsert_block(description, item.text))

    def delete(self, href: str, etag: str) -> None:
        self.before_write()
        description = self._checked(href, etag)
        self._put(href, remove_block(description))

    def _checked(self, href: str, etag: str) -> str:
        description = self.read(href)
        if existing_block(description) is None:
            raise NotFound(href, f"activity {href} holds no note of hamsync's")
        if etag_of(description) != etag:
            raise PreconditionFailed(href)
        return description

    def _put(self, href: str, description: str) -> str:
        self.write(href, description)
        return etag_of(description)
