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

A platform provides :meth:`read` and :meth:`write`, which activities it holds
(:meth:`activity_id`), which runs it notes (:meth:`wants_note`) and what stops writing now
(:meth:`limit_reached`). The executor (:mod:`sync.engine.notes`) decides what to write.
"""

from __future__ import annotations

import hashlib

from planner.models import Run, RunFlags
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

    # -- what a platform provides -------------------------------------------------------
    def activity_id(self, run: Run) -> str | None:
        """The platform's id of this run, if the platform holds it."""
        raise NotImplementedError

    def wants_note(self, flags: RunFlags) -> bool:
        """Whether a run with these flags gets a note here (beyond ``note_for_run``)."""
        return True

    def limit_reached(self) -> str | None:
        """Before each write: what stops writing now (a rate limit), or None to go on."""
        return None

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
        description = self.read(item.uid)
        if existing_block(description) is not None:
            raise AlreadyExists(item.uid)
        return item.uid, self._put(item.uid, upsert_block(description, item.text))

    def update(self, href: str, item: Item, etag: str) -> str:
        description = self._checked(href, etag)
        return self._put(href, upsert_block(description, item.text))

    def delete(self, href: str, etag: str) -> None:
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
