"""Activity notes on Strava: a short marked block in the description of each recent long
trail or heavy descent, saying what it changed in the plan.

The description is read first and only our block (between the markers of
:mod:`sync.sinks.note_block`) is replaced: the runner's own text is kept as it is, and a
re-sync never adds a second block. What was written is recorded in ``sink_items`` keyed by
run id with a hash of the block, so an unchanged note costs no request at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from connectors.base import SourceError
from planner.models import Run, RunFlags
from sync.sinks.activity_notes import ActivityNotesSink, NoteGone
from sync.sinks.base import SinkError
from sync.sinks.note_block import remove_block, upsert_block

PREFIX = "strava:"


class NotesApi(Protocol):
    """What the sink needs from :class:`connectors.strava.StravaApi`."""

    def can_write(self, requests_needed: int = 1) -> bool: ...

    def usage_text(self) -> str: ...

    def activity(self, activity_id: int) -> dict[str, object]: ...

    def set_description(self, activity_id: int, description: str) -> None: ...


def strava_id(run: Run) -> int | None:
    """The Strava activity id among the run's sources (a merged run keeps all of them)."""
    for source in run.sources:
        if source.startswith(PREFIX) and source[len(PREFIX) :].isdigit():
            return int(source[len(PREFIX) :])
    return None


class StravaNotesSink(ActivityNotesSink):
    """Note blocks in Strava descriptions, within Strava's rate limit (two requests a note)."""

    def __init__(self, api: NotesApi, name: str = "strava_notes") -> None:
        self.api = api
        self.name = name

    def activity_id(self, run: Run) -> str | None:
        found = strava_id(run)
        return None if found is None else str(found)

    def wants_note(self, flags: RunFlags) -> bool:
        return flags.long or flags.heavy_descent

    def limit_reached(self) -> str | None:
        if self.api.can_write(2):
            return None
        return f"Strava's rate limit ({self.api.usage_text()})"

    def put_note(self, activity_id: str, text: str) -> bool:
        """Read the description, set our block in it, write it back only if it changed."""
        try:
            self._rewrite(activity_id, lambda old: upsert_block(old, text))
        except SourceError as error:
            raise SinkError.from_source(error, f"activity {activity_id}: ") from error
        return True

    def take_out_note(self, activity_id: str) -> None:
        try:
            self._rewrite(activity_id, remove_block)
        except SourceError as error:
            if "not found" in str(error):  # a deleted activity holds no note any more
                raise NoteGone(activity_id) from error
            raise SinkError.from_source(error, f"activity {activity_id}: ") from error

    def _rewrite(self, activity_id: str, change: Callable[[str], str]) -> None:
        """Read the description and write back ``change(description)`` if that differs."""
        current = self.api.activity(int(activity_id)).get("description")
        old = current if isinstance(current, str) else ""
        new = change(old)
        if new != old:
            self.api.set_description(int(activity_id), new)
