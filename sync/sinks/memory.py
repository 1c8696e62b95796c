"""A sink that keeps its items in memory: a real implementation of the storage contract.

It enforces etags exactly as the contract says (:mod:`sync.sinks.contract`), so the engine's
tests run on it and find the same conflicts a server would give. Tests can also play the
runner: :meth:`MemorySink.edit` and :meth:`MemorySink.remove` change items behind
hamsync's back, as a calendar app would.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sync.sinks.contract import AlreadyExists, Item, NotFound, PreconditionFailed, Role


class MemorySink:
    """Items by href; the href is the uid, the etag a hash of the text and a write counter."""

    def __init__(self, name: str = "memory", role: Role = "events", location: str = "memory"):
        self.name = name
        self.role: Role = role
        self.location = location
        self.items: dict[str, tuple[Item, str]] = {}
        self._writes = 0

    def _etag(self, item: Item) -> str:
        self._writes += 1
        digest = hashlib.sha256(item.text.encode("utf-8")).hexdigest()[:16]
        return f'"{digest}-{self._writes}"'

    def list(self) -> Iterable[tuple[str, str]]:
        return [(href, etag) for href, (_item, etag) in sorted(self.items.items())]

    def get(self, href: str) -> tuple[Item, str]:
        if href not in self.items:
            raise NotFound(href)
        return self.items[href]

    def create(self, item: Item) -> tuple[str, str]:
        href = item.uid
        if href in self.items:
            raise AlreadyExists(href)
        etag = self._etag(item)
        self.items[href] = (item, etag)
        return href, etag

    def update(self, href: str, item: Item, etag: str) -> str:
        self._check(href, etag)
        new = self._etag(item)
        self.items[href] = (item, new)
        return new

    def delete(self, href: str, etag: str) -> None:
        self._check(href, etag)
        del self.items[href]

    def _check(self, href: str, etag: str) -> None:
        if href not in self.items:
            raise NotFound(href)
        if self.items[href][1] != etag:
            raise PreconditionFailed(href)

    # -- the runner's hand, for tests ----------------------------------------------------
    def edit(self, href: str, text: str) -> None:
        """Change an item's text as the runner would (a new etag)."""
        item, _ = self.items[href]
        changed = Item(item.uid, text)
        self.items[href] = (changed, self._etag(changed))

    def remove(self, href: str) -> None:
        """Delete an item as the runner would."""
        del self.items[href]
