"""Notes on runs as items (role ``notes``): what the executor writes to an activity note sink.

A :class:`Note` is hamsync's block for one recent run: keyed by the run's id in the records,
its item ``Item(<activity id>, <block text>)`` (:mod:`.activity_notes`). The
:class:`NoteRenderer` of a sink says which runs it holds (the run's source id with the sink's
prefix, e.g. ``strava:123`` -> activity ``123``) and which flags get a note there; the words
come from :func:`~sync.sinks.note_block.note_for_run`.

A block carries no install id: the markers of :mod:`.note_block` are hamsync's, so every
block found is taken as this install's (``owner``), and only what it says tells a note
hamsync wrote from one the runner edited (``same``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from planner.models import Run, RunFlags
from sync.sinks.contract import Item


@dataclass(frozen=True, slots=True)
class Note:
    """hamsync's note on one run: ``id`` the run's id, ``day`` its local day, ``activity``
    the platform's id of the run (the item's uid and href), ``text`` the block's text."""

    id: str
    day: date
    activity: str
    text: str


def every_noted_run(flags: RunFlags) -> bool:
    """The default: every run :func:`~sync.sinks.note_block.note_for_run` has words for."""
    return True


def long_or_heavy(flags: RunFlags) -> bool:
    """Long trails and heavy descents only (Strava: two requests a note, within its limit)."""
    return flags.long or flags.heavy_descent


@dataclass(frozen=True, slots=True)
class NoteRenderer:
    """Renders notes for a sink holding the activities whose source ids start with ``prefix``.

    ``numeric``: the platform's ids are numbers (Strava); any other id is not its own.
    ``wants``: which flagged runs get a note there (beyond ``note_for_run``).
    """

    prefix: str
    install: str = ""
    numeric: bool = False
    wants: Callable[[RunFlags], bool] = every_noted_run

    def activity(self, run: Run) -> str | None:
        """The sink's id of ``run`` (a merged run keeps the ids of all its sources), or None."""
        for source in run.sources:
            if source.startswith(self.prefix):
                found = source.removeprefix(self.prefix)
                if found and (found.isdigit() or not self.numeric):
                    return found
        return None

    def uid(self, key: str) -> str:
        return key  # a note's uid is its activity's id, set by the notes' diff

    def digest(self, thing: Note) -> str:
        return hashlib.sha256(thing.text.encode("utf-8")).hexdigest()

    def render(self, thing: Note, sequence: int, uid: str) -> Item:
        return Item(uid or thing.activity, thing.text)

    def same(self, a: Item, b: Item) -> bool:
        return a.text.strip() == b.text.strip()

    def owner(self, item: Item) -> str:
        return self.install
