"""How the executor turns what it plans to write into a sink's items: one renderer per role.

What is planned is a :class:`Planned` thing: a session (roles ``events`` and ``workouts``)
or a note on one run (role ``notes``, :class:`sync.sinks.note_items.Note`). A :class:`Writer`
pairs a sink (storage, :mod:`.contract`) with the renderer of its role; the wiring builds one
per configured sink and the executor (:mod:`sync.engine.writeback`) runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sync.sinks.contract import Item, Storage


class Planned(Protocol):
    """One thing hamsync writes: its key in the records (a session id, a run id) and its day."""

    @property
    def id(self) -> str: ...

    @property
    def day(self) -> date: ...


class Renderer[P: Planned](Protocol):
    """Renders planned things as items of one role, for one install (see :mod:`.event_items`)."""

    @property
    def install(self) -> str:
        """This install's id (:mod:`sync.store.install_id`): written into every item."""
        ...

    def uid(self, key: str) -> str:
        """The uid of a new item for the thing keyed ``key``: it carries the install id."""
        ...

    def digest(self, thing: P) -> str:
        """A hash of what the item says, without SEQUENCE, uid or install id: the diff's key."""
        ...

    def render(self, thing: P, sequence: int, uid: str) -> Item:
        """The item for ``thing`` in its ``sequence``-th version, with ``uid``."""
        ...

    def same(self, a: Item, b: Item) -> bool:
        """Whether two items say the same, however the platform re-serialised them."""
        ...

    def owner(self, item: Item) -> str:
        """The install id written in ``item`` ("" when it carries none)."""
        ...


@dataclass(frozen=True, slots=True)
class Writer[P: Planned]:
    """One configured sink and the renderer of its role."""

    sink: Storage
    renderer: Renderer[P]

    @property
    def name(self) -> str:
        return self.sink.name
