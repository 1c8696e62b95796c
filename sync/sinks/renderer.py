"""How the executor turns a planned session into a sink's item: one renderer per role.

A :class:`Writer` pairs a sink (storage, :mod:`.contract`) with the renderer of its role; the
wiring builds one per configured sink and the executor (:mod:`sync.engine.writeback`) runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from planner.models import Session
from sync.sinks.contract import Item, Storage


class Renderer(Protocol):
    """Renders sessions as items of one role, for one install (see :mod:`.event_items`)."""

    @property
    def install(self) -> str:
        """This install's id (:mod:`sync.store.install_id`): written into every item."""
        ...

    def uid(self, session_id: str) -> str:
        """The uid of a new item for ``session_id``: it carries the install id."""
        ...

    def digest(self, session: Session) -> str:
        """A hash of what the item says, without SEQUENCE, uid or install id: the diff's key."""
        ...

    def render(self, session: Session, sequence: int, uid: str) -> Item:
        """The item for ``session`` in its ``sequence``-th version, with ``uid``."""
        ...

    def same(self, a: Item, b: Item) -> bool:
        """Whether two items say the same, however the platform re-serialised them."""
        ...

    def owner(self, item: Item) -> str:
        """The install id written in ``item`` ("" when it carries none)."""
        ...


@dataclass(frozen=True, slots=True)
class Writer:
    """One configured sink and the renderer of its role."""

    sink: Storage
    renderer: Renderer

    @property
    def name(self) -> str:
        return self.sink.name
